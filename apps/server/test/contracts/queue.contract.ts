import { type FailedJob, JOB_NAMES, type JobPayload } from '@basalt/contracts';
import { type JobContext, type JobHandler, type JobQueue, RetryLaterError } from '../../src/infra/queue/job-queue.port.js';

export const MAIL: JobPayload<'mail.send'> = { to: 'alice@example.com', subject: 'Hello', text: 'Hi Alice' };

/** Timestamps come from two clocks (this process, the database or Redis): allow this much skew. */
const CLOCK_SLACK_MS = 50;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface Gate {
  promise: Promise<void>;
  open(): void;
}

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Polls until `check` passes; jobs run asynchronously on every driver. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(20);
    }
  }
}

export interface HandledCall {
  payload: unknown;
  ctx: JobContext;
  /** Date.now() when the handler was entered. */
  at: number;
}

/** A 'mail.send' handler that records every call, then behaves as `outcome` says (throws, waits...). */
export function recordingHandler(outcome: (ctx: JobContext) => unknown = () => undefined) {
  const calls: HandledCall[] = [];
  const handler: JobHandler<'mail.send'> = async (payload, ctx) => {
    calls.push({ payload, ctx, at: Date.now() });
    await outcome(ctx);
  };
  return { calls, handler };
}

/**
 * The contract exercises 'mail.send'; a queue starts only once every job name has a handler, so the
 * others get one that fails the test if it ever runs.
 */
export function handleOtherJobs(queue: JobQueue): void {
  for (const name of JOB_NAMES) {
    if (name === 'mail.send') continue;
    queue.handle(name, async () => {
      throw new Error(`the queue contract never enqueues ${name}`);
    });
  }
}

/**
 * The JobQueue contract, run against every driver. `makeQueue` returns a new, unstarted queue;
 * queues made within one test share their store (one is the producer, another the worker, as an
 * API node and a worker process would), and the suite that runs this contract gives each test an
 * empty store. The suite closes every queue it made.
 */
