import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { AppConfig, type BlobConfig, type DatabaseConfig, type ProcessRole } from './app-config.js';
import { ConfigError } from './config-error.js';

type Env = Record<string, string | undefined>;

const ROLES: ProcessRole[] = ['api', 'worker', 'all'];
const MIN_SECRET_LENGTH = 32;

/**
 * Reads every BASALT_* variable, reports every problem at once, and returns the frozen config.
 * The only side effect: in embedded mode a secret is generated once into the data dir.
 */
export function loadConfig(env: Env, cwd = process.cwd()): AppConfig {
  const problems: Array<{ variable: string; problem: string }> = [];
  const fail = (variable: string, problem: string) => problems.push({ variable, problem });
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };

  const host = get('BASALT_HOST') ?? '127.0.0.1';
  const port = parsePort(get('BASALT_PORT') ?? '8090');
  if (port === null) fail('BASALT_PORT', 'must be a whole number from 0 to 65535');

  const role = (get('BASALT_ROLE') ?? 'all') as ProcessRole;
  if (!ROLES.includes(role)) fail('BASALT_ROLE', `must be one of ${ROLES.join(', ')}`);

  const dataDir = resolvePath(get('BASALT_DATA_DIR') ?? './basalt_data', cwd);

  const publicUrl = (get('BASALT_PUBLIC_URL') ?? `http://${urlHost(host)}:${port ?? 8090}`).replace(/\/+$/, '');
  if (!isHttpUrl(publicUrl)) fail('BASALT_PUBLIC_URL', 'must be an http(s) URL');

  const databaseUrl = get('BASALT_DATABASE_URL');
  const statementCache = Number(get('BASALT_DATABASE_STATEMENT_CACHE') ?? 256);
  if (!Number.isInteger(statementCache) || statementCache < 0) fail('BASALT_DATABASE_STATEMENT_CACHE', 'must be a whole number of statements per connection (0 turns prepared statements off)');
  let db: DatabaseConfig = { driver: 'pglite', dir: join(dataDir, 'db'), statementCache };
  if (databaseUrl) {
    if (!/^postgres(ql)?:\/\//.test(databaseUrl) || !isUrl(databaseUrl)) fail('BASALT_DATABASE_URL', 'must be a postgres:// URL');
    db = { driver: 'postgres', url: databaseUrl, statementCache };
  }

  const redisUrl = get('BASALT_REDIS_URL');
  if (redisUrl && (!/^rediss?:\/\//.test(redisUrl) || !isUrl(redisUrl))) fail('BASALT_REDIS_URL', 'must be a redis:// URL');
  const redisPrefix = get('BASALT_REDIS_PREFIX') ?? 'basalt';
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(redisPrefix)) fail('BASALT_REDIS_PREFIX', 'must be 1-64 letters, digits, _ . or -');

  const blobs = loadBlobConfig(get, fail, dataDir);

  const smtpUrl = get('BASALT_SMTP_URL');
  if (smtpUrl && (!/^smtps?:\/\//.test(smtpUrl) || !isUrl(smtpUrl))) fail('BASALT_SMTP_URL', 'must be an smtp:// or smtps:// URL');
  const smtpFrom = get('BASALT_SMTP_FROM') ?? 'Basalt <no-reply@localhost>';

  let secret = get('BASALT_SECRET');
  if (secret !== undefined && secret.length < MIN_SECRET_LENGTH) {
    fail('BASALT_SECRET', `must be at least ${MIN_SECRET_LENGTH} characters`);
  } else if (secret === undefined && db.driver === 'postgres') {
    fail('BASALT_SECRET', `is required with BASALT_DATABASE_URL (every node must share it; at least ${MIN_SECRET_LENGTH} characters)`);
  }

  const adminEmail = get('BASALT_ADMIN_EMAIL');
  const adminPassword = get('BASALT_ADMIN_PASSWORD');
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    fail(adminEmail ? 'BASALT_ADMIN_PASSWORD' : 'BASALT_ADMIN_EMAIL', 'BASALT_ADMIN_EMAIL and BASALT_ADMIN_PASSWORD go together');
  } else if (adminEmail && !/^[^\s@]+@[^\s@]+$/.test(adminEmail)) {
    fail('BASALT_ADMIN_EMAIL', 'must be an email address');
  } else if (adminPassword && adminPassword.length < 10) {
    fail('BASALT_ADMIN_PASSWORD', 'must be at least 10 characters');
  }

  const logLevel = get('BASALT_LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    fail('BASALT_LOG_LEVEL', 'must be one of fatal, error, warn, info, debug, trace, silent');
  }

  const bodyLimit = Number(get('BASALT_BODY_LIMIT') ?? 1048576);
  if (!Number.isInteger(bodyLimit) || bodyLimit < 1024) fail('BASALT_BODY_LIMIT', 'must be a whole number of bytes, at least 1024');

  const trustedProxies = (get('BASALT_TRUSTED_PROXIES') ?? 'loopback').split(',').map((p) => p.trim()).filter(Boolean);
  const badProxy = trustedProxies.find((p) => !isProxyAddress(p));
  if (badProxy !== undefined || trustedProxies.length === 0) {
    fail('BASALT_TRUSTED_PROXIES', `must be a comma list of IP addresses, CIDR ranges, loopback, linklocal or uniquelocal${badProxy ? ` (not "${badProxy}")` : ''}`);
  }

  if (problems.length) throw new ConfigError(problems);

  if (secret === undefined) {
    secret = readOrCreateSecret(dataDir);
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError([{ variable: 'BASALT_DATA_DIR', problem: `${join(dataDir, 'secret')} holds a secret shorter than ${MIN_SECRET_LENGTH} characters; restore it or set BASALT_SECRET` }]);
    }
  }

  return AppConfig.create({
    http: { host, port: port!, publicUrl, bodyLimit, trustedProxies },
    role,
    dataDir,
    db,
    redis: redisUrl ? { url: redisUrl, prefix: redisPrefix } : null,
    blobs,
    smtp: smtpUrl ? { url: smtpUrl, from: smtpFrom } : null,
    secret,
    bootstrapAdmin: adminEmail && adminPassword ? { email: adminEmail.toLowerCase(), password: adminPassword } : null,
    logLevel,
    metricsToken: get('BASALT_METRICS_TOKEN') ?? null,
  });
}

const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR range (`10.0.0.0/8`, `fd00::/8`) or one of the names proxy-addr knows. */
function isProxyAddress(value: string): boolean {
  if (PROXY_RANGE_NAMES.includes(value)) return true;
  const [address, bits, ...rest] = value.split('/');
  const version = isIP(address!);
  if (version === 0 || rest.length > 0) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128);
}

