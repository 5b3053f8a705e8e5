import { type DynamicModule, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { AdminModule } from './admin/admin.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CollectionsModule } from './collections/collections.module.js';
import { AppConfig } from './config/app-config.js';
import { CommonModule } from './common/common.module.js';
import { HealthModule } from './health/health.module.js';
import { InfraModule, type InfraOptions } from './infra/infra.module.js';
import { JobQueue } from './infra/queue/job-queue.port.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PushModule } from './push/push.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { StorageModule } from './storage/storage.module.js';

/** Starts taking jobs once every module has registered its handlers (the root module boots last). */
@Injectable()
class QueueStarter implements OnApplicationBootstrap {
  constructor(
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.role !== 'api') await this.queue.start();
  }
}

@Module({})
export class AppModule {
  static forRoot(infra: InfraOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [InfraModule.forRoot(infra), CommonModule, AdminModule, AuthModule, CollectionsModule, HealthModule, MetricsModule, PushModule, RealtimeModule, StorageModule],
      providers: [QueueStarter],
    };
  }
}
