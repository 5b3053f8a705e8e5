import type { HealthResponse, ReadinessResponse } from '@basalt/contracts';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { BlobStore } from '../infra/blobs/blob-store.port.js';
import { EventBus } from '../infra/events/event-bus.port.js';
import { MailService } from '../infra/mail/mail.service.js';
import { JobQueue } from '../infra/queue/job-queue.port.js';
import { withTimeout } from '../infra/queue/job-registry.js';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly config: AppConfig,
    private readonly ds: DataSource,
    private readonly queue: JobQueue,
    private readonly events: EventBus,
    private readonly blobs: BlobStore,
    private readonly mail: MailService,
  ) {}

  @Get()
  live(): HealthResponse {
    return { status: 'ok' };
  }

  /** Every configured dependency, checked now and in parallel; 503 names the ones that are down. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: FastifyReply): Promise<ReadinessResponse> {
    const checks: Array<[string, string, () => Promise<unknown>]> = [
      ['database', this.config.db.driver, () => this.ds.query('SELECT 1')],
      ['queue', this.queue.driver, () => this.queue.ping()],
      ['events', this.config.redis ? 'redis' : 'memory', () => this.events.ping()],
      ['blobs', this.config.blobs.driver, () => this.blobs.ping()],
      ['mail', this.mail.active().driver, () => this.mail.active().ping()],
    ];
    const results = await Promise.all(
      checks.map(async ([name, driver, check]) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS, name);
          return [name, { status: 'ok' as const, driver }] as const;
        } catch (e) {
          return [name, { status: 'down' as const, driver, error: e instanceof Error ? e.message.slice(0, 200) : 'unavailable' }] as const;
        }
      }),
    );
    const down = results.some(([, r]) => r.status === 'down');
    res.status(down ? 503 : 200);
    return { status: down ? 'unavailable' : 'ok', checks: Object.fromEntries(results) };
  }
}
