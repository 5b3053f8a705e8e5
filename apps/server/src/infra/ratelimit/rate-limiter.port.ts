import { createHash } from 'node:crypto';

/** At most `max` counted hits per key in a window of `windowSeconds`. */
export interface RateLimitRule {
  /** A non-negative integer; 0 refuses every hit. */
  max: number;
  /** A positive number of seconds (fractions are rounded up to whole milliseconds). */
  windowSeconds: number;
}

export interface RateLimitResult {
  /** For hit(): whether this hit is within the limit. For peek(): whether a hit now would be. */
  allowed: boolean;
  /** Hits still allowed in the current window, after this call; never negative. */
  remaining: number;
  /** 0 when allowed; otherwise whole seconds (at least 1) until the window ends and a hit is allowed again. */
  retryAfterSeconds: number;
}

/**
 * Counts hits per key and says whether a caller is over its limit.
 *
 * Semantics, identical in every driver: a fixed window counter per key. The first hit on a key
 * (or the first after its window ended) starts a window of `rule.windowSeconds`; every hit in it,
 * refused ones included, adds one; when the window ends the key is forgotten. Later hits never
 * extend a window, so a client over its limit is allowed again exactly when the window that
 * started with its first hit ends. Counts are exact within a window; a burst of up to 2 × max can
 * straddle the end of one window and the start of the next. Exact enough for login throttling,
 * and one atomic Redis round trip. The rule is read on every call but the window length is fixed when the window
 * starts; use one rule per key namespace.
 *
 * Keys are namespaced by the caller (`login:ip:1.2.3.4`, `login:account:a@b.c`); drivers add their
 * own prefix. Keys longer than 256 characters are stored by their SHA-256 digest, so an
 * attacker-chosen key cannot grow the store. An empty key or an invalid rule rejects with a
 * RangeError: that is a programming error, not a limit.
 *
 * Failure: when the store cannot be reached (Redis down) hit(), peek() and reset() reject within
 * the driver's timeout; they never guess. The caller chooses: authentication fails closed (a
 * rejected hit() or a rejected lockout check refuses the login), while a limit that only protects
 * capacity may fail open.
 */
export abstract class RateLimiter {
  /** Counts one hit on `key` and answers whether it is within `rule`. Atomic across processes. */
  abstract hit(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  /**
   * Answers without counting: `allowed` is whether a hit now would be allowed, so after exactly
   * `max` hits peek() already says not allowed.
   */
  abstract peek(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  /** Forgets the key's window and count; resolves also for a key never seen. */
  abstract reset(key: string): Promise<void>;
  /** Throws when the store cannot be reached; used by readiness. */
  abstract ping(): Promise<void>;
  /** Every later call rejects. */
  abstract close(): Promise<void>;
}

const MAX_PLAIN_KEY_LENGTH = 256;

/** The key a driver stores (before its own prefix); throws on an empty key. */
export function storageKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) throw new RangeError('rate limit key must be a non-empty string');
  if (key.length <= MAX_PLAIN_KEY_LENGTH) return key;
  return `sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/** The window length in milliseconds; throws on an invalid rule. */
export function windowMs(rule: RateLimitRule): number {
  if (!Number.isSafeInteger(rule.max) || rule.max < 0) throw new RangeError(`rate limit max must be a non-negative integer, got ${rule.max}`);
  if (!Number.isFinite(rule.windowSeconds) || rule.windowSeconds <= 0) {
    throw new RangeError(`rate limit windowSeconds must be a positive number, got ${rule.windowSeconds}`);
  }
  return Math.ceil(rule.windowSeconds * 1000);
}

/**
 * The answer for a key holding `count` hits with `ttlMs` left in its window. Shared by the drivers
 * so they cannot disagree. `counted` is true for hit() (the count includes this hit).
 */
export function rateLimitResult(count: number, ttlMs: number, rule: RateLimitRule, counted: boolean): RateLimitResult {
  const allowed = counted ? count <= rule.max : count < rule.max;
  const remaining = Math.max(0, rule.max - count);
  // A window with no time left (or none known) is treated as a full one: never answer "retry now" for a refusal.
  const wait = ttlMs > 0 ? ttlMs : windowMs(rule);
  return { allowed, remaining, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(wait / 1000)) };
}
