import type { FailedJob, JobName, JobPayload } from '@basalt/contracts';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { isUuid, uuidv7 } from '../../common/ids.js';
import { errorText, JobRegistry } from './job-registry.js';
import { backoffDelay, type EnqueueOptions, type JobHandler, JobQueue, RetryLaterError } from './job-queue.port.js';

export interface LocalJobQueueOptions {
  log: Logger;
  concurrency?: number;
  pollMs?: number;
  /** A claimed job is locked this long and the lock is renewed while it runs; a dead worker's job is retaken after it. */
  lockMs?: number;
  /**
   * Set when this process is the only one that can hold jobs (PGlite owns its data dir exclusively):
   * jobs left active by a crash are taken back at start instead of waiting for their lock to lapse.
   */
  soleWorker?: boolean;
}

interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
}

const KEEP_COMPLETED_MS = 24 * 3600_000;

/** Jobs in the `basalt.jobs` table, claimed with FOR UPDATE SKIP LOCKED so several workers can share it. */
export class LocalJobQueue extends JobQueue {
  readonly driver = 'local';
  private readonly registry = new JobRegistry();
  private readonly running = new Map<string, Promise<void>>();
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly lockMs: number;
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private started = false;
  private stopping = false;
  private polling?: Promise<void>;
  private lastPurge = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly opts: LocalJobQueueOptions,
  ) {
    super();
    this.concurrency = opts.concurrency ?? 4;
    this.pollMs = opts.pollMs ?? 500;
    this.lockMs = opts.lockMs ?? 60_000;
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts: EnqueueOptions = {}): Promise<string> {
    const id = uuidv7();
    const rows: Array<{ id: string }> = await this.ds.query(
      `INSERT INTO basalt.jobs (id, name, payload, status, max_attempts, run_at, idempotency_key)
       VALUES ($1, $2, $3, 'waiting', $4, now() + ($5::int * interval '1 millisecond'), $6)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
      [id, name, JSON.stringify(payload), opts.attempts ?? 5, opts.delayMs ?? 0, opts.idempotencyKey ?? null],
    );
    if (rows.length === 0) {
      const [existing] = await this.ds.query('SELECT id FROM basalt.jobs WHERE idempotency_key = $1', [opts.idempotencyKey]);
      return existing.id;
    }
    if (this.started && !opts.delayMs) setImmediate(() => void this.poll());
    return id;
  }

  handle<N extends JobName>(name: N, handler: JobHandler<N>): void {
    this.registry.add(name, handler);
  }

  async start(): Promise<void> {
    this.registry.assertComplete();
    if (this.opts.soleWorker) {
      await this.ds.query(`UPDATE basalt.jobs SET status = 'waiting', locked_until = NULL WHERE status = 'active'`);
    }
    this.started = true;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
    this.heartbeat = setInterval(() => void this.renewLocks(), this.lockMs / 3);
    void this.poll();
  }

  async listFailed(limit: number): Promise<FailedJob[]> {
    const rows = await this.ds.query(
      `SELECT id, name, payload, attempts, last_error, finished_at FROM basalt.jobs
       WHERE status = 'failed' ORDER BY finished_at DESC LIMIT $1`,
      [limit],
    );
    return rows.map((r: Record<string, unknown>) => ({
      id: r.id as string,
      name: r.name as string,
      payload: r.payload,
      attempts: r.attempts as number,
      error: (r.last_error as string) ?? '',
      failedAt: (r.finished_at as Date).toISOString(),
    }));
  }

  async retry(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    // TypeORM answers an UPDATE with [rows, affectedCount].
    const [, affected]: [unknown[], number] = await this.ds.query(
      `UPDATE basalt.jobs SET status = 'waiting', attempts = 0, run_at = now(), last_error = NULL, finished_at = NULL, updated_at = now()
       WHERE id = $1 AND status = 'failed'`,
      [id],
    );
    if (affected > 0 && this.started) setImmediate(() => void this.poll());
    return affected > 0;
  }

  async ping(): Promise<void> {
    await this.ds.query('SELECT 1 FROM basalt.jobs LIMIT 1');
  }

  async close(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    // A poll under way may still be claiming jobs; once it settles nothing new starts.
    await this.polling;
    await Promise.allSettled(this.running.values());
  }

  private poll(): Promise<void> {
    if (this.polling || this.stopping) return this.polling ?? Promise.resolve();
    this.polling = this.pollOnce().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<void> {
    try {
      while (!this.stopping && this.running.size < this.concurrency) {
        const jobs = await this.claim(this.concurrency - this.running.size);
        if (jobs.length === 0) break;
        if (this.stopping) {
          // Claimed while close() began: hand them back untouched rather than start them.
          await this.release(jobs);
          break;
        }
        for (const job of jobs) {
          const run = this.run(job).finally(() => this.running.delete(job.id));
          this.running.set(job.id, run);
        }
      }
      await this.purgeCompleted();
    } catch (e) {
      this.opts.log.warn({ err: e }, 'job queue poll failed');
    }
  }

  private async release(jobs: ClaimedJob[]): Promise<void> {
    await this.ds.query(
      `UPDATE basalt.jobs SET status = 'waiting', attempts = attempts - 1, locked_until = NULL WHERE id = ANY($1::uuid[]) AND status = 'active'`,
      [jobs.map((j) => j.id)],
    );
  }

  private async claim(limit: number): Promise<ClaimedJob[]> {
    const [rows] = await this.ds.query(
      `UPDATE basalt.jobs SET status = 'active', attempts = attempts + 1, updated_at = now(),
         locked_until = now() + ($1::int * interval '1 millisecond')
       WHERE id IN (
         SELECT id FROM basalt.jobs
         WHERE (status = 'waiting' AND run_at <= now()) OR (status = 'active' AND locked_until < now())
         ORDER BY run_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, name, payload, attempts, max_attempts`,
      [this.lockMs, limit],
    );
    return rows as ClaimedJob[];
  }

  private async run(job: ClaimedJob): Promise<void> {
    const handler = this.registry.get(job.name);
    try {
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      await handler(job.payload as never, { id: job.id, attempt: job.attempts });
      await this.ds.query(
        `UPDATE basalt.jobs SET status = 'completed', finished_at = now(), updated_at = now(), locked_until = NULL WHERE id = $1`,
        [job.id],
      );
    } catch (e) {
      await this.fail(job, e).catch((err) => this.opts.log.error({ err, jobId: job.id }, 'could not record job failure'));
    }
  }

  private async fail(job: ClaimedJob, e: unknown): Promise<void> {
    const error = errorText(e);
    if (job.attempts >= job.max_attempts) {
      this.opts.log.error({ jobId: job.id, job: job.name, attempts: job.attempts, error }, 'job failed for good');
      await this.ds.query(
        `UPDATE basalt.jobs SET status = 'failed', last_error = $2, finished_at = now(), updated_at = now(), locked_until = NULL WHERE id = $1`,
        [job.id, error],
      );
      return;
    }
    const delay = e instanceof RetryLaterError ? Math.max(e.retryAfterMs, backoffDelay(job.attempts)) : backoffDelay(job.attempts);
    this.opts.log.warn({ jobId: job.id, job: job.name, attempt: job.attempts, retryInMs: delay, error }, 'job attempt failed');
    await this.ds.query(
      `UPDATE basalt.jobs SET status = 'waiting', last_error = $2, locked_until = NULL, updated_at = now(),
         run_at = now() + ($3::int * interval '1 millisecond') WHERE id = $1`,
      [job.id, error, delay],
    );
  }

  private async renewLocks(): Promise<void> {
    if (this.running.size === 0) return;
    await this.ds
      .query(`UPDATE basalt.jobs SET locked_until = now() + ($2::int * interval '1 millisecond') WHERE id = ANY($1::uuid[]) AND status = 'active'`, [
        [...this.running.keys()],
        this.lockMs,
      ])
      .catch((err) => this.opts.log.warn({ err }, 'could not renew job locks'));
  }

  private async purgeCompleted(): Promise<void> {
    if (Date.now() - this.lastPurge < 60_000) return;
    this.lastPurge = Date.now();
    await this.ds.query(`DELETE FROM basalt.jobs WHERE status = 'completed' AND finished_at < now() - ($1::int * interval '1 millisecond')`, [
      KEEP_COMPLETED_MS,
    ]);
  }
}
