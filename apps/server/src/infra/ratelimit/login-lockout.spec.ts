import { jest } from '@jest/globals';
import { DEFAULT_LOGIN_LOCKOUT_POLICY, LoginLockout } from './login-lockout.js';
import { MemoryRateLimiter } from './memory-rate-limiter.driver.js';
import { RateLimiter, type RateLimitResult } from './rate-limiter.port.js';

/** A memory limiter on a clock the test moves by hand. */
function setup(policy = DEFAULT_LOGIN_LOCKOUT_POLICY) {
  let nowMs = Date.UTC(2030, 0, 1);
  const limiter = new MemoryRateLimiter({ now: () => nowMs });
  const lockout = new LoginLockout(limiter, policy);
  return {
    limiter,
    lockout,
    advance: (seconds: number) => void (nowMs += seconds * 1000),
    fail: async (account: string, times: number) => {
      for (let i = 0; i < times; i++) await lockout.recordFailure(account);
    },
  };
}

const notLocked = { locked: false, retryAfterSeconds: 0 };

describe('LoginLockout', () => {
  const limiters: MemoryRateLimiter[] = [];
  const make = (...args: Parameters<typeof setup>) => {
    const t = setup(...args);
    limiters.push(t.limiter);
    return t;
  };
  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((l) => l.close()));
  });

  it('reports an account with no failures as not locked', async () => {
    const { lockout } = make();
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
  });

  it('stays unlocked through 9 failures and locks for 900 s on the 10th', async () => {
    const { lockout, fail } = make();
    await fail('a@b.c', 9);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);

    await expect(lockout.recordFailure('a@b.c')).resolves.toEqual({ locked: true, retryAfterSeconds: 900 });
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual({ locked: true, retryAfterSeconds: 900 });
  });

  it('keeps the lock for the full lockSeconds from the locking failure, however the failures were spread', async () => {
    const { lockout, fail, advance } = make();
    await fail('a@b.c', 1);
    advance(800);
    await fail('a@b.c', 9);

    advance(899);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual({ locked: true, retryAfterSeconds: 1 });
    advance(1);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
  });

  it('counts down retryAfterSeconds in whole seconds, rounding up', async () => {
    const { lockout, fail, advance } = make();
    await fail('a@b.c', 10);
    advance(0.001);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual({ locked: true, retryAfterSeconds: 900 });
    advance(450);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual({ locked: true, retryAfterSeconds: 450 });
  });

  it('forgets failures older than lockSeconds from the first one', async () => {
    const { lockout, fail, advance } = make();
    await fail('a@b.c', 9);
    advance(900);
    await expect(lockout.recordFailure('a@b.c')).resolves.toEqual(notLocked);
    await fail('a@b.c', 8);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
  });

  it('gives a fresh allowance once a lock has ended', async () => {
    const { lockout, fail, advance } = make();
    await fail('a@b.c', 10);
    advance(900);
    await fail('a@b.c', 9);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
    await expect(lockout.recordFailure('a@b.c')).resolves.toEqual({ locked: true, retryAfterSeconds: 900 });
  });

  it('does not count successful logins: clear() on success starts the count again', async () => {
    const { lockout, fail } = make();
    await fail('a@b.c', 9);
    await lockout.clear('a@b.c');
    await fail('a@b.c', 9);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
  });

  it('unlocks a locked account on clear()', async () => {
    const { lockout, fail } = make();
    await fail('a@b.c', 10);
    await lockout.clear('a@b.c');
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
    await fail('a@b.c', 9);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
  });

  it('does not extend the lock with failures recorded while locked', async () => {
    const { lockout, fail, advance } = make();
    await fail('a@b.c', 10);
    advance(600);
    await expect(lockout.recordFailure('a@b.c')).resolves.toEqual({ locked: true, retryAfterSeconds: 300 });
    advance(300);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
  });

  it('reads the state without counting: isLocked() only peeks', async () => {
    const { lockout, limiter, fail } = make();
    const hit = jest.spyOn(limiter, 'hit');
    for (let i = 0; i < 50; i++) await lockout.isLocked('a@b.c');
    expect(hit).not.toHaveBeenCalled();

    await fail('a@b.c', 9);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
  });

  it('keeps accounts apart', async () => {
    const { lockout, fail } = make();
    await fail('a@b.c', 10);
    await expect(lockout.isLocked('other@b.c')).resolves.toEqual(notLocked);
    await lockout.clear('other@b.c');
    await expect(lockout.isLocked('a@b.c')).resolves.toMatchObject({ locked: true });
  });

  it('applies the policy it was given', async () => {
    const { lockout, fail, advance } = make({ maxFailures: 3, lockSeconds: 60 });
    await fail('a@b.c', 2);
    await expect(lockout.recordFailure('a@b.c')).resolves.toEqual({ locked: true, retryAfterSeconds: 60 });
    advance(60);
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual(notLocked);
  });

  it('stays locked on the failure count alone if the lock window was never written', async () => {
    const { lockout, limiter } = make();
    const realHit = limiter.hit.bind(limiter);
    // The limiter fails on the second hit of the locking failure (the lock window).
    jest.spyOn(limiter, 'hit').mockImplementation((key, rule) => (key.includes(':locked:') ? Promise.reject(new Error('redis down')) : realHit(key, rule)));
    for (let i = 0; i < 9; i++) await lockout.recordFailure('a@b.c');
    await expect(lockout.recordFailure('a@b.c')).rejects.toThrow('redis down');
    await expect(lockout.isLocked('a@b.c')).resolves.toEqual({ locked: true, retryAfterSeconds: 900 });
  });

  it('rejects, never answers "not locked", when the limiter is unavailable (auth fails closed)', async () => {
    class DownLimiter extends RateLimiter {
      override hit(): Promise<RateLimitResult> {
        return Promise.reject(new Error('redis down'));
      }
      override peek(): Promise<RateLimitResult> {
        return Promise.reject(new Error('redis down'));
      }
      override reset(): Promise<void> {
        return Promise.reject(new Error('redis down'));
      }
      override ping(): Promise<void> {
        return Promise.reject(new Error('redis down'));
      }
      override close(): Promise<void> {
        return Promise.resolve();
      }
    }
    const lockout = new LoginLockout(new DownLimiter());
    await expect(lockout.isLocked('a@b.c')).rejects.toThrow('redis down');
    await expect(lockout.recordFailure('a@b.c')).rejects.toThrow('redis down');
    await expect(lockout.clear('a@b.c')).rejects.toThrow('redis down');
  });

  it.each([
    [{ maxFailures: 0, lockSeconds: 900 }],
    [{ maxFailures: 2.5, lockSeconds: 900 }],
    [{ maxFailures: 10, lockSeconds: 0 }],
    [{ maxFailures: 10, lockSeconds: Number.NaN }],
  ])('refuses the invalid policy %j', (policy) => {
    const limiter = new MemoryRateLimiter();
    limiters.push(limiter);
    expect(() => new LoginLockout(limiter, policy)).toThrow(RangeError);
  });
});
