import { Redis } from 'ioredis';
import { RateLimiter, rateLimitResult, storageKey, windowMs, type RateLimitResult, type RateLimitRule } from './rate-limiter.port.js';

export interface RedisRateLimiterOptions {
  url: string;
  /** Namespaces the keys (`<prefix>:ratelimit:<key>`), so several deployments can share one Redis. */
  prefix: string;
  /** The longest any call waits for Redis before it rejects. Default 2000 ms. */
  timeoutMs?: number;
  /** Told once per outage when Redis cannot be reached; defaults to console.warn. */
  onConnectionError?: (err: Error) => void;
}

/**
 * One round trip, atomic: count the hit, start the window on the first one, answer count and
 * milliseconds left. A counter found without an expiry (written by something else) gets one,
 * so no key can limit forever.
 */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

/** Count and milliseconds left, read together; {0, 0} for a key with no window. */
const PEEK_SCRIPT = `
local count = redis.call('GET', KEYS[1])
if not count then
  return {0, 0}
end
return {tonumber(count) or 0, redis.call('PTTL', KEYS[1])}
`;

interface ScriptCommands {
  rateLimitHit(key: string, windowMs: number): Promise<unknown>;
  rateLimitPeek(key: string): Promise<unknown>;
}

/**
 * ioredis keeps a timer this long after disconnect() even when the socket is already gone (as
 * during an outage); its 2 s default would hold a closing process open for nothing.
 */
const DISCONNECT_TIMEOUT_MS = 100;

/**
 * The scaled RateLimiter: one counter per key in Redis, shared by every node, updated by a Lua
 * script so concurrent hits from any number of processes are counted exactly.
 *
 * There is no offline queue: while Redis is known to be down (an error since the last time the
 * connection was ready) every call rejects at once; while a connection is being (re)established
 * a call waits for it at most `timeoutMs`; a command sent is answered within `timeoutMs` or
 * rejected. ioredis keeps reconnecting in the background, and an 'error' listener is always
 * attached, so an outage never crashes the process.
 */
export class RedisRateLimiter extends RateLimiter {
  private readonly connection: Redis & ScriptCommands;
  private readonly keyPrefix: string;
  private readonly timeoutMs: number;
  private readonly onConnectionError: (err: Error) => void;
  /** The connection error since the connection was last ready; undefined while it is healthy. */
  private lastError: Error | undefined;
  private readyWait: Promise<void> | undefined;
  private closed = false;

  constructor(options: RedisRateLimiterOptions) {
    super();
    this.keyPrefix = `${options.prefix}:ratelimit:`;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.onConnectionError = options.onConnectionError ?? ((err) => console.warn(`rate limiter: redis connection failed: ${err.message}`));

    this.connection = new Redis(options.url, {
      enableOfflineQueue: false,
      // A hit left unanswered by a dropped connection is not replayed later: its caller has
      // already been told it failed.
      autoResendUnfulfilledCommands: false,
      commandTimeout: this.timeoutMs,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
    }) as Redis & ScriptCommands;
    this.connection.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.connection.defineCommand('rateLimitPeek', { numberOfKeys: 1, lua: PEEK_SCRIPT, readOnly: true });
    this.watch();
  }

  override async hit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    const ms = windowMs(rule);
    const stored = this.key(key);
    const [count, ttlMs] = parseReply(await this.send(() => this.connection.rateLimitHit(stored, ms)));
    return rateLimitResult(count, ttlMs, rule, true);
  }

  override async peek(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    windowMs(rule);
    const stored = this.key(key);
    const [count, ttlMs] = parseReply(await this.send(() => this.connection.rateLimitPeek(stored)));
    return rateLimitResult(count, ttlMs, rule, false);
  }

  override async reset(key: string): Promise<void> {
    const stored = this.key(key);
    await this.send(() => this.connection.del(stored));
  }

  override async ping(): Promise<void> {
    await this.send(() => this.connection.ping());
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.connection.status !== 'ready') {
      this.connection.disconnect();
      // Outlive ioredis's disconnect timer, so nothing of this limiter is left once close() resolves.
      await new Promise((resolve) => setTimeout(resolve, DISCONNECT_TIMEOUT_MS + 10));
      return;
    }
    try {
      await this.connection.quit();
    } catch {
      this.connection.disconnect();
    }
  }

  private key(key: string): string {
    return this.keyPrefix + storageKey(key);
  }

  /** Runs a command once the connection is ready, without ever queueing it. */
  private async send<T>(command: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('rate limiter is closed');
    if (this.connection.status !== 'ready') await this.withTimeout(this.whenReady());
    // commandTimeout bounds the command itself.
    return await command();
  }

  private whenReady(): Promise<void> {
    if (this.lastError) return Promise.reject(unreachable(this.lastError));
    if (this.connection.status === 'end') return Promise.reject(new Error('rate limiter: redis connection has ended'));
    // One shared wait however many callers, so an outage does not pile up listeners.
    if (!this.readyWait) {
      this.readyWait = new Promise<void>((resolve, reject) => {
        const settle = (err?: Error): void => {
          this.connection.off('ready', onReady);
          this.connection.off('error', onError);
          this.connection.off('end', onEnd);
          this.readyWait = undefined;
          if (err) reject(err);
          else resolve();
        };
        const onReady = (): void => settle();
        const onError = (err: Error): void => settle(unreachable(err));
        const onEnd = (): void => settle(new Error('rate limiter: redis connection has ended'));
        this.connection.on('ready', onReady);
        this.connection.on('error', onError);
        this.connection.on('end', onEnd);
      });
      // Rejection is reported to the callers awaiting it; with none left, it is not unhandled.
      this.readyWait.catch(() => undefined);
    }
    return this.readyWait;
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`rate limiter: redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Remembers the outage and reports its first error only; ioredis retries (and fails) every few seconds. */
  private watch(): void {
    this.connection.on('error', (err: Error) => {
      const first = this.lastError === undefined;
      this.lastError = err;
      if (!first || this.closed) return;
      try {
        this.onConnectionError(err);
      } catch {
        // A failing logger must not become an uncaught exception inside ioredis's emitter.
      }
    });
    this.connection.on('ready', () => {
      this.lastError = undefined;
    });
  }
}

function unreachable(cause: Error): Error {
  return new Error(`rate limiter: redis is unreachable: ${cause.message}`, { cause });
}

function parseReply(reply: unknown): [count: number, ttlMs: number] {
  if (Array.isArray(reply) && reply.length === 2 && typeof reply[0] === 'number' && typeof reply[1] === 'number') return [reply[0], reply[1]];
  throw new Error(`rate limiter: unexpected reply from redis: ${JSON.stringify(reply)}`);
}
