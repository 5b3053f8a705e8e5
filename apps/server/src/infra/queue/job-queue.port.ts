import type { FailedJob, JobName, JobPayload } from '@basalt/contracts';

export interface EnqueueOptions {
  /** A second enqueue with the same key while the first is known is ignored. */
  idempotencyKey?: string;
  /** Milliseconds before the job may run. */
  delayMs?: number;
  /** Attempts in all, including the first. Default 5. */
  attempts?: number;
}

export interface JobContext {
  id: string;
  attempt: number;
}

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, ctx: JobContext) => Promise<void>;

/** Thrown by a handler to be retried no sooner than `retryAfterMs` (e.g. a provider's Retry-After). */
export class RetryLaterError extends Error {
  constructor(message: string, readonly retryAfterMs: number) {
    super(message);
  }
}

/**
 * At-least-once. Payloads are JSON. Handlers must be idempotent; enqueue after the writing
 * transaction commits. Failed attempts retry with exponential backoff (1 s, 2 s, 4 s, ... capped at 5 min);
 * a job that runs out of attempts is kept as failed until an admin retries it.
 */
export abstract class JobQueue {
  abstract readonly driver: 'local' | 'bullmq';
  abstract enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: EnqueueOptions): Promise<string>;
  /** Registers the one handler of a job name; a second registration throws. */
  abstract handle<N extends JobName>(name: N, handler: JobHandler<N>): void;
  /** Begins processing registered handlers (worker role). Refuses to start if a job name has no handler. */
  abstract start(): Promise<void>;
  abstract listFailed(limit: number): Promise<FailedJob[]>;
  /** Returns false when no failed job has that id. */
  abstract retry(id: string): Promise<boolean>;
  abstract ping(): Promise<void>;
  /** Stops taking jobs and waits for running handlers to settle. */
  abstract close(): Promise<void>;
}

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 5 * 60_000;

export function backoffDelay(attempt: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1));
}
