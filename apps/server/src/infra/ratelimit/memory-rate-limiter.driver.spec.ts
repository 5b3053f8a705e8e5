import { jest } from '@jest/globals';
import { MemoryRateLimiter, type MemoryRateLimiterOptions } from './memory-rate-limiter.driver.js';

const rule = { max: 2, windowSeconds: 10 };

describe('MemoryRateLimiter', () => {
  const limiters: MemoryRateLimiter[] = [];
  let nowMs = 0;
  const make = (options: MemoryRateLimiterOptions = {}) => {
    const limiter = new MemoryRateLimiter({ now: () => nowMs, ...options });
    limiters.push(limiter);
    return limiter;
  };
  beforeEach(() => {
    nowMs = Date.UTC(2030, 0, 1);
  });
  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((l) => l.close()));
    jest.useRealTimers();
  });

  it('refuses until the window that started with the first hit ends, counting down retryAfterSeconds', async () => {
    const limiter = make();
    await limiter.hit('k', rule);
    nowMs += 4_000;
    await limiter.hit('k', rule);
    await expect(limiter.hit('k', rule)).resolves.toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 6 });
    nowMs += 5_500;
    await expect(limiter.peek('k', rule)).resolves.toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    nowMs += 500;
    await expect(limiter.hit('k', rule)).resolves.toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
  });

  it('drops ended windows when next touched', async () => {
    const limiter = make();
    await limiter.hit('k', rule);
    nowMs += 10_000;
    await expect(limiter.peek('k', rule)).resolves.toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(limiter.size).toBe(0);
  });

  it('sweeps out ended windows periodically', async () => {
    jest.useFakeTimers();
    const limiter = make({ pruneIntervalMs: 1_000 });
    await limiter.hit('short', { max: 1, windowSeconds: 1 });
    await limiter.hit('long', { max: 1, windowSeconds: 60 });
    nowMs += 1_000;
    jest.advanceTimersByTime(1_000);
    expect(limiter.size).toBe(1);
    await expect(limiter.peek('long', { max: 1, windowSeconds: 60 })).resolves.toMatchObject({ allowed: false });
  });

  it('holds at most maxKeys windows, dropping the oldest first', async () => {
    const limiter = make({ maxKeys: 3 });
    for (const key of ['a', 'b', 'c']) await limiter.hit(key, rule);
    await limiter.hit('a', rule); // touching a window does not make it younger
    await limiter.hit('d', rule);

    expect(limiter.size).toBe(3);
    await expect(limiter.peek('a', rule)).resolves.toMatchObject({ remaining: 2 });
    await expect(limiter.peek('b', rule)).resolves.toMatchObject({ remaining: 1 });
    await expect(limiter.peek('d', rule)).resolves.toMatchObject({ remaining: 1 });
  });

  it('treats a window restarted after it ended as the youngest', async () => {
    const limiter = make({ maxKeys: 2 });
    await limiter.hit('a', { max: 5, windowSeconds: 1 });
    await limiter.hit('b', rule);
    nowMs += 1_000;
    await limiter.hit('a', { max: 5, windowSeconds: 1 }); // a new window for a
    await limiter.hit('c', rule);

    await expect(limiter.peek('b', rule)).resolves.toMatchObject({ remaining: 2 });
    await expect(limiter.peek('a', { max: 5, windowSeconds: 1 })).resolves.toMatchObject({ remaining: 4 });
  });

  it('refuses a non-positive maxKeys', () => {
    expect(() => new MemoryRateLimiter({ maxKeys: 0 })).toThrow(RangeError);
  });
});
