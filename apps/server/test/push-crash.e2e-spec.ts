import { eventually, testDrivers } from '@basalt/testkit';
import { PLATFORMS, PushKit, type WorkerProcess } from './support/push-kit.js';

/** PROVIDER_CONCURRENCY (apps/server/src/push/providers/push-providers.service.ts) per platform, per process. */
const IN_FLIGHT_PER_PROVIDER = 16;

/**
 * The documented duplicate bound: a device is re-sent after a crash only if its request was in
 * flight when the worker died, and one worker holds at most 16 requests per provider in flight.
 */
describe('a worker killed in the middle of a fan-out', () => {
  const scaled = testDrivers() === 'scaled';
  let kit: PushKit;
  let worker: WorkerProcess | undefined;

  beforeAll(async () => {
    // Scaled: an API node that runs no jobs and a separate worker process; embedded: the one process.
    kit = await PushKit.start(scaled ? { env: { BASALT_ROLE: 'api' } } : {});
    if (scaled) worker = await kit.startWorker();
  }, 120_000);

  afterAll(async () => {
    await worker?.stop();
    await kit?.stop();
  });

  it('skips no device and re-sends at most the requests that were in flight', async () => {
    const topic = `crash-${Date.now()}`;
    const devices = await kit.registerMany(1000, [topic]);
    // Slow providers keep requests in flight, so the kill lands mid-delivery.
    for (const p of PLATFORMS) kit.ledger(p).delayMs = 150;
    const sent = await kit.send({ target: { topics: [topic] }, notification: { title: 'Crash', body: 'test' } });
    const total = () => PLATFORMS.reduce((n, p) => n + kit.ledger(p).total, 0);
    await eventually(async () => total() >= 200, 60_000, 20);
    if (scaled) await worker!.kill();
    else await kit.auth.basalt.kill();
    const atKill = total();
    expect(atKill).toBeLessThan(1000);
    // Requests the dead worker had in flight still reach the providers: they are the possible duplicates.
    await new Promise((r) => setTimeout(r, 500));
    for (const p of PLATFORMS) kit.ledger(p).delayMs = 0;

    if (scaled) worker = await kit.startWorker();
    else await kit.restart();
    // BullMQ hands a dead worker's jobs on once their lock lapses (30 s); the local queue at restart.
    const done = await kit.finished(sent.id, 150_000);

    const counts = devices.map((d) => kit.deliveries(d));
    expect(counts.filter((c) => c === 0)).toEqual([]);
    const duplicates = counts.reduce((n, c) => n + (c - 1), 0);
    expect(duplicates).toBeLessThanOrEqual(IN_FLIGHT_PER_PROVIDER * PLATFORMS.length);
    expect(done).toMatchObject({ status: 'done', counts: { targeted: 1000, sent: 1000, failed: 0, invalidTokens: 0 } });
    expect(kit.rejections()).toEqual([]);
  }, 300_000);
});
