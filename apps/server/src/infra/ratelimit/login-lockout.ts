import type { RateLimiter, RateLimitRule } from './rate-limiter.port.js';

export interface LoginLockoutPolicy {
  /** Failed logins, within `lockSeconds` of the first, that lock the account. */
  maxFailures: number;
  /** How long the account stays locked, counted from the failure that locked it. */
  lockSeconds: number;
}

export const DEFAULT_LOGIN_LOCKOUT_POLICY: Readonly<LoginLockoutPolicy> = Object.freeze({ maxFailures: 10, lockSeconds: 900 });

export interface LockState {
  locked: boolean;
  /** 0 when not locked; otherwise whole seconds until a login may be tried again. */
  retryAfterSeconds: number;
}

export interface LoginLockoutOptions {
  /** Prepended to the limiter keys (`<namespace>:failures:<account>`, `<namespace>:locked:<account>`). Default `login:lockout`. */
  namespace?: string;
}

/**
 * Locks an account after repeated failed logins, on top of any RateLimiter.
 *
 * Failures are counted in a window of `lockSeconds` that starts at the first failure. The failure
 * that reaches `maxFailures` locks the account for `lockSeconds` from that moment (a separate
 * lock window, so the lock always lasts its full length however the failures were spread).
 * Failures recorded while locked never extend the lock. Successful logins are not counted: the
 * caller calls clear() on success, which forgets failures and any lock (also how an admin unlocks).
 *
 * Usage: `if ((await lockout.isLocked(a)).locked) refuse;` then check the password, then
 * recordFailure(a) or clear(a). Pass a normalised account identifier (an id, or a lower-cased
 * email) so spellings of one account share a counter.
 *
 * Every method rejects when the limiter does (Redis down). Authentication fails closed: treat a
 * rejection as a refused login, never as "not locked".
 */
export class LoginLockout {
  private readonly failuresRule: RateLimitRule;
  private readonly lockRule: RateLimitRule;
  private readonly namespace: string;

  constructor(
    private readonly limiter: RateLimiter,
    policy: LoginLockoutPolicy = DEFAULT_LOGIN_LOCKOUT_POLICY,
    options: LoginLockoutOptions = {},
  ) {
    if (!Number.isSafeInteger(policy.maxFailures) || policy.maxFailures < 1) {
      throw new RangeError(`maxFailures must be a positive integer, got ${policy.maxFailures}`);
    }
    if (!Number.isFinite(policy.lockSeconds) || policy.lockSeconds <= 0) throw new RangeError(`lockSeconds must be positive, got ${policy.lockSeconds}`);
    this.failuresRule = { max: policy.maxFailures, windowSeconds: policy.lockSeconds };
    // One hit opens the lock window; peek() then reports it as refused until the window ends.
    this.lockRule = { max: 1, windowSeconds: policy.lockSeconds };
    this.namespace = options.namespace ?? 'login:lockout';
  }

  /** Counts one failed login; the answer is the state after it (locked by this failure, perhaps). */
  async recordFailure(account: string): Promise<LockState> {
    const failures = await this.limiter.hit(this.failuresKey(account), this.failuresRule);
    if (failures.remaining === 0) await this.limiter.hit(this.lockKey(account), this.lockRule);
    // Read back rather than inferred: the account may already be locked by earlier failures.
    return this.isLocked(account);
  }

  /** Reads without counting. */
  async isLocked(account: string): Promise<LockState> {
    const [lock, failures] = await Promise.all([
      this.limiter.peek(this.lockKey(account), this.lockRule),
      // Also locked by the failure count itself, should the lock window not have been written
      // (the limiter failed between the two hits of recordFailure).
      this.limiter.peek(this.failuresKey(account), this.failuresRule),
    ]);
    const retryAfterSeconds = Math.max(lock.retryAfterSeconds, failures.retryAfterSeconds);
    return { locked: retryAfterSeconds > 0, retryAfterSeconds };
  }

  /** Forgets failures and any lock; call after a successful login. */
  async clear(account: string): Promise<void> {
    await Promise.all([this.limiter.reset(this.failuresKey(account)), this.limiter.reset(this.lockKey(account))]);
  }

  private failuresKey(account: string): string {
    return `${this.namespace}:failures:${account}`;
  }

  private lockKey(account: string): string {
    return `${this.namespace}:locked:${account}`;
  }
}
