import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AdminAuthResponse } from '@basalt/contracts';
import { apiClient, runCli, serverEntry, startBasalt } from '@basalt/testkit';

/** The operator's side: the CLI, and boot refusing bad settings with one line per variable. */
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'basalt-cli-'));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('boot refuses a wrong or unreachable setting, naming the variable', () => {
  it.each([
    ['a port that is not a number', { BASALT_PORT: 'eighty' }, /^basalt: BASALT_PORT: must be a whole number/],
    ['an unknown role', { BASALT_ROLE: 'boss' }, /^basalt: BASALT_ROLE: must be one of api, worker, all/],
    ['a database URL without the shared secret', { BASALT_DATABASE_URL: 'postgres://127.0.0.1:5432/x' }, /^basalt: BASALT_SECRET: is required with BASALT_DATABASE_URL/],
    ['a short secret', { BASALT_SECRET: 'short' }, /^basalt: BASALT_SECRET: must be at least 32 characters/],
    ['S3 without its bucket and keys', { BASALT_S3_ENDPOINT: 'http://127.0.0.1:9000' }, /BASALT_S3_BUCKET: is required/],
    ['a database nobody listens on', { BASALT_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', BASALT_SECRET: 'x'.repeat(32) }, /^basalt: BASALT_DATABASE_URL: cannot open the database: .*ECONNREFUSED/],
    ['a Redis nobody listens on', { BASALT_REDIS_URL: 'redis://127.0.0.1:1' }, /^basalt: BASALT_REDIS_URL: cannot reach it/],
  ])('exits 1 on %s', async (_, env, message) => {
    const res = await runCli(['serve'], { BASALT_DATA_DIR: dataDir, BASALT_PORT: '0', ...env });
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toMatch(message);
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports every bad variable at once', async () => {
    const res = await runCli(['serve'], { BASALT_DATA_DIR: dataDir, BASALT_PORT: '-1', BASALT_ROLE: 'x', BASALT_LOG_LEVEL: 'loud' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('BASALT_PORT');
    expect(res.stderr).toContain('BASALT_ROLE');
    expect(res.stderr).toContain('BASALT_LOG_LEVEL');
  });
});

describe('basalt CLI', () => {
  it('migrates idempotently and creates an admin who can then sign in', async () => {
    const env = { BASALT_DATA_DIR: dataDir, BASALT_LOG_LEVEL: 'warn' };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    expect((await runCli(['migrate'], env)).stdout).toContain('Migrations are up to date');
    const created = await runCli(['admin', 'create', '--email', 'Ops@Example.com', '--password', 'long-enough-password'], env);
    expect(created).toMatchObject({ code: 0, stdout: expect.stringContaining('Created admin ops@example.com') });
    const again = await runCli(['admin', 'create', '--email', 'ops@example.com', '--password', 'long-enough-password'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists');
    const weak = await runCli(['admin', 'create', '--email', 'x@example.com', '--password', 'short'], env);
    expect(weak.stderr).toContain('--password: must be at least 10 characters');

    const server = await startBasalt({ drivers: 'embedded', env: { ...env, BASALT_ADMIN_EMAIL: '', BASALT_ADMIN_PASSWORD: '' } });
    try {
      const login = await apiClient(server.url)<AdminAuthResponse>('POST', '/api/admin/auth', { body: { email: 'ops@example.com', password: 'long-enough-password' } });
      expect(login.status).toBe(200);
      expect(server.output()).not.toContain('/_/setup?token=');
    } finally {
      await server.stop();
    }
  });

  it('prints usage for an unknown command', async () => {
    const res = await runCli(['frobnicate'], { BASALT_DATA_DIR: dataDir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('unknown command "frobnicate"');
  });
});

describe('the entry point', () => {
  // Objects from one literal that all survive their scavenges are what V8 pretenures; with a 1 MB
  // young generation, 300 000 of them get that decision made. The probe prints whether the literal's
  // next object is still allocated young.
  const PROBE = 'const keep = []; const make = () => [1, 2, 3]; for (let i = 0; i < 300000; i++) keep.push(make()); process.stdout.write(` young:${%InYoungGeneration(make())}`);';
  const probe = (preload?: string) =>
    new Promise<string>((resolve, reject) => {
      const imports = preload ? ['--import', pathToFileURL(preload).href] : [];
      execFile(process.execPath, ['--allow-natives-syntax', '--max-semi-space-size=1', ...imports, '--input-type=module', '-e', PROBE], (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });

  it('turns off V8 allocation-site pretenuring before anything else loads', async () => {
    // Without the server's entry the probe sees the literal pretenured, so it can tell.
    expect(await probe()).toMatch(/ young:false$/);
    // The entry prints its usage (no command) and leaves the flag set for the rest of the process.
    expect(await probe(serverEntry())).toMatch(/ young:true$/);
  });
});
