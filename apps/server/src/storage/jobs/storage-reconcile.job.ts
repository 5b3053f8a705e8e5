import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { JobQueue } from '../../infra/queue/job-queue.port.js';
import { StorageReconciler } from './storage-reconciler.js';

/** How often workers schedule a reconciler run. */
export const RECONCILE_INTERVAL_MS = 60 * 60_000;

/**
 * `storage.reconcile` runs the reconciler. Worker processes enqueue it every interval under a key
 * per time window, so however many workers run, one run happens per window.
 */
@Injectable()
export class StorageReconcileJob implements OnModuleInit, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly queue: JobQueue,
    private readonly reconciler: StorageReconciler,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.queue.handle('storage.reconcile', async () => {
      await this.reconciler.run();
    });
    if (this.config.role === 'api') return;
    this.timer = setInterval(() => void this.schedule(), RECONCILE_INTERVAL_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async schedule(): Promise<void> {
    const window = Math.floor(Date.now() / RECONCILE_INTERVAL_MS);
    await this.queue.enqueue('storage.reconcile', {}, { idempotencyKey: `storage.reconcile:${window}`, attempts: 1 }).catch(() => undefined);
  }
}
