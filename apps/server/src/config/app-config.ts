export type ProcessRole = 'api' | 'worker' | 'all';

export type DatabaseConfig = ({ driver: 'pglite'; dir: string } | { driver: 'postgres'; url: string }) & {
  /**
   * Named prepared statements each connection keeps for single-statement reads and writes; 0 sends
   * every statement unnamed (for a pooler that cannot carry them, e.g. PgBouncer before 1.21 in
   * transaction mode).
   */
  statementCache: number;
};

export type BlobConfig =
  | { driver: 'fs'; root: string }
  | { driver: 's3'; endPoint: string; port: number; useSSL: boolean; bucket: string; accessKey: string; secretKey: string; region: string };

export interface HttpConfig {
  host: string;
  port: number;
  publicUrl: string;
  /** Largest JSON body accepted, in bytes. */
  bodyLimit: number;
  /**
   * Peers whose X-Forwarded-For / -Proto / -Host are believed (addresses, CIDR ranges, or
   * `loopback`, `linklocal`, `uniquelocal`): the client's address is what rate limits, sessions and
   * the request log see, so only a proxy in front of every request may set it.
   */
  trustedProxies: string[];
}

/**
 * The one configuration object, built and validated once at boot from the environment
 * (see load-config.ts) and injected wherever settings are needed. Frozen: nothing changes it later.
 */
export class AppConfig {
  readonly http!: HttpConfig;
  readonly role!: ProcessRole;
  readonly dataDir!: string;
  readonly db!: DatabaseConfig;
  /** Null selects the in-process queue and event bus. */
  readonly redis!: { url: string; prefix: string } | null;
  readonly blobs!: BlobConfig;
  /** Null keeps mail in the outbox table. */
  readonly smtp!: { url: string; from: string } | null;
  readonly secret!: string;
  readonly bootstrapAdmin!: { email: string; password: string } | null;
  readonly logLevel!: string;
  /** Optional bearer token that may read /metrics besides admins. */
  readonly metricsToken!: string | null;

  static create(values: AppConfig): AppConfig {
    return deepFreeze(Object.assign(new AppConfig(), values));
  }
}

function deepFreeze<T>(o: T): T {
  for (const v of Object.values(o as object)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
