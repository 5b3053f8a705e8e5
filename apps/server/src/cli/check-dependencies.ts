import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { BlobStore } from '../infra/blobs/blob-store.port.js';
import { S3BlobStore } from '../infra/blobs/s3-blob-store.driver.js';
import { EventBus } from '../infra/events/event-bus.port.js';
import { Mailer } from '../infra/mail/mailer.port.js';
import { JobQueue } from '../infra/queue/job-queue.port.js';
import { withTimeout } from '../infra/queue/job-registry.js';
import { BootError, describe } from './boot.js';

const BOOT_CHECK_TIMEOUT_MS = 5000;

/**
 * A wrong or unreachable setting stops the process at boot, naming the variable. (Later outages only
 * turn readiness red: the process stays up and recovers.)
 */
export async function checkDependencies(app: INestApplicationContext, config: AppConfig): Promise<void> {
  const checks: Array<[string, () => Promise<unknown>]> = [];
  if (config.redis) {
    checks.push(['BASALT_REDIS_URL', () => app.get(EventBus).ping()]);
    checks.push(['BASALT_REDIS_URL', () => app.get(JobQueue).ping()]);
  }
  const blobs = app.get(BlobStore);
  if (blobs instanceof S3BlobStore) checks.push(['BASALT_S3_ENDPOINT', () => blobs.ensureBucket()]);
  if (config.smtp) checks.push(['BASALT_SMTP_URL', () => app.get(Mailer).ping()]);
  for (const [variable, check] of checks) {
    try {
      await withTimeout(check(), BOOT_CHECK_TIMEOUT_MS, variable);
    } catch (e) {
      throw new BootError(variable, `cannot reach it: ${describe(e)}`);
    }
  }
}