function loadBlobConfig(get: (n: string) => string | undefined, fail: (v: string, p: string) => void, dataDir: string): BlobConfig {
  const endpoint = get('BASALT_S3_ENDPOINT');
  if (!endpoint) return { driver: 'fs', root: join(dataDir, 'storage') };
  let url: URL | null = null;
  try {
    url = new URL(endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') url = null;
  } catch {
    url = null;
  }
  if (!url) fail('BASALT_S3_ENDPOINT', 'must be an http(s) URL such as http://127.0.0.1:9000');
  const required = (name: string) => {
    const v = get(name);
    if (!v) fail(name, 'is required with BASALT_S3_ENDPOINT');
    return v ?? '';
  };
  const bucket = required('BASALT_S3_BUCKET');
  const accessKey = required('BASALT_S3_ACCESS_KEY');
  const secretKey = required('BASALT_S3_SECRET_KEY');
  const useSSL = url?.protocol === 'https:';
  return {
    driver: 's3',
    endPoint: url?.hostname.replace(/^\[|\]$/g, '') ?? '',
    port: url?.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    bucket,
    accessKey,
    secretKey,
    region: get('BASALT_S3_REGION') ?? 'us-east-1',
  };
}

function readOrCreateSecret(dataDir: string): string {
  const file = join(dataDir, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}

/** The host as it goes in a default URL: wildcard binds mean this machine, IPv6 gets brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function parsePort(v: string): number | null {
  const n = Number(v);
  return /^\d+$/.test(v) && n >= 0 && n <= 65535 ? n : null;
}

function resolvePath(p: string, cwd: string): string {
  return isAbsolute(p) ? p : resolve(cwd, p);
}

function isUrl(v: string): boolean {
  try {
    new URL(v);
    return true;
  } catch {
    return false;
  }
}

function isHttpUrl(v: string): boolean {
  return isUrl(v) && /^https?:\/\//.test(v);
}
