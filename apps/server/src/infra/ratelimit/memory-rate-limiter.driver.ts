import { RateLimiter, rateLimitResult, storageKey, windowMs, type RateLimitResult, type RateLimitRule } from './rate-limiter.port.js';

export interface MemoryRateLimiterOptions {
  /**
   * The most keys held at once; past it the oldest window is dropped to make room. Default 100 000.
   * Dropping a window forgets its count, so a flood of distinct keys can shorten other keys'
   * limits: the price of bounded memory in a single process.
   */
  maxKeys?: number;
  /** The clock, in milliseconds; tests pass a fake one. Default Date.now. */
  now?: () => number;
  /** How often ended windows are swept out. Default 60 000 ms. */
  pruneIntervalMs?: number;
}

interface Window {
  count: number;
  /** Clock time at which the window ends. */
  endsAt: number;
}

/**
 * The embedded RateLimiter: a Map of windows in this process. Same fixed-window semantics and
 * result arithmetic as the Redis driver; every call is answered asynchronously like Redis's.
 * Atomic because each call reads and writes its window without yielding.
 * Ended windows are dropped when next touched and by a periodic sweep that does not hold the
 * process open.
 */
export class MemoryRateLimiter extends RateLimiter {
  /** Insertion order is window start order, so the first entry is the oldest window. */
  private readonly windows = new Map<string, Window>();
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(options: MemoryRateLimiterOptions = {}) {
    super();
    this.maxKeys = options.maxKeys ?? 100_000;
    if (!Number.isSafeInteger(this.maxKeys) || this.maxKeys < 1) throw new RangeError(`maxKeys must be a positive integer, got ${this.maxKeys}`);
    this.now = options.now ?? (() => Date.now());
    this.sweeper = setInterval(() => this.prune(), options.pruneIntervalMs ?? 60_000);
    this.sweeper.unref();
  }

  /** Windows currently held, ended ones not yet swept included. */
  get size(): number {
    return this.windows.size;
  }

  override async hit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    this.assertOpen();
    const ms = windowMs(rule);
    const stored = storageKey(key);
    const now = this.now();
    let window = this.current(stored, now);
    if (!window) {
      while (this.windows.size >= this.maxKeys) this.evictOldest();
      window = { count: 0, endsAt: now + ms };
      this.windows.set(stored, window);
    }
    window.count++;
    return rateLimitResult(window.count, window.endsAt - now, rule, true);
  }

  override async peek(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    this.assertOpen();
    windowMs(rule);
    const now = this.now();
    const window = this.current(storageKey(key), now);
    return window ? rateLimitResult(window.count, window.endsAt - now, rule, false) : rateLimitResult(0, 0, rule, false);
  }

  override async reset(key: string): Promise<void> {
    this.assertOpen();
    this.windows.delete(storageKey(key));
  }

  override async ping(): Promise<void> {
    this.assertOpen();
  }

  override async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweeper);
    this.windows.clear();
  }

  /** Drops every ended window. */
  prune(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }

  /** The key's window if it has not ended; an ended one is dropped on the way. */
  private current(key: string, now: number): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.endsAt <= now) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private evictOldest(): void {
    const oldest = this.windows.keys().next();
    if (!oldest.done) this.windows.delete(oldest.value);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('rate limiter is closed');
  }
}
