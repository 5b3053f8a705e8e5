import { createHash } from 'node:crypto';
import type { FailedJob, JobName, JobPayload } from '@basalt/contracts';
import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { uuidv7 } from '../../common/ids.js';
import { errorText, JobRegistry, withTimeout } from './job-registry.js';
import { backoffDelay, type EnqueueOptions, type JobHandler, JobQueue, RetryLaterError } from './job-queue.port.js';

export interface BullJobQueueOptions {
  url: string;
  prefix: string;
  log: Logger;
  concurrency?: number;
}

const QUEUE_NAME = 'jobs';
const KEEP_COMPLETED_SECONDS = 24 * 3600;

/** BullMQ on Redis: one queue for every job name, one worker that dispatches by name. */
export class BullJobQueue extends JobQueue {
  readonly driver = 'bullmq';
  private readonly registry = new JobRegistry();
  private readonly connection: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConnection?: Redis;

  constructor(private readonly opts: BullJobQueueOptions) {
    super();
    // BullMQ needs maxRetriesPerRequest: null so blocking commands survive reconnects.
    this.connection = new Redis(opts.url, { maxRetriesPerRequest: null, lazyConnect: false });
    this.connection.on('error', (err) => opts.log.debug({ err }, 'queue redis connection error'));
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection, prefix: opts.prefix });
    this.queue.on('error', (err) => opts.log.debug({ err }, 'queue error'));
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<string> {
    // BullMQ ignores an add whose jobId already exists, which is exactly idempotency.
    const jobId = opts.idempotencyKey ? `idem-${createHash('sha256').update(opts.idempotencyKey).digest('hex')}` : uuidv7();
    const job = await this.queue.add(name, JSON.parse(JSON.stringify(payload)), {
      jobId,
      delay: opts.delayMs,
      attempts: opts.attempts ?? 5,
      backoff: { type: 'basalt' },
      removeOnComplete: { age: KEEP_COMPLETED_SECONDS },
      removeOnFail: false,
    });
    return job.id ?? jobId;
  }

  handle<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.registry.add(name, handler);
  }

  async start(): Promise<void> {
    this.registry.assertComplete();
    // Workers block on their connection, so they get their own; BullMQ leaves closing it to us.
    this.workerConnection = this.connection.duplicate();
    this.worker = new Worker(QUEUE_NAME, (job) => this.process(job), {
      connection: this.workerConnection,
      prefix: this.opts.prefix,
      concurrency: this.opts.concurrency ?? 8,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
          err instanceof RetryLaterError ? Math.max(err.retryAfterMs, backoffDelay(attemptsMade)) : backoffDelay(attemptsMade),
      },
    });
    this.worker.on('error', (err) => this.opts.log.debug({ err }, 'queue worker error'));
    this.worker.on('failed', (job, err) => {
      const final = job && job.attemptsMade >= (job.opts.attempts ?? 1);
      this.opts.log[final ? 'error' : 'warn']({ jobId: job?.id, job: job?.name, attempt: job?.attemptsMade, error: errorText(err) }, final ? 'job failed for good' : 'job attempt failed');
    });
  }

  async listFailed(limit: number): Promise<FailedJob[]> {
    const jobs = await this.queue.getFailed(0, limit - 1);
    return jobs.map((j) => ({
      id: j.id!,
      name: j.name,
      payload: j.data,
      attempts: j.attemptsMade,
      error: j.failedReason ?? '',
      failedAt: new Date(j.finishedOn ?? j.processedOn ?? j.timestamp).toISOString(),
    }));
  }

  async retry(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id);
    if (!job || !(await job.isFailed())) return false;
    await job.retry('failed', { resetAttemptsMade: true });
    return true;
  }

  async ping(): Promise<void> {
    await withTimeout(this.connection.ping(), 2000, 'redis');
  }

  async close(): Promise<void> {
    await this.worker?.close();
    await this.queue.close();
    this.workerConnection?.disconnect();
    this.connection.disconnect();
  }

  private async process(job: Job): Promise<void> {
    const handler = this.registry.get(job.name);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    await handler(job.data, { id: job.id!, attempt: job.attemptsMade + 1 });
  }
}
