import type { DataSourceOptions } from 'typeorm';

/**
 * Where the SQL lives. Both drivers are reached through the same `pg` driver, so there is one SQL
 * code path; only how the server is started and how many connections the pool may hold differ.
 */
export abstract class DatabaseServer {
  abstract readonly driver: 'pglite' | 'postgres';
  /** Starts what must run in-process (PGlite) and returns TypeORM options for reaching it. */
  abstract open(): Promise<DataSourceOptions>;
  abstract close(): Promise<void>;
}
