import { randomUUID } from 'node:crypto';
import type { RateLimiter } from '../../src/infra/ratelimit/rate-limiter.port.js';

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A key no other test (or run sharing the store) uses. */
export const freshKey = (label: string): string => `test:${label}:${randomUUID()}`;

/**
 * The RateLimiter contract, run against every driver. `makeLimiter` returns a fresh, connected
 * limiter; the suite closes every limiter it made.
 */
export function rateLimiterContract(makeLimiter: () => Promise<RateLimiter>): void {
  const opened: RateLimiter[] = [];
  const open = async (): Promise<RateLimiter> => {
    const limiter = await makeLimiter();
    opened.push(limiter);
    return limiter;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((limiter) => limiter.close()));
  });

  it('allows max hits, counting remaining down, then refuses with the seconds left in the window', async () => {
    const limiter = await open();
    const key = freshKey('ip');
    const rule = { max: 3, windowSeconds: 60 };

    expect(await limiter.hit(key, rule)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(await limiter.hit(key, rule)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(await limiter.hit(key, rule)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });

    const refused = await limiter.hit(key, rule);
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    expect(Number.isInteger(refused.retryAfterSeconds)).toBe(true);
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    // Refused hits go on being refused; they never move the end of the window.
    const again = await limiter.hit(key, rule);
    expect(again.allowed).toBe(false);
    expect(again.retryAfterSeconds).toBeLessThanOrEqual(refused.retryAfterSeconds);
  });

  it('refuses every hit of a rule with max 0', async () => {
    const limiter = await open();
    expect(await limiter.hit(freshKey('zero'), { max: 0, windowSeconds: 5 })).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 5 });
  });

  it('allows again once the window has ended', async () => {
    const limiter = await open();
    const key = freshKey('expiry');
    const rule = { max: 1, windowSeconds: 1 };
    expect((await limiter.hit(key, rule)).allowed).toBe(true);
    expect(await limiter.hit(key, rule)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });

    await sleep(1100);

    expect(await limiter.hit(key, rule)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
  });

  it('starts the window at the first hit: later hits do not extend it', async () => {
    const limiter = await open();
    const key = freshKey('fixed');
    const rule = { max: 2, windowSeconds: 1 };
    await limiter.hit(key, rule);
    await sleep(700);
    expect((await limiter.hit(key, rule)).allowed).toBe(true);
    expect((await limiter.hit(key, rule)).allowed).toBe(false);

    // 1.15 s after the first hit; a window restarted by the later hits would last until 1.7 s.
    await sleep(450);

    expect(await limiter.hit(key, rule)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
  });

  it('counts every key on its own', async () => {
    const limiter = await open();
    const [a, b] = [freshKey('a'), freshKey('b')];
    const rule = { max: 2, windowSeconds: 60 };
    await limiter.hit(a, rule);
    await limiter.hit(a, rule);
    expect((await limiter.hit(a, rule)).allowed).toBe(false);

    expect(await limiter.hit(b, rule)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
  });

  it('keeps long keys apart (they are stored by digest)', async () => {
    const limiter = await open();
    const base = freshKey('x'.repeat(1000));
    const rule = { max: 1, windowSeconds: 60 };
    await limiter.hit(`${base}:1`, rule);
    expect((await limiter.hit(`${base}:1`, rule)).allowed).toBe(false);
    expect((await limiter.hit(`${base}:2`, rule)).allowed).toBe(true);
  });

  it('forgets a key on reset, and only that key', async () => {
    const limiter = await open();
    const [key, other] = [freshKey('reset'), freshKey('kept')];
    const rule = { max: 1, windowSeconds: 60 };
    await limiter.hit(key, rule);
    await limiter.hit(other, rule);
    expect((await limiter.hit(key, rule)).allowed).toBe(false);

    await limiter.reset(key);
    await limiter.reset(freshKey('never-seen'));

    expect(await limiter.hit(key, rule)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    expect((await limiter.hit(other, rule)).allowed).toBe(false);
  });

  it('answers peek without counting, saying whether the next hit would be allowed', async () => {
    const limiter = await open();
    const key = freshKey('peek');
    const rule = { max: 2, windowSeconds: 60 };
    for (let i = 0; i < 5; i++) expect(await limiter.peek(key, rule)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });

    await limiter.hit(key, rule);
    expect(await limiter.peek(key, rule)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(await limiter.peek(key, rule)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect((await limiter.hit(key, rule)).allowed).toBe(true);

    const peeked = await limiter.peek(key, rule);
    expect(peeked).toMatchObject({ allowed: false, remaining: 0 });
    expect(peeked.retryAfterSeconds).toBeGreaterThanOrEqual(59);
    expect(peeked.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect((await limiter.hit(key, rule)).allowed).toBe(false);
  });

  it('allows exactly max of 50 concurrent hits', async () => {
    const limiter = await open();
    const key = freshKey('burst');
    const rule = { max: 10, windowSeconds: 60 };

    const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit(key, rule)));

    const allowed = results.filter((r) => r.allowed);
    expect(allowed).toHaveLength(10);
    expect(allowed.map((r) => r.remaining).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of results.filter((r) => !r.allowed)) expect(r.retryAfterSeconds).toBeGreaterThan(0);
    expect(await limiter.peek(key, rule)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it.each([
    ['a negative max', { max: -1, windowSeconds: 60 }],
    ['a fractional max', { max: 1.5, windowSeconds: 60 }],
    ['a zero window', { max: 1, windowSeconds: 0 }],
    ['an infinite window', { max: 1, windowSeconds: Number.POSITIVE_INFINITY }],
  ])('rejects %s as a programming error', async (_label, rule) => {
    const limiter = await open();
    await expect(limiter.hit(freshKey('bad'), rule)).rejects.toThrow(RangeError);
    await expect(limiter.peek(freshKey('bad'), rule)).rejects.toThrow(RangeError);
  });

  it('rejects an empty key', async () => {
    const limiter = await open();
    await expect(limiter.hit('', { max: 1, windowSeconds: 1 })).rejects.toThrow(RangeError);
  });

  it('answers ping while open', async () => {
    const limiter = await open();
    await expect(limiter.ping()).resolves.toBeUndefined();
  });

  it('rejects every call once closed', async () => {
    const limiter = await open();
    await limiter.close();
    await expect(limiter.hit(freshKey('closed'), { max: 1, windowSeconds: 1 })).rejects.toThrow(/closed/);
    await expect(limiter.peek(freshKey('closed'), { max: 1, windowSeconds: 1 })).rejects.toThrow(/closed/);
    await expect(limiter.ping()).rejects.toThrow(/closed/);
  });
}
