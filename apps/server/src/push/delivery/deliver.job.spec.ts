import type { JobName } from '@basalt/contracts';
import { type JobHandler, JobQueue, RetryLaterError } from '../../infra/queue/job-queue.port.js';
import type { DevicesRepository } from '../devices/devices.repository.js';
import type { MessageRow, MessagesRepository } from '../messages/messages.repository.js';
import type { PushContent, PushDestination, PushProvider, SendOutcome } from '../providers/push-provider.js';
import type { ProviderLookup, PushProviders } from '../providers/push-providers.service.js';
import { Semaphore } from '../providers/semaphore.js';
import type { DeliveriesRepository, DeliveryResult, OpenDelivery } from './deliveries.repository.js';
import { DeliverJob } from './deliver.job.js';
import { DELIVER_ATTEMPTS } from './fanout.job.js';

const MESSAGE = { id: 'm1', status: 'sending', notification: { title: 't', body: 'b' }, data: null, ttl: null, priority: 'high', collapseKey: null } as unknown as MessageRow;

/** Delivery rows of one batch, with the transitions the job makes recorded in order. */
class RowsDouble {
  readonly log: string[] = [];
  readonly status = new Map<string, string>();
  refreshed = 0;

  constructor(readonly rows: OpenDelivery[]) {
    for (const r of rows) this.status.set(r.deviceId, 'pending');
  }

  asRepo(): DeliveriesRepository {
    return {
      open: async () => this.rows.filter((r) => ['pending', 'sending'].includes(this.status.get(r.deviceId)!)),
      markSending: async (_m: string, d: string) => {
        this.log.push(`${d}:sending`);
        this.status.set(d, 'sending');
      },
      mark: async (_m: string, d: string, result: DeliveryResult) => {
        this.log.push(`${d}:${result}`);
        this.status.set(d, result);
      },
      refresh: async () => {
        this.refreshed++;
      },
    } as unknown as DeliveriesRepository;
  }
}

class ScriptedProvider implements PushProvider {
  readonly platform = 'fcm';
  readonly sent: string[] = [];
  constructor(private readonly answers: Record<string, SendOutcome[]>) {}
  async send(d: PushDestination, _c: PushContent): Promise<SendOutcome> {
    this.sent.push(d.token);
    return this.answers[d.token]?.shift() ?? { kind: 'sent' };
  }
  async close(): Promise<void> {}
}

function setup(rows: OpenDelivery[], answers: Record<string, SendOutcome[]>, lookup?: ProviderLookup) {
  const double = new RowsDouble(rows);
  const provider = new ScriptedProvider(answers);
  const removed: string[] = [];
  const job = new DeliverJob(
    { handle: (_n: JobName, _h: JobHandler<JobName>) => undefined } as unknown as JobQueue,
    { get: async () => MESSAGE } as unknown as MessagesRepository,
    double.asRepo(),
    { deleteGone: async (id: string) => void removed.push(id) } as unknown as DevicesRepository,
    { get: async () => lookup ?? { provider, limiter: new Semaphore(2) } } as unknown as PushProviders,
  );
  return { job, double, provider, removed };
}

const row = (n: number): OpenDelivery => ({ deviceId: `d${n}`, platform: 'fcm', token: `t${n}`, subscription: null });

describe('DeliverJob', () => {
  it('marks each device sending before its request and settles it after', async () => {
    const { job, double } = setup([row(1), row(2)], {});
    await job.run('m1', 0, { id: 'j', attempt: 1 });
    expect(double.log.filter((l) => l.startsWith('d1'))).toEqual(['d1:sending', 'd1:sent']);
    expect(double.status.get('d2')).toBe('sent');
    expect(double.refreshed).toBe(1);
  });

  it('removes a device whose token is gone and fails one refused for good, without retrying', async () => {
    const { job, double, removed } = setup([row(1), row(2)], { t1: [{ kind: 'invalid', reason: '410' }], t2: [{ kind: 'failed', reason: '400' }] });
    await job.run('m1', 0, { id: 'j', attempt: 1 });
    expect(double.status.get('d1')).toBe('invalid');
    expect(removed).toEqual(['d1']);
    expect(double.status.get('d2')).toBe('failed');
  });

  it('keeps temporarily refused devices pending and asks for a retry no sooner than the longest Retry-After', async () => {
    const { job, double, provider } = setup([row(1), row(2), row(3)], {
      t1: [{ kind: 'retry', reason: '503', retryAfterMs: 2000 }],
      t2: [{ kind: 'retry', reason: '429', retryAfterMs: 7000 }],
    });
    const attempt = job.run('m1', 0, { id: 'j', attempt: 1 });
    await expect(attempt).rejects.toBeInstanceOf(RetryLaterError);
    await expect(attempt).rejects.toMatchObject({ retryAfterMs: 7000 });
    expect(double.status.get('d1')).toBe('pending');
    expect(double.status.get('d3')).toBe('sent');
    // The retry sends only the devices still open.
    provider.sent.length = 0;
    await job.run('m1', 0, { id: 'j', attempt: 2 });
    expect(provider.sent.sort()).toEqual(['t1', 't2']);
    expect(double.status.get('d2')).toBe('sent');
  });

  it('on the last attempt marks still-refused devices failed instead of retrying', async () => {
    const { job, double } = setup([row(1)], { t1: [{ kind: 'retry', reason: '503' }] });
    await job.run('m1', 0, { id: 'j', attempt: DELIVER_ATTEMPTS });
    expect(double.status.get('d1')).toBe('failed');
  });

  it('re-sends a device left `sending` by a crashed attempt', async () => {
    const { job, double, provider } = setup([row(1), row(2)], {});
    double.status.set('d1', 'sending');
    double.status.set('d2', 'sent');
    await job.run('m1', 0, { id: 'j', attempt: 1 });
    expect(provider.sent).toEqual(['t1']);
  });

  it('fails every device of a platform that is not configured', async () => {
    const { job, double } = setup([row(1)], {}, { error: 'fcm is not configured' });
    await job.run('m1', 0, { id: 'j', attempt: 1 });
    expect(double.status.get('d1')).toBe('failed');
  });

  it('never has more requests in flight than the provider limit', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => row(i));
    let inFlight = 0;
    let peak = 0;
    const slow: PushProvider = {
      platform: 'fcm',
      send: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return { kind: 'sent' };
      },
      close: async () => undefined,
    };
    const { job, double } = setup(rows, {}, { provider: slow, limiter: new Semaphore(3) });
    await job.run('m1', 0, { id: 'j', attempt: 1 });
    expect(peak).toBe(3);
    expect([...double.status.values()].every((s) => s === 'sent')).toBe(true);
  });
});
