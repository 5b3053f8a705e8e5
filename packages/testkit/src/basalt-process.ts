import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTestDatabase, startS3, TEST_REDIS_URL, uniqueName } from './services';

export type DriverSet = 'embedded' | 'scaled';

export interface StartOptions {
  /** Defaults to BASALT_TEST_DRIVERS, else embedded. */
  drivers?: DriverSet;
  /** Extra or overriding BASALT_* variables. */
  env?: Record<string, string>;
  /** Start another node on the same database, Redis prefix and S3 bucket (multi-node tests). */
  shareWith?: BasaltProcess;
  /** Rewrites the provisioned environment, e.g. to route a service through a TcpProxy. */
  transformEnv?: (env: Record<string, string>) => Record<string, string>;
  /** Milliseconds to wait for /api/health. */
  timeoutMs?: number;
}

export const TEST_ADMIN = { email: 'admin@basalt.test', password: 'correct-horse-battery' } as const;

/**
 * Where `npm run build` put the server. `BASALT_SERVER_DIST` names another output folder inside
 * apps/server (e.g. `dist-wip`), so work in progress can be built and tested beside a stable build.
 */
export function serverEntry(): string {
  return join(dirname(require.resolve('@basalt/server/package.json')), process.env.BASALT_SERVER_DIST ?? 'dist', 'main.js');
}

export function testDrivers(): DriverSet {
  const d = process.env.BASALT_TEST_DRIVERS ?? 'embedded';
  if (d !== 'embedded' && d !== 'scaled') throw new Error(`BASALT_TEST_DRIVERS must be embedded or scaled, not ${d}`);
  return d;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Every child still running; killed when the test process exits, so a failed test leaves no server behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** What a node owns and must release when the last user stops. */
interface Resources {
  cleanups: Array<() => Promise<void>>;
  users: number;
}

/**
 * A real `basalt serve` child process on a free port with its own data (a fresh data dir, or a fresh
 * Postgres database + Redis prefix + s3rver bucket), as an operator would run it.
 */
export class BasaltProcess {
  url = '';
  private child?: ChildProcess;
  private out = '';
  private exited?: Promise<number | null>;

  private constructor(
    readonly drivers: DriverSet,
    readonly env: Record<string, string>,
    private readonly resources: Resources,
  ) {}

  static async start(opts: StartOptions = {}): Promise<BasaltProcess> {
    let proc: BasaltProcess;
    if (opts.shareWith) {
      const shared = opts.shareWith;
      shared.resources.users += 1;
      proc = new BasaltProcess(shared.drivers, { ...shared.env, ...opts.env }, shared.resources);
    } else {
      const drivers = opts.drivers ?? testDrivers();
      const resources: Resources = { cleanups: [], users: 1 };
      const env = await provision(drivers, resources);
      const merged = { ...env, ...opts.env };
      proc = new BasaltProcess(drivers, opts.transformEnv ? opts.transformEnv(merged) : merged, resources);
    }
    try {
      await proc.launch(opts.timeoutMs ?? 30_000);
    } catch (e) {
      await proc.stop();
      throw e;
    }
    return proc;
  }

  output(): string {
    return this.out;
  }

  /** Starts the process again on the same data (after terminate() or kill()), optionally with changed variables. */
  async restart(env: Record<string, string> = {}, timeoutMs = 30_000): Promise<void> {
    Object.assign(this.env, env);
    await this.launch(timeoutMs);
  }

  /** SIGTERM and wait: the graceful path. Releases data once no node shares it. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
    this.resources.users -= 1;
    if (this.resources.users === 0) {
      for (const cleanup of this.resources.cleanups.reverse()) await cleanup().catch(() => undefined);
    }
  }

  /** SIGKILL: a crash. Data is kept for restart(). */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  /** SIGTERM and wait, keeping the data for restart(). Returns the exit code. */
  async terminate(): Promise<number | null> {
    return this.signal('SIGTERM');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async signal(sig: NodeJS.Signals): Promise<number | null> {
    if (!this.child || !this.exited) return null;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(sig);
    const code = await this.exited;
    this.child = undefined;
    return code;
  }

  private async launch(timeoutMs: number): Promise<void> {
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [serverEntry(), 'serve'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS ?? '', ...this.env, BASALT_PORT: String(port), BASALT_HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.out += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`basalt exited with ${child.exitCode} during boot:\n${this.out}`);
      try {
        const res = await fetch(`${this.url}/api/health`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`basalt did not answer /api/health within ${timeoutMs} ms:\n${this.out}`);
  }
}

async function provision(drivers: DriverSet, resources: Resources): Promise<Record<string, string>> {
  const env: Record<string, string> = {
    BASALT_LOG_LEVEL: process.env.BASALT_TEST_LOG_LEVEL ?? 'warn',
    BASALT_ADMIN_EMAIL: TEST_ADMIN.email,
    BASALT_ADMIN_PASSWORD: TEST_ADMIN.password,
  };
  const dataDir = mkdtempSync(join(tmpdir(), 'basalt-data-'));
  resources.cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  env.BASALT_DATA_DIR = dataDir;
  if (drivers === 'embedded') return env;

  const db = await createTestDatabase();
  resources.cleanups.push(() => db.drop());
  const s3 = await startS3();
  resources.cleanups.push(() => s3.close());
  return {
    ...env,
    BASALT_DATABASE_URL: db.url,
    BASALT_SECRET: randomBytes(32).toString('base64url'),
    BASALT_REDIS_URL: TEST_REDIS_URL,
    BASALT_REDIS_PREFIX: uniqueName('bt'),
    BASALT_S3_ENDPOINT: s3.endpoint,
    BASALT_S3_BUCKET: s3.bucket,
    BASALT_S3_ACCESS_KEY: s3.accessKey,
    BASALT_S3_SECRET_KEY: s3.secretKey,
  };
}

export async function startBasalt(opts: StartOptions = {}): Promise<BasaltProcess> {
  return BasaltProcess.start(opts);
}
