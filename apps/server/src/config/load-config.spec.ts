import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from './app-config.js';
import { ConfigError } from './config-error.js';
import { loadConfig } from './load-config.js';

type Env = Record<string, string | undefined>;

const SECRET = 's'.repeat(32);

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'basalt-config-'));
});
afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** The problems of a refused config, as `{ VARIABLE: problem }`. */
function problemsOf(env: Env): Record<string, string> {
  try {
    loadConfig(env, cwd);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return Object.fromEntries((e as ConfigError).problems.map((p) => [p.variable, p.problem]));
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig defaults', () => {
  it('runs embedded from ./basalt_data under the working directory with nothing set', () => {
    const config = loadConfig({}, cwd);
    const dataDir = join(cwd, 'basalt_data');
    expect(config).toBeInstanceOf(AppConfig);
    expect(config).toEqual({
      http: { host: '127.0.0.1', port: 8090, publicUrl: 'http://127.0.0.1:8090', bodyLimit: 1048576, trustedProxies: ['loopback'] },
      role: 'all',
      dataDir,
      db: { driver: 'pglite', dir: join(dataDir, 'db'), statementCache: 256 },
      redis: null,
      blobs: { driver: 'fs', root: join(dataDir, 'storage') },
      smtp: null,
      secret: expect.any(String),
      bootstrapAdmin: null,
      logLevel: 'info',
      metricsToken: null,
    });
  });

  it('treats empty and blank variables as unset', () => {
    const config = loadConfig({ BASALT_PORT: '', BASALT_HOST: '   ', BASALT_DATABASE_URL: '', BASALT_SECRET: ' ' }, cwd);
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 8090 });
    expect(config.db.driver).toBe('pglite');
  });

  it.each([
    [{ BASALT_HOST: '0.0.0.0' }, 'http://127.0.0.1:8090'],
    [{ BASALT_HOST: '192.168.1.5', BASALT_PORT: '9000' }, 'http://192.168.1.5:9000'],
    [{ BASALT_PUBLIC_URL: 'https://api.example.com///' }, 'https://api.example.com'],
    [{ BASALT_PUBLIC_URL: 'https://example.com/basalt/' }, 'https://example.com/basalt'],
  ])('derives the public URL from %j as %s', (env, publicUrl) => {
    expect(loadConfig(env, cwd).http.publicUrl).toBe(publicUrl);
  });

  // Binding every IPv6 interface: the default public URL falls back to the loopback, as for 0.0.0.0.
  it('accepts an IPv6 BASALT_HOST without BASALT_PUBLIC_URL', () => {
    expect(() => loadConfig({ BASALT_HOST: '::' }, cwd)).not.toThrow();
  });
});

