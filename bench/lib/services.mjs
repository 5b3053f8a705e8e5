// Local services and the Basalt server process for the benchmark. Reuses the testkit's provisioning
// (fresh Postgres database, s3rver, free ports, BASALT_SERVER_DIST) from its built dist.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const testkit = require('@basalt/testkit');
// ioredis is the server's dependency, not the benchmark's.
const { Redis } = createRequire(new URL('../../apps/server/package.json', import.meta.url))('ioredis');

export const { freePort, createTestDatabase, startS3, serverEntry, TEST_REDIS_URL, TEST_ADMIN } = testkit;

/**
 * `basalt serve` as an operator runs it: scaled (fresh Postgres database, Redis with its own key
 * prefix, s3rver) or embedded (PGlite in a fresh data dir). Logs go to a file, not to a pipe this
 * process must drain. `nodeArgs` lets the profiler add --cpu-prof.
 */
export async function startBasalt({ drivers, logDir, logLevel = 'info', nodeArgs = [], env: extraEnv = {} }) {
  const cleanups = [];
  const dataDir = mkdtempSync(join(tmpdir(), 'basalt-bench-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    BASALT_LOG_LEVEL: logLevel,
    BASALT_ADMIN_EMAIL: TEST_ADMIN.email,
    BASALT_ADMIN_PASSWORD: TEST_ADMIN.password,
    BASALT_DATA_DIR: dataDir,
    ...extraEnv,
  };
  if (drivers === 'scaled') {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const s3 = await startS3();
    cleanups.push(() => s3.close());
    const redisPrefix = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    // A fan-out run leaves tens of MB of stream entries (kept for the recovery window) under it.
    cleanups.push(() => dropRedisPrefix(redisPrefix));
    Object.assign(env, {
      BASALT_DATABASE_URL: db.url,
      BASALT_SECRET: randomBytes(32).toString('base64url'),
      BASALT_REDIS_URL: TEST_REDIS_URL,
      BASALT_REDIS_PREFIX: redisPrefix,
      BASALT_S3_ENDPOINT: s3.endpoint,
      BASALT_S3_BUCKET: s3.bucket,
      BASALT_S3_ACCESS_KEY: s3.accessKey,
      BASALT_S3_SECRET_KEY: s3.secretKey,
    });
  }
  let server;
  try {
    server = await spawnServe(env, join(logDir, `basalt-${drivers}.log`), nodeArgs);
  } catch (e) {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    throw e;
  }
  const peers = [];
  let stopping;
  return {
    url: server.url,
    pid: server.pid,
    env,
    logFile: server.logFile,
    /**
     * Another node of the same scaled deployment (same database, Redis prefix, blobs and secret),
     * as an operator adds one behind a load balancer; stopped with this one.
     */
    async startPeer(name, peerEnv = {}) {
      const peer = await spawnServe({ ...env, ...peerEnv }, join(logDir, `basalt-${drivers}-${name}.log`), nodeArgs);
      peers.push(peer);
      return peer;
    },
    /** SIGTERM and wait (a --cpu-prof profile is written on a graceful exit), then drop the data. */
    stop() {
      stopping ??= (async () => {
        await Promise.all([...peers, server].map((s) => s.stop()));
        for (const c of cleanups.reverse()) await c().catch(() => undefined);
      })();
      return stopping;
    },
  };
}

/**
 * The Node flags the server runs with in production: the Dockerfile's NODE_OPTIONS and `npm start`
 * (a young generation of 2 x 32 MB; docs/benchmarks.md, change 41), and V8's allocation-site
 * pretenuring off, which Basalt's entry sets for itself (src/runtime-flags.ts; change 48). The floor
 * gets them too, so a ratio compares code, not runtime settings.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=32', '--no-allocation-site-pretenuring'];

/** One `basalt serve` process on a free port, healthy; `stop()` sends SIGTERM and waits for its exit. */
async function spawnServe(env, logFile, nodeArgs) {
  const port = await freePort();
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, serverEntry(), 'serve'], {
    env: { ...env, BASALT_PORT: String(port), BASALT_HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(url, child, logFile);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return {
    url,
    pid: child.pid,
    logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Deletes every Redis key a Basalt started with this prefix made. */
async function dropRedisPrefix(prefix) {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function waitHealthy(url, child, logFile, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`basalt exited with ${child.exitCode} during boot; see ${logFile}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`basalt did not answer /api/health within ${timeoutMs} ms; see ${logFile}`);
}

/** JSON over fetch; throws with the response text on an unexpected status. */
export async function api(base, method, path, { token, body, expect = [200, 201, 202, 204] } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!expect.includes(res.status)) throw new Error(`${method} ${path} -> ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
