import { type DynamicModule, Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { AppConfig as AppConfigToken } from '../config/app-config.js';
import { LOGGER } from '../common/logger.js';
import { PooledSql } from './database/pooled-sql.js';
import { BlobStore } from './blobs/blob-store.port.js';
import { FsBlobStore } from './blobs/fs-blob-store.driver.js';
import { S3BlobStore } from './blobs/s3-blob-store.driver.js';
import { EventBus } from './events/event-bus.port.js';
import { MemoryEventBus } from './events/memory-event-bus.driver.js';
import { RedisEventBus } from './events/redis-event-bus.driver.js';
import { MailOutbox } from './mail/mail-outbox.js';
import { MailService } from './mail/mail.service.js';
import { Mailer } from './mail/mailer.port.js';
import { OutboxMailer } from './mail/outbox-mailer.driver.js';
import { SmtpMailer } from './mail/smtp-mailer.driver.js';
import { BullJobQueue } from './queue/bullmq-job-queue.driver.js';
import { JobQueue } from './queue/job-queue.port.js';
import { LocalJobQueue } from './queue/local-job-queue.driver.js';
import { MemoryRateLimiter } from './ratelimit/memory-rate-limiter.driver.js';
import { RateLimiter } from './ratelimit/rate-limiter.port.js';
import { RedisRateLimiter } from './ratelimit/redis-rate-limiter.driver.js';
import { MemoryRealtimeAdapter } from './realtime/memory-realtime-adapter.driver.js';
import { RealtimeAdapter } from './realtime/realtime-adapter.port.js';
import { RedisStreamsRealtimeAdapter } from './realtime/redis-streams-realtime-adapter.driver.js';

export interface InfraOptions {
  config: AppConfig;
  log: Logger;
  /** From DatabaseServer.open(), after migrations ran. */
  db: DataSourceOptions;
}

/** Closes every connection the infra layer opened, after Nest stopped taking requests. */
@Injectable()
class InfraShutdown implements OnApplicationShutdown {
  constructor(
    private readonly queue: JobQueue,
    private readonly events: EventBus,
    private readonly blobs: BlobStore,
    private readonly mailer: Mailer,
    private readonly limiter: RateLimiter,
    private readonly realtime: RealtimeAdapter,
    private readonly ds: DataSource,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    for (const [name, close] of [
      ['queue', () => this.queue.close()],
      ['events', () => this.events.close()],
      ['blobs', () => this.blobs.close()],
      ['mail', () => this.mailer.close()],
      ['rate limiter', () => this.limiter.close()],
      ['realtime adapter', () => this.realtime.close()],
      ['database', () => this.ds.destroy()],
    ] as const) {
      await close().catch((err: unknown) => this.log.warn({ err }, `closing ${name} failed`));
    }
  }
}

/** The one place a driver is chosen: from config, once. Feature modules see only the ports. */
@Global()
@Module({})
export class InfraModule {
  static forRoot({ config, log, db }: InfraOptions): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        { provide: AppConfigToken, useValue: config },
        { provide: LOGGER, useValue: log },
        {
          provide: DataSource,
          useFactory: () => new DataSource({ ...db, entities: [], migrations: [] } as DataSourceOptions).initialize(),
        },
        { provide: PooledSql, inject: [DataSource], useFactory: (ds: DataSource) => new PooledSql(ds, config.db.statementCache) },
        {
          provide: JobQueue,
          inject: [DataSource],
          useFactory: (ds: DataSource) =>
            config.redis
              ? new BullJobQueue({ url: config.redis.url, prefix: config.redis.prefix, log })
              : new LocalJobQueue(ds, { log, soleWorker: config.db.driver === 'pglite' }),
        },
        {
          provide: EventBus,
          useFactory: () => {
            const onError = (err: unknown, event: string) => log.error({ err, event }, 'event handler failed');
            return config.redis
              ? new RedisEventBus({
                  url: config.redis.url,
                  prefix: config.redis.prefix,
                  onError,
                  onConnectionError: (err, connection) => log.warn({ err: err.message, connection }, 'event bus lost its Redis connection'),
                })
              : new MemoryEventBus({ onError });
          },
        },
        {
          provide: BlobStore,
          useFactory: () => (config.blobs.driver === 's3' ? new S3BlobStore(config.blobs) : new FsBlobStore({ root: config.blobs.root })),
        },
        { provide: MailOutbox, inject: [DataSource], useFactory: (ds: DataSource) => new MailOutbox(ds) },
        {
          provide: Mailer,
          inject: [MailOutbox],
          useFactory: (outbox: MailOutbox) => 
            config.smtp ? new SmtpMailer({ ...config.smtp, onError: (err) => log.warn({ err }, 'SMTP transport error') }) : new OutboxMailer(outbox),
        },
        {
          provide: RateLimiter,
          useFactory: () =>
            config.redis
              ? new RedisRateLimiter({
                  url: config.redis.url,
                  prefix: config.redis.prefix,
                  onConnectionError: (err) => log.warn({ err: err.message }, 'rate limiter lost its Redis connection'),
                })
              : new MemoryRateLimiter(),
        },
        {
          provide: RealtimeAdapter,
          useFactory: () =>
            config.redis
              ? new RedisStreamsRealtimeAdapter({
                  url: config.redis.url,
                  prefix: config.redis.prefix,
                  onConnectionError: (err) => log.warn({ err: err.message }, 'realtime adapter lost its Redis connection'),
                  onBadMessage: (err) => log.warn({ err }, 'realtime adapter skipped a message it could not read'),
                })
              : new MemoryRealtimeAdapter(),
        },
        MailService,
        InfraShutdown,
      ],
      exports: [AppConfigToken, LOGGER, DataSource, PooledSql, JobQueue, EventBus, BlobStore, Mailer, MailOutbox, MailService, RateLimiter, RealtimeAdapter],
    };
  }
}