describe('loadConfig reads every BASALT_* variable', () => {
  it('builds the scaled configuration', () => {
    const config = loadConfig(
      {
        BASALT_HOST: '0.0.0.0',
        BASALT_PORT: '3000',
        BASALT_PUBLIC_URL: 'https://basalt.example.com/',
        BASALT_ROLE: 'worker',
        BASALT_DATA_DIR: 'var/data',
        BASALT_DATABASE_URL: 'postgresql://u:p@db:5432/basalt',
        BASALT_REDIS_URL: 'rediss://cache:6380/2',
        BASALT_REDIS_PREFIX: 'tenant-1.a_b',
        BASALT_S3_ENDPOINT: 'https://s3.example.com',
        BASALT_S3_BUCKET: 'files',
        BASALT_S3_ACCESS_KEY: 'AK',
        BASALT_S3_SECRET_KEY: 'SK',
        BASALT_S3_REGION: 'eu-west-1',
        BASALT_SMTP_URL: 'smtps://u:p@mail:465',
        BASALT_SMTP_FROM: 'Ops <ops@example.com>',
        BASALT_SECRET: ` ${SECRET} `,
        BASALT_ADMIN_EMAIL: 'Admin@Example.COM',
        BASALT_ADMIN_PASSWORD: 'correct horse',
        BASALT_LOG_LEVEL: 'debug',
        BASALT_BODY_LIMIT: '2048',
        BASALT_DATABASE_STATEMENT_CACHE: '64',
        BASALT_METRICS_TOKEN: 'metrics-token',
        BASALT_TRUSTED_PROXIES: ' 10.0.0.0/8, fd00::/8 ,loopback,192.168.1.7 ',
      },
      cwd,
    );
    expect(config).toEqual({
      http: { host: '0.0.0.0', port: 3000, publicUrl: 'https://basalt.example.com', bodyLimit: 2048, trustedProxies: ['10.0.0.0/8', 'fd00::/8', 'loopback', '192.168.1.7'] },
      role: 'worker',
      dataDir: join(cwd, 'var/data'),
      db: { driver: 'postgres', url: 'postgresql://u:p@db:5432/basalt', statementCache: 64 },
      redis: { url: 'rediss://cache:6380/2', prefix: 'tenant-1.a_b' },
      blobs: { driver: 's3', endPoint: 's3.example.com', port: 443, useSSL: true, bucket: 'files', accessKey: 'AK', secretKey: 'SK', region: 'eu-west-1' },
      smtp: { url: 'smtps://u:p@mail:465', from: 'Ops <ops@example.com>' },
      secret: SECRET,
      bootstrapAdmin: { email: 'admin@example.com', password: 'correct horse' },
      logLevel: 'debug',
      metricsToken: 'metrics-token',
    });
  });

  it.each([
    ['BASALT_ROLE', 'api', (c: AppConfig) => c.role, 'api'],
    ['BASALT_ROLE', 'all', (c: AppConfig) => c.role, 'all'],
    ['BASALT_PORT', '0', (c: AppConfig) => c.http.port, 0],
    ['BASALT_PORT', '65535', (c: AppConfig) => c.http.port, 65535],
    ['BASALT_DATA_DIR', '/abs/data', (c: AppConfig) => [c.dataDir, c.db], ['/abs/data', { driver: 'pglite', dir: '/abs/data/db', statementCache: 256 }]],
    ['BASALT_DATABASE_URL', 'postgres://db/basalt', (c: AppConfig) => c.db, { driver: 'postgres', url: 'postgres://db/basalt', statementCache: 256 }],
    ['BASALT_DATABASE_STATEMENT_CACHE', '0', (c: AppConfig) => c.db.statementCache, 0],
    ['BASALT_REDIS_URL', 'redis://127.0.0.1:6379', (c: AppConfig) => c.redis, { url: 'redis://127.0.0.1:6379', prefix: 'basalt' }],
    ['BASALT_SMTP_URL', 'smtp://127.0.0.1:25', (c: AppConfig) => c.smtp, { url: 'smtp://127.0.0.1:25', from: 'Basalt <no-reply@localhost>' }],
    ['BASALT_LOG_LEVEL', 'silent', (c: AppConfig) => c.logLevel, 'silent'],
    ['BASALT_BODY_LIMIT', '1024', (c: AppConfig) => c.http.bodyLimit, 1024],
  ])('reads %s=%s', (variable, value, pick, expected) => {
    const config = loadConfig({ BASALT_SECRET: SECRET, [variable]: value }, cwd);
    expect(pick(config)).toEqual(expected);
  });

  it.each([
    ['http://127.0.0.1:9000', { endPoint: '127.0.0.1', port: 9000, useSSL: false, region: 'us-east-1' }],
    ['http://minio', { endPoint: 'minio', port: 80, useSSL: false }],
    ['https://s3.amazonaws.com', { endPoint: 's3.amazonaws.com', port: 443, useSSL: true }],
    ['https://s3.local:8443', { endPoint: 's3.local', port: 8443, useSSL: true }],
  ])('reads the S3 endpoint %s', (endpoint, expected) => {
    const env = { BASALT_S3_ENDPOINT: endpoint, BASALT_S3_BUCKET: 'b', BASALT_S3_ACCESS_KEY: 'a', BASALT_S3_SECRET_KEY: 'k' };
    expect(loadConfig(env, cwd).blobs).toEqual({ driver: 's3', bucket: 'b', accessKey: 'a', secretKey: 'k', region: 'us-east-1', ...expected });
  });
});

