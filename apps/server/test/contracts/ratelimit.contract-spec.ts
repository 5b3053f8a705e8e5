import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { freePort } from '@basalt/testkit';
import { Redis } from 'ioredis';
import { MemoryRateLimiter } from '../../src/infra/ratelimit/memory-rate-limiter.driver.js';
import { RedisRateLimiter, type RedisRateLimiterOptions } from '../../src/infra/ratelimit/redis-rate-limiter.driver.js';
import { freshKey, rateLimiterContract } from './ratelimit.contract.js';
import { REDIS_SERVER_BIN, retry, startRedis, stopRedis } from './private-redis.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

describe('MemoryRateLimiter', () => {
  rateLimiterContract(async () => new MemoryRateLimiter());
});

describe('RedisRateLimiter', () => {
  // One prefix per run, so parallel runs against the same Redis never count each other's hits.
  const prefix = `basalt-test-${randomUUID()}`;
  const limiters: RedisRateLimiter[] = [];
  const make = (options: Partial<RedisRateLimiterOptions> = {}): RedisRateLimiter => {
    const limiter = new RedisRateLimiter({ url: REDIS_URL, prefix, ...options });
    limiters.push(limiter);
    return limiter;
  };

  beforeAll(async () => {
    const probe = new RedisRateLimiter({ url: REDIS_URL, prefix, onConnectionError: () => undefined });
    try {
      await probe.ping();
    } catch (err) {
      throw new Error(`the RedisRateLimiter contract needs Redis at ${REDIS_URL}; start one (docker run -p 6379:6379 redis:7) and run again`, {
        cause: err,
      });
    } finally {
      await probe.close();
    }
  });

  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((limiter) => limiter.close()));
  });

  afterAll(async () => {
    // Leave nothing of this run in the shared Redis.
    const admin = new Redis(REDIS_URL, { lazyConnect: true });
    try {
      await admin.connect();
      const keys = await admin.keys(`${prefix}*`); // the prefix and its `-other` sibling
      if (keys.length > 0) await admin.del(...keys);
    } finally {
      admin.disconnect();
    }
  });

  rateLimiterContract(async () => make());

  it('shares counts between two nodes', async () => {
    const nodeA = make();
    const nodeB = make();
    const key = freshKey('shared');
    const rule = { max: 10, windowSeconds: 60 };

    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? nodeA : nodeB).hit(key, rule)));

    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    expect(await nodeA.peek(key, rule)).toMatchObject({ allowed: false, remaining: 0 });
    await nodeB.reset(key);
    expect(await nodeA.peek(key, rule)).toEqual({ allowed: true, remaining: 10, retryAfterSeconds: 0 });
  });

  it('keeps deployments with different prefixes apart', async () => {
    const ours = make();
    const theirs = make({ prefix: `${prefix}-other` });
    const key = freshKey('prefix');
    const rule = { max: 1, windowSeconds: 60 };
    await ours.hit(key, rule);
    expect((await ours.hit(key, rule)).allowed).toBe(false);
    expect((await theirs.hit(key, rule)).allowed).toBe(true);
  });

  it('gives an expiry to a counter found without one, so no key limits forever', async () => {
    const limiter = make();
    const key = freshKey('no-ttl');
    const admin = new Redis(REDIS_URL);
    try {
      await admin.set(`${prefix}:ratelimit:${key}`, '5');
      const result = await limiter.hit(key, { max: 3, windowSeconds: 30 });
      expect(result).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 30 });
      const ttl = await admin.pttl(`${prefix}:ratelimit:${key}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000);
    } finally {
      admin.disconnect();
    }
  });

  it('rejects quickly when nothing listens at the address, and the process survives', async () => {
    const connectionErrors: Error[] = [];
    const port = await freePort();
    const limiter = make({ url: `redis://127.0.0.1:${port}`, onConnectionError: (err) => void connectionErrors.push(err) });
    const rule = { max: 10, windowSeconds: 60 };

    const startedAt = Date.now();
    await expect(limiter.hit(freshKey('down'), rule)).rejects.toThrow(/redis/);
    expect(Date.now() - startedAt).toBeLessThan(3000);

    // ioredis keeps retrying in the background; its errors must not escape as uncaught events.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = Date.now();
    await expect(limiter.hit(freshKey('down'), rule)).rejects.toThrow(/unreachable/);
    await expect(limiter.peek(freshKey('down'), rule)).rejects.toThrow(/unreachable/);
    await expect(limiter.ping()).rejects.toThrow(/unreachable/);
    expect(Date.now() - again).toBeLessThan(500);
    expect(connectionErrors).toHaveLength(1);
  });

  it('rejects within timeoutMs when a connection never answers', async () => {
    // A server that accepts the connection and then says nothing, like a hung Redis.
    const sockets = new Set<Socket>();
    const server = createServer((socket) => void sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const limiter = make({ url: `redis://127.0.0.1:${port}`, timeoutMs: 300, onConnectionError: () => undefined });
      const startedAt = Date.now();
      await expect(limiter.hit(freshKey('hung'), { max: 1, windowSeconds: 1 })).rejects.toThrow(/within 300 ms/);
      expect(Date.now() - startedAt).toBeLessThan(1000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  // Needs a redis-server binary to stop and restart; skipped (and shown as skipped) without one.
  (REDIS_SERVER_BIN ? it : it.skip)('fails fast while Redis is down and recovers by itself when it is back', async () => {
    const bin = REDIS_SERVER_BIN as string;
    const port = await freePort();
    let server = await startRedis(bin, port);
    try {
      const limiter = make({ url: `redis://127.0.0.1:${port}`, timeoutMs: 500, onConnectionError: () => undefined });
      const key = freshKey('outage');
      const rule = { max: 5, windowSeconds: 60 };
      expect(await limiter.hit(key, rule)).toMatchObject({ allowed: true, remaining: 4 });

      await stopRedis(server);
      await retry(async () => {
        const startedAt = Date.now();
        await expect(limiter.hit(key, rule)).rejects.toThrow(/unreachable/);
        expect(Date.now() - startedAt).toBeLessThan(100);
      }, 5000);

      // A fresh server: the counts are gone with the old one, the limiter works again unaided.
      server = await startRedis(bin, port);
      await retry(() => limiter.ping());
      expect(await limiter.hit(key, rule)).toMatchObject({ allowed: true, remaining: 4 });
    } finally {
      await stopRedis(server);
    }
  });
});
