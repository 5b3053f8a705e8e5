import { randomUUID } from 'node:crypto';
import { TEST_REDIS_URL } from '@basalt/testkit';
import { Redis } from 'ioredis';
import { createLogger } from '../../src/common/logger.js';
import { BullJobQueue } from '../../src/infra/queue/bullmq-job-queue.driver.js';
import type { JobHandler } from '../../src/infra/queue/job-queue.port.js';
import { LocalJobQueue, type LocalJobQueueOptions } from '../../src/infra/queue/local-job-queue.driver.js';
import { type FreshServer, freshPglite, freshPostgres, type MigratedDatabase, openMigratedDatabase } from './database.servers.js';
import { eventually, gate, handleOtherJobs, jobQueueContract, MAIL, recordingHandler, sleep } from './queue.contract.js';

const log = createLogger('silent');

describe.each([
  ['PGlite', freshPglite],
  ['Postgres', freshPostgres],
])('LocalJobQueue on %s', (_name: string, fresh: () => Promise<FreshServer>) => {
  let db: MigratedDatabase;
  /** A queue as InfraModule makes it (soleWorker on PGlite), polling fast so the tests stay short. */
  const newQueue = (opts: Partial<LocalJobQueueOptions> = {}) =>
    new LocalJobQueue(db.ds, { log, pollMs: 50, soleWorker: db.driver === 'pglite', ...opts });
  /** Queues made by the tests of this file, closed after each; the contract closes its own. */
  const queues: LocalJobQueue[] = [];
  const make = (opts: Partial<LocalJobQueueOptions> = {}): LocalJobQueue => {
    const queue = newQueue(opts);
    queues.push(queue);
    return queue;
  };
  const started = async (queue: LocalJobQueue, handler: JobHandler<'mail.send'>): Promise<LocalJobQueue> => {
    queue.handle('mail.send', handler);
    handleOtherJobs(queue);
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

  jobQueueContract(async () => newQueue());

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
    await queue.enqueue('mail.send', MAIL, { delayMs: 3_600_000 });

    // Hold the jobs table, and make the job due when letting go, so that the claim that is in flight
    // when close() is called finds it.
    const locked = gate();
    const unlock = gate();
    const holder = db.ds.transaction(async (m) => {
      await m.query('LOCK TABLE basalt.jobs IN SHARE ROW EXCLUSIVE MODE');
      await m.query(`UPDATE basalt.jobs SET run_at = now() - interval '1 hour'`);
      locked.open();
      await unlock.promise;
    });
    await locked.promise;
    await sleep(200); // a poll is now waiting for the table
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
  const make = (): BullJobQueue => new BullJobQueue({ url: TEST_REDIS_URL, prefix, log, concurrency: 4 });

  beforeEach(() => {
    prefix = `${suitePrefix}-${++tests}`;
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
  });

  jobQueueContract(async () => make());

  it('closes every Redis connection it opened', async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    await sleep(200); // sockets of earlier tests finish closing
    const before = sockets();
    const queue = make();
    queue.handle('mail.send', recordingHandler().handler);
    handleOtherJobs(queue);
    try {
      await queue.start();
      await queue.ping();
    } finally {
      await queue.close();
    }

    await eventually(() => expect(sockets()).toBe(before), 2000);
  });
});