describe('loadConfig refuses bad values, naming the variable', () => {
  it.each<[string, Env, string, RegExp]>([
    ['a port that is not a number', { BASALT_PORT: 'http' }, 'BASALT_PORT', /whole number from 0 to 65535/],
    ['a port out of range', { BASALT_PORT: '65536' }, 'BASALT_PORT', /0 to 65535/],
    ['a negative port', { BASALT_PORT: '-1' }, 'BASALT_PORT', /0 to 65535/],
    ['a fractional port', { BASALT_PORT: '80.5' }, 'BASALT_PORT', /0 to 65535/],
    ['an unknown role', { BASALT_ROLE: 'web' }, 'BASALT_ROLE', /api, worker, all/],
    ['a public URL that is not http(s)', { BASALT_PUBLIC_URL: 'ftp://example.com' }, 'BASALT_PUBLIC_URL', /http\(s\) URL/],
    ['a public URL that is not a URL', { BASALT_PUBLIC_URL: 'example.com' }, 'BASALT_PUBLIC_URL', /http\(s\) URL/],
    ['a database URL of another scheme', { BASALT_DATABASE_URL: 'mysql://db/x', BASALT_SECRET: SECRET }, 'BASALT_DATABASE_URL', /postgres:\/\//],
    ['a redis URL of another scheme', { BASALT_REDIS_URL: 'http://cache:6379' }, 'BASALT_REDIS_URL', /redis:\/\//],
    ['a redis URL that does not parse', { BASALT_REDIS_URL: 'redis://exa mple:6379' }, 'BASALT_REDIS_URL', /redis:\/\//],
    ['a redis prefix with a colon', { BASALT_REDIS_PREFIX: 'a:b' }, 'BASALT_REDIS_PREFIX', /1-64 letters/],
    ['a redis prefix too long', { BASALT_REDIS_PREFIX: 'x'.repeat(65) }, 'BASALT_REDIS_PREFIX', /1-64 letters/],
    ['an S3 endpoint of another scheme', { BASALT_S3_ENDPOINT: 'ftp://s3', BASALT_S3_BUCKET: 'b', BASALT_S3_ACCESS_KEY: 'a', BASALT_S3_SECRET_KEY: 'k' }, 'BASALT_S3_ENDPOINT', /http\(s\) URL/],
    ['an S3 endpoint that is not a URL', { BASALT_S3_ENDPOINT: 'minio:9000x', BASALT_S3_BUCKET: 'b', BASALT_S3_ACCESS_KEY: 'a', BASALT_S3_SECRET_KEY: 'k' }, 'BASALT_S3_ENDPOINT', /http\(s\) URL/],
    ['an SMTP URL of another scheme', { BASALT_SMTP_URL: 'http://mail' }, 'BASALT_SMTP_URL', /smtp:\/\/ or smtps:\/\//],
    ['a short secret', { BASALT_SECRET: 'x'.repeat(31) }, 'BASALT_SECRET', /at least 32 characters/],
    ['a database URL without a secret', { BASALT_DATABASE_URL: 'postgres://db/basalt' }, 'BASALT_SECRET', /required with BASALT_DATABASE_URL/],
    ['an admin email without a password', { BASALT_ADMIN_EMAIL: 'a@b.c' }, 'BASALT_ADMIN_PASSWORD', /go together/],
    ['an admin password without an email', { BASALT_ADMIN_PASSWORD: 'long enough pw' }, 'BASALT_ADMIN_EMAIL', /go together/],
    ['an admin email that is not an address', { BASALT_ADMIN_EMAIL: 'admin', BASALT_ADMIN_PASSWORD: 'long enough pw' }, 'BASALT_ADMIN_EMAIL', /email address/],
    ['a short admin password', { BASALT_ADMIN_EMAIL: 'a@b.c', BASALT_ADMIN_PASSWORD: 'short' }, 'BASALT_ADMIN_PASSWORD', /at least 10 characters/],
    ['an unknown log level', { BASALT_LOG_LEVEL: 'verbose' }, 'BASALT_LOG_LEVEL', /fatal, error, warn, info, debug, trace, silent/],
    ['a body limit below 1024', { BASALT_BODY_LIMIT: '1023' }, 'BASALT_BODY_LIMIT', /at least 1024/],
    ['a body limit that is not a number', { BASALT_BODY_LIMIT: '1mb' }, 'BASALT_BODY_LIMIT', /whole number of bytes/],
    ['a fractional body limit', { BASALT_BODY_LIMIT: '2048.5' }, 'BASALT_BODY_LIMIT', /whole number of bytes/],
    ['a negative statement cache', { BASALT_DATABASE_STATEMENT_CACHE: '-1' }, 'BASALT_DATABASE_STATEMENT_CACHE', /whole number of statements.*0 turns/],
    ['a statement cache that is not a number', { BASALT_DATABASE_STATEMENT_CACHE: 'on' }, 'BASALT_DATABASE_STATEMENT_CACHE', /whole number of statements/],
    ['a trusted proxy that is a host name', { BASALT_TRUSTED_PROXIES: 'loopback,proxy.local' }, 'BASALT_TRUSTED_PROXIES', /IP addresses, CIDR ranges.*not "proxy.local"/],
    ['a trusted proxy range too wide', { BASALT_TRUSTED_PROXIES: '10.0.0.0/33' }, 'BASALT_TRUSTED_PROXIES', /not "10.0.0.0\/33"/],
    ['a trusted proxy range with two masks', { BASALT_TRUSTED_PROXIES: '10.0.0.0/8/8' }, 'BASALT_TRUSTED_PROXIES', /not "10.0.0.0\/8\/8"/],
    ['trusted proxies that are only commas', { BASALT_TRUSTED_PROXIES: ' , ' }, 'BASALT_TRUSTED_PROXIES', /comma list/],
  ])('refuses %s', (_, env, variable, problem) => {
    const problems = problemsOf(env);
    expect(Object.keys(problems)).toEqual([variable]);
    expect(problems[variable]).toMatch(problem);
  });

  it.each(['BASALT_S3_BUCKET', 'BASALT_S3_ACCESS_KEY', 'BASALT_S3_SECRET_KEY'])('requires %s with BASALT_S3_ENDPOINT', (missing) => {
    const env: Env = { BASALT_S3_ENDPOINT: 'http://127.0.0.1:9000', BASALT_S3_BUCKET: 'b', BASALT_S3_ACCESS_KEY: 'a', BASALT_S3_SECRET_KEY: 'k' };
    delete env[missing];
    expect(problemsOf(env)).toEqual({ [missing]: 'is required with BASALT_S3_ENDPOINT' });
  });

  it('reports every problem at once, one line per variable', () => {
    let error: unknown;
    try {
      loadConfig(
        {
          BASALT_PORT: 'abc',
          BASALT_ROLE: 'web',
          BASALT_DATABASE_URL: 'postgres://db/basalt',
          BASALT_REDIS_URL: 'http://nope',
          BASALT_S3_ENDPOINT: 'http://127.0.0.1:9000',
          BASALT_LOG_LEVEL: 'loud',
        },
        cwd,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'BASALT_LOG_LEVEL',
      'BASALT_PORT',
      'BASALT_REDIS_URL',
      'BASALT_ROLE',
      'BASALT_S3_ACCESS_KEY',
      'BASALT_S3_BUCKET',
      'BASALT_S3_SECRET_KEY',
      'BASALT_SECRET',
    ]);
    const lines = message.split('\n');
    expect(lines).toHaveLength(problems.length);
    for (const p of problems) expect(lines).toContain(`${p.variable}: ${p.problem}`);
  });

  it('writes no secret file when the config is refused', () => {
    problemsOf({ BASALT_PORT: 'abc' });
    expect(existsSync(join(cwd, 'basalt_data'))).toBe(false);
  });
});

describe('loadConfig secret', () => {
  it('generates a secret once into the data dir, readable only by the owner, and reuses it', () => {
    const first = loadConfig({}, cwd);
    const file = join(cwd, 'basalt_data', 'secret');
    expect(first.secret.length).toBeGreaterThanOrEqual(32);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.secret);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = loadConfig({}, cwd);
    expect(second.secret).toBe(first.secret);
  });

  it('keeps separate secrets for separate data dirs', () => {
    const a = loadConfig({ BASALT_DATA_DIR: 'a' }, cwd);
    const b = loadConfig({ BASALT_DATA_DIR: 'b' }, cwd);
    expect(a.secret).not.toBe(b.secret);
  });

  it('reads an existing secret file without rewriting it', () => {
    mkdirSync(join(cwd, 'basalt_data'));
    writeFileSync(join(cwd, 'basalt_data', 'secret'), `${'k'.repeat(43)}\n`, { mode: 0o600 });
    expect(loadConfig({}, cwd).secret).toBe('k'.repeat(43));
  });

  // An empty or truncated secret file (a first boot that died after creating it) must not become
  // the key every token and stored secret is derived from.
  it.each(['', '\n', 'short'])('refuses a secret file holding %j', (content) => {
    mkdirSync(join(cwd, 'basalt_data'));
    writeFileSync(join(cwd, 'basalt_data', 'secret'), content, { mode: 0o600 });
    expect(() => loadConfig({}, cwd)).toThrow(/secret/);
  });

  it('prefers BASALT_SECRET and writes no file', () => {
    expect(loadConfig({ BASALT_SECRET: SECRET }, cwd).secret).toBe(SECRET);
    expect(existsSync(join(cwd, 'basalt_data', 'secret'))).toBe(false);
  });
});

describe('loadConfig result', () => {
  it('is deeply frozen', () => {
    const config = loadConfig(
      { BASALT_REDIS_URL: 'redis://r', BASALT_SMTP_URL: 'smtp://m', BASALT_ADMIN_EMAIL: 'a@b.c', BASALT_ADMIN_PASSWORD: 'long enough pw' },
      cwd,
    );
    for (const part of [config, config.http, config.db, config.redis, config.blobs, config.smtp, config.bootstrapAdmin]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (config.http as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(config.http.port).toBe(8090);
  });
});
