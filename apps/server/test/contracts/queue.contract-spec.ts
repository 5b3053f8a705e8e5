import { randomUUID } from 'node:crypto';
import { TEST_REDIS_URL } from '@basalt/testkit';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/common/logger.js';
import { BullJobQueue } from '../../src/infra/queue/bullmq-job-queue.driver.js';
import { LocalJobQueue, type LocalJobQueueOptions } from '../../src/infra/queue/local-job-queue.driver.js';
import { type FreshServer, freshPglite, freshPostgres, type MigratedDatabase, openMigratedDatabase } from './database.servers.js';
import { eventually, gate, jobQueueContract, MAIL, recordingHandler, sleep } from './queue.contract.js';

const log = createLogger('silent');

describe.each([
  ['PGlite', freshPglite],
  ['Postgres', freshPostgres],
])('LocalJobQueue on %s', (_name: string, fresh: () => Promise<FreshServer>) => {
  let db: MigratedDatabase;
  const queues: LocalJobQueue[] = [];
  /** A queue as InfraModule makes it (soleWorker on PGlite), polling fast so the tests stay short. */
  const make = (opts: Partial<LocalJobQueueOptions> = {}): LocalJobQueue => {
    const queue = new LocalJobQueue(db.ds, { log, pollMs: 50, soleWorker: db.driver === 'pglite', ...opts });
    queues.push(queue);
    return queue;
  };
  const started = async (queue: LocalJobQueue, handler: Parameters<LocalJobQueue['handle']>[1]): Promise<LocalJobQueue> => {
    queue.handle('mail.send', handler);
    await queue.start();
    return queue;
  };

  beforeAll(async () => {
    db = await openMigratedDatabase(fresh);
  });

  beforeEach(async () => {
    await db.ds.query('DELETE FROM basalt.jobs');
  });

  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close()));
  });

  afterAll(async () => {
    await db?.close();
  });

  jobQueueContract(async () => make());

  it('takes back at start, with soleWorker, a job that a crashed process left active', async () => {
    const id = await make().enqueue('mail.send', MAIL);
    // What a process that claimed the job and died leaves behind.
    await db.ds.query(`UPDATE basalt.jobs SET status = 'active', attempts = 1, locked_until = now() + interval '1 hour' WHERE id = $1`, [id]);
    const { calls, handler } = recordingHandler();

    await started(make({ soleWorker: true }), handler);

    await eventually(() => expect(calls.map((c) => c.ctx)).toEqual([{ id, attempt: 2 }]));
  });

  it('retakes, without soleWorker, a job left active only once its lock has expired', async () => {
    const id = await make().enqueue('mail.send', MAIL);
    const lockedAt = Date.now();
    await db.ds.query(`UPDATE basalt.jobs SET status = 'active', attempts = 1, locked_until = now() + interval '700 milliseconds' WHERE id = $1`, [id]);
    const { calls, handler } = recordingHandler();

    await started(make({ soleWorker: false, lockMs: 300 }), handler);

    await sleep(400);
    expect(calls).toHaveLength(0);
    await eventually(() => expect(calls.map((c) => c.ctx)).toEqual([{ id, attempt: 2 }]));
    expect(calls[0]!.at - lockedAt).toBeGreaterThanOrEqual(700 - 50);
  });

  it('renews the lock of a running job, so another worker does not take it', async () => {
    const release = gate();
    const { calls, handler } = recordingHandler(() => release.promise);
    try {
      const first = await started(make({ soleWorker: false, lockMs: 300 }), handler);
      await first.enqueue('mail.send', MAIL);
      await eventually(() => expect(calls).toHaveLength(1));

      await started(make({ soleWorker: false, lockMs: 300 }), handler);
      await sleep(1200); // four lock periods

      expect(calls).toHaveLength(1);
    } finally {
      release.open();
    }
  });

  it('starts no handler once close() has resolved', async () => {
    const { calls, handler } = recordingHandler();
    const queue = await started(make(), handler);
    await queue.enqueue('mail.send', MAIL, { delayMs: 300 });

    // Hold the jobs table so that the queue's next claim is in flight, blocked, when close() is called.
    const locked = gate();
    const unlock = gate();
    const holder = db.ds.transaction(async (m) => {
      await m.query('LOCK TABLE basalt.jobs IN SHARE ROW EXCLUSIVE MODE');
      locked.open();
      await unlock.promise;
    });
    await locked.promise;
    await sleep(500); // the job is due now; every claim waits for the table
    let closedAt = Number.POSITIVE_INFINITY;
    const closing = queue.close().then(() => (closedAt = Date.now()));
    await sleep(100);
    unlock.open();
    await holder;
    await closing;
    await sleep(300);

    expect(calls.filter((c) => c.at >= closedAt)).toEqual([]);
  });
});

describe('BullJobQueue', () => {
  // One prefix per suite, one per test under it: each test starts with an empty queue.
  const suitePrefix = `basalt-test-${randomUUID()}`;
  let prefix = suitePrefix;
  let tests = 0;
  const queues: BullJobQueue[] = [];
  const make = (): BullJobQueue => {
    const queue = new BullJobQueue({ url: TEST_REDIS_URL, prefix, log, concurrency: 4 });
    queues.push(queue);
    return queue;
  };

  beforeEach(() => {
    prefix = `${suitePrefix}-${++tests}`;
  });

  afterEach(async () => {
    for (const queue of queues.splice(0)) {
      await queue.close();
      const w = (queue as any).worker; console.log('DEBUG W', w?.opts?.connection?.constructor?.name, w?.opts?.connection?.status);
      closeLeakedWorkerConnection(queue);
      console.log('DEBUG W2', w?.opts?.connection?.status);
    }
  });

  afterAll(async () => {
    const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true });
    try {
      await redis.connect();
      const keys = await redis.keys(`${suitePrefix}-*`);
      if (keys.length) await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    await sleep(1000);
    console.log('DEBUG END', process.getActiveResourcesInfo());
  });

  jobQueueContract(async () => make());

  it('closes every Redis connection it opened', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    await sleep(200); // sockets of earlier tests finish closing
    const before = sockets();
    const queue = make();
    queue.handle('mail.send', recordingHandler().handler);
    await queue.start();
    await queue.ping();

    await queue.close();

    await eventually(() => expect(sockets()).toBe(before), 2000);
  });
});

/**
 * Workaround, to delete once BullJobQueue.close() closes it: start() hands the Worker a
 * `connection.duplicate()` that BullMQ treats as the caller's and leaves open, and the driver keeps
 * no reference to it. Left open, it keeps Jest from exiting.
 */
function closeLeakedWorkerConnection(queue: BullJobQueue): void {
  const worker = (queue as unknown as { worker?: { opts: { connection?: { disconnect?: () => void } } } }).worker;
  worker?.opts.connection?.disconnect?.();
}
