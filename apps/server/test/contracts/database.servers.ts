import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@basalt/testkit';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseServer } from '../../src/infra/database/database.port.js';
import { runMigrations } from '../../src/infra/database/migrate.js';
import { PgliteServer } from '../../src/infra/database/pglite-server.driver.js';
import { PostgresServer } from '../../src/infra/database/postgres-server.driver.js';

/** A database server on fresh, empty storage, and how to throw that storage away once it is closed. */
export interface FreshServer {
  server: DatabaseServer;
  dispose(): Promise<void>;
}

/** PGlite in a new temporary data dir. */
export async function freshPglite(): Promise<FreshServer> {
  const dir = await mkdtemp(join(tmpdir(), 'basalt-pglite-'));
  return { server: new PgliteServer(dir), dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** A new database on the test PostgreSQL (fails loudly when it cannot be reached), dropped on dispose. */
export async function freshPostgres(): Promise<FreshServer> {
  const db = await createTestDatabase();
  return { server: new PostgresServer(db.url), dispose: () => db.drop() };
}

/** A DataSource built the way the app builds it: from the driver's options, no entities. */
export function dataSourceFor(options: DataSourceOptions): Promise<DataSource> {
  return new DataSource({ ...options, entities: [], migrations: [] } as DataSourceOptions).initialize();
}

/** An open, migrated database, for the suites of ports that keep their state in system tables. */
export interface MigratedDatabase {
  driver: DatabaseServer['driver'];
  ds: DataSource;
  close(): Promise<void>;
}

export async function openMigratedDatabase(fresh: () => Promise<FreshServer>): Promise<MigratedDatabase> {
  const { server, dispose } = await fresh();
  let ds: DataSource | undefined;
  const close = async () => {
    try {
      if (ds?.isInitialized) await ds.destroy();
      await server.close();
    } finally {
      await dispose();
    }
  };
  try {
    const options = await server.open();
    await runMigrations(options);
    ds = await dataSourceFor(options);
    return { driver: server.driver, ds, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
