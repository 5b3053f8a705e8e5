import { jest } from '@jest/globals';
import { JOB_NAMES } from '@basalt/contracts';
import { backoffDelay, BACKOFF_MAX_MS } from './job-queue.port.js';
import { errorText, JobRegistry, withTimeout } from './job-registry.js';

const noop = async () => {};

describe('backoffDelay', () => {
  it.each([
    [0, 1000],
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [9, 256_000],
    [10, BACKOFF_MAX_MS],
    [50, BACKOFF_MAX_MS],
    [5000, BACKOFF_MAX_MS],
  ])('waits after attempt %i for %i ms', (attempt, ms) => {
    expect(backoffDelay(attempt)).toBe(ms);
  });

  it('never shrinks as attempts grow and is capped at 5 minutes', () => {
    const delays = Array.from({ length: 40 }, (_, i) => backoffDelay(i + 1));
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1]!);
    expect(Math.max(...delays)).toBe(5 * 60_000);
  });
});

describe('JobRegistry', () => {
  it('hands back the one handler registered for a name', () => {
    const registry = new JobRegistry();
    const handler = async () => {};
    registry.add('mail.send', handler);
    expect(registry.get('mail.send')).toBe(handler);
    expect(registry.get('no.such.job')).toBeUndefined();
  });

  it('refuses a second handler for the same name and keeps the first', () => {
    const registry = new JobRegistry();
    const first = async () => {};
    registry.add('mail.send', first);
    expect(() => registry.add('mail.send', noop)).toThrow('job mail.send already has a handler');
    expect(registry.get('mail.send')).toBe(first);
  });

  it('names every job without a handler', () => {
    expect(() => new JobRegistry().assertComplete()).toThrow(`no handler for job(s): ${JOB_NAMES.join(', ')}`);
  });

  it('passes once every job name has a handler', () => {
    const registry = new JobRegistry();
    for (const name of JOB_NAMES) registry.add(name, noop);
    expect(() => registry.assertComplete()).not.toThrow();
  });
});

describe('errorText', () => {
  it.each<[unknown, string]>([
    [new TypeError('bad input'), 'TypeError: bad input'],
    ['plain string', 'plain string'],
    [42, '42'],
    [undefined, 'undefined'],
  ])('describes %p as %j', (error, text) => {
    expect(errorText(error)).toBe(text);
  });
});

describe('withTimeout', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('rejects, naming the operation, once the time is up', async () => {
    let settled = false;
    const result = withTimeout(new Promise<never>(() => {}), 1000, 'redis ping');
    result.then(
      () => (settled = true),
      () => (settled = true),
    );
    await jest.advanceTimersByTimeAsync(999);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await expect(result).rejects.toThrow('redis ping did not answer within 1000 ms');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('answers the value of a promise that settles in time and clears its timer', async () => {
    await expect(withTimeout(Promise.resolve('pong'), 1000, 'redis ping')).resolves.toBe('pong');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('passes on the rejection of a promise that fails in time and clears its timer', async () => {
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000, 'redis ping')).rejects.toThrow('refused');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('answers a promise that settles just before the time is up', async () => {
    const slow = new Promise<string>((resolve) => setTimeout(() => resolve('late but fine'), 999));
    const result = withTimeout(slow, 1000, 'job');
    await jest.advanceTimersByTimeAsync(999);
    await expect(result).resolves.toBe('late but fine');
    expect(jest.getTimerCount()).toBe(0);
  });
});
