import { DataSource, type DataSourceOptions, MigrationExecutor } from 'typeorm';
import { SYSTEM_MIGRATIONS } from './migrations/index.js';

/** Any constant shared by every node: `pg_advisory_lock` serialises concurrent boots. */
const MIGRATION_LOCK_KEY = 0x6261_7361; // "basa"

/**
 * Applies pending system migrations under a Postgres advisory lock held on the same connection
 * that runs them, so several nodes booting at once apply each migration exactly once (and a pool
 * of one, as with PGlite, never waits on itself). Idempotent: returns the names it applied.
 */
export async function runMigrations(options: DataSourceOptions): Promise<string[]> {
  const ds = new DataSource({ ...options, migrations: SYSTEM_MIGRATIONS, schema: 'basalt', migrationsTableName: 'migrations', entities: [] } as DataSourceOptions);
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    // Lock first: CREATE SCHEMA IF NOT EXISTS is itself not safe when several nodes run it at once.
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await runner.query('CREATE SCHEMA IF NOT EXISTS basalt');
      const executor = new MigrationExecutor(ds, runner);
      executor.transaction = 'each';
      const applied = await executor.executePendingMigrations();
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
    await ds.destroy();
  }
}