export function jobQueueContract(makeQueue: () => Promise<JobQueue>): void {
  const opened: JobQueue[] = [];
  const open = async (): Promise<JobQueue> => {
    const queue = await makeQueue();
    opened.push(queue);
    return queue;
  };
  const startWith = async (handler: JobHandler<'mail.send'>): Promise<JobQueue> => {
    const queue = await open();
    queue.handle('mail.send', handler);
    handleOtherJobs(queue);
    await queue.start();
    return queue;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
  });

  it('runs the handler asynchronously with a JSON copy of the payload', async () => {
    const { calls, handler } = recordingHandler();
    const queue = await startWith(handler);
    const payload = { ...MAIL, html: undefined, meta: { sentAt: new Date('2024-05-06T07:08:09.010Z'), tags: ['a', 1, null, true] } };

    const id = await queue.enqueue('mail.send', payload as JobPayload<'mail.send'>);
    expect(calls).toHaveLength(0);

    await eventually(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.payload).toStrictEqual({ ...MAIL, meta: { sentAt: '2024-05-06T07:08:09.010Z', tags: ['a', 1, null, true] } });
    expect(calls[0]!.ctx).toEqual({ id, attempt: 1 });
  });

  it('runs jobs enqueued by a queue that never started on a started one', async () => {
    const producer = await open();
    const early = await producer.enqueue('mail.send', { ...MAIL, text: 'early' });
    const { calls, handler } = recordingHandler();

    await startWith(handler);
    const late = await producer.enqueue('mail.send', { ...MAIL, text: 'late' });

    await eventually(() => expect(calls.map((c) => c.ctx.id).sort()).toEqual([early, late].sort()));
    expect(calls.find((c) => c.ctx.id === late)!.payload).toEqual({ ...MAIL, text: 'late' });
  });

  it('refuses to start while a job name has no handler', async () => {
    const queue = await open();
    await expect(queue.start()).rejects.toThrow(/mail\.send/);
  });

  it('refuses a second handler for the same job name', async () => {
    const queue = await open();
    const { handler } = recordingHandler();
    queue.handle('mail.send', handler);
    expect(() => queue.handle('mail.send', handler)).toThrow(/mail\.send/);
  });

  it('retries a throwing handler after 1 s, then 2 s, until it succeeds', async () => {
    const { calls, handler } = recordingHandler(({ attempt }) => {
      if (attempt < 3) throw new Error(`attempt ${attempt} failed`);
    });
    const queue = await startWith(handler);

    const id = await queue.enqueue('mail.send', MAIL);

    await eventually(() => expect(calls).toHaveLength(3), 8000);
    expect(calls.map((c) => c.ctx)).toEqual([1, 2, 3].map((attempt) => ({ id, attempt })));
    expect(calls.map((c) => c.payload)).toEqual([MAIL, MAIL, MAIL]);
    const [first, second] = [calls[1]!.at - calls[0]!.at, calls[2]!.at - calls[1]!.at];
    expect(first).toBeGreaterThanOrEqual(1000 - CLOCK_SLACK_MS);
    expect(first).toBeLessThan(2000);
    expect(second).toBeGreaterThanOrEqual(2000 - CLOCK_SLACK_MS);
    expect(second).toBeLessThan(3000);
    await sleep(100);
    await expect(queue.listFailed(10)).resolves.toEqual([]);
  });

  it('keeps a job that ran out of attempts as failed, with its error and payload, until it is retried', async () => {
    let succeed = false;
    const { calls, handler } = recordingHandler(() => {
      if (!succeed) throw new Error('smtp said no');
    });
    const queue = await startWith(handler);

    const id = await queue.enqueue('mail.send', MAIL, { attempts: 2 });

    let failed: FailedJob[] = [];
    await eventually(async () => {
      failed = await queue.listFailed(10);
      expect(failed.map((f) => f.id)).toEqual([id]);
    }, 8000);
    expect(calls.map((c) => c.ctx.attempt)).toEqual([1, 2]);
    expect(failed[0]).toEqual({ id, name: 'mail.send', payload: MAIL, attempts: 2, error: expect.stringContaining('smtp said no'), failedAt: expect.any(String) });
    const failedAt = failed[0]!.failedAt;
    expect(new Date(failedAt).toISOString()).toBe(failedAt);
    expect(Date.parse(failedAt)).toBeGreaterThanOrEqual(calls[1]!.at - CLOCK_SLACK_MS);
    expect(Date.parse(failedAt)).toBeLessThanOrEqual(Date.now() + CLOCK_SLACK_MS);

    succeed = true;
    await expect(queue.retry(id)).resolves.toBe(true);

    await eventually(() => expect(calls).toHaveLength(3));
    // A retried job starts over with all its attempts.
    expect(calls[2]!.ctx).toEqual({ id, attempt: 1 });
    await eventually(async () => expect(await queue.listFailed(10)).toEqual([]));
    await expect(queue.retry(id)).resolves.toBe(false);
  });

  it.each([
    ['an unknown uuid', '0190a0e0-1c2d-7e3f-8a4b-5c6d7e8f9a0b'],
    ['an id that is not a uuid', 'no-such-job'],
  ])('answers false when retrying %s', async (_what, id) => {
    const queue = await open();
    await expect(queue.retry(id)).resolves.toBe(false);
  });

  it('waits at least retryAfterMs after a RetryLaterError', async () => {
    const { calls, handler } = recordingHandler(({ attempt }) => {
      if (attempt === 1) throw new RetryLaterError('rate limited', 1500);
    });
    const queue = await startWith(handler);

    await queue.enqueue('mail.send', MAIL);

    await eventually(() => expect(calls).toHaveLength(2), 5000);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1500 - CLOCK_SLACK_MS);
  });

  it('runs a job once for every enqueue with the same idempotency key, and returns its id each time', async () => {
    const { calls, handler } = recordingHandler();
    const queue = await startWith(handler);

    const [a, b] = await Promise.all([
      queue.enqueue('mail.send', MAIL, { idempotencyKey: 'welcome:alice' }),
      queue.enqueue('mail.send', MAIL, { idempotencyKey: 'welcome:alice' }),
    ]);
    expect(b).toBe(a);
    await eventually(() => expect(calls).toHaveLength(1));
    // Still known once it has run.
    await expect(queue.enqueue('mail.send', MAIL, { idempotencyKey: 'welcome:alice' })).resolves.toBe(a);
    const other = await queue.enqueue('mail.send', MAIL, { idempotencyKey: 'welcome:bob' });

    expect(other).not.toBe(a);
    await eventually(() => expect(calls.map((c) => c.ctx.id)).toEqual([a, other]));
    await sleep(300);
    expect(calls).toHaveLength(2);
  });

  it('does not run a delayed job before its delay', async () => {
    const { calls, handler } = recordingHandler();
    const queue = await startWith(handler);
    const before = Date.now();

    await queue.enqueue('mail.send', MAIL, { delayMs: 800 });

    await sleep(500);
    expect(calls).toHaveLength(0);
    await eventually(() => expect(calls).toHaveLength(1));
    expect(calls[0]!.at - before).toBeGreaterThanOrEqual(800 - CLOCK_SLACK_MS);
  });

  it('runs each job once when two started queues share the store', async () => {
    const { calls, handler } = recordingHandler(() => sleep(20));
    await startWith(handler);
    const producer = await startWith(handler);

    const ids = await Promise.all(Array.from({ length: 12 }, (_, n) => producer.enqueue('mail.send', { ...MAIL, text: `n${n}` })));

    await eventually(() => expect(calls).toHaveLength(12));
    await sleep(300);
    expect(calls.map((c) => c.ctx.id).sort()).toEqual([...ids].sort());
  });

  it('waits in close() for a running handler, whose job then stays done', async () => {
    const release = gate();
    const entered = gate();
    let finished = false;
    const { calls, handler } = recordingHandler(async () => {
      entered.open();
      await release.promise;
      await sleep(50);
      finished = true;
    });
    const queue = await startWith(handler);
    try {
      await queue.enqueue('mail.send', MAIL);
      await entered.promise;

      let closed = false;
      const closing = queue.close().then(() => (closed = true));
      await sleep(200);
      expect(closed).toBe(false);
      release.open();
      await closing;
      expect(finished).toBe(true);
    } finally {
      release.open();
    }

    // Another worker finds nothing left to do.
    await startWith(handler);
    await sleep(300);
    expect(calls).toHaveLength(1);
  });

  it('answers ping', async () => {
    const queue = await open();
    await expect(queue.ping()).resolves.toBeUndefined();
    expect(['local', 'bullmq']).toContain(queue.driver);
  });
}
