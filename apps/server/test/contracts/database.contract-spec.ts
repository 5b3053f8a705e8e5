import type { DataSource } from 'typeorm';
import { runMigrations } from '../../src/infra/database/migrate.js';
import { basaltTables, databaseServerContract, MIGRATION_NAMES, recordedMigrations } from './database.contract.js';
import { dataSourceFor, type FreshServer, freshPglite, freshPostgres } from './database.servers.js';

/** Makes servers on fresh storage for one suite and throws the storage away after it. */
function freshServers(fresh: () => Promise<FreshServer>) {
  const made: FreshServer[] = [];
  afterAll(async () => {
    for (const { dispose } of made.splice(0)) await dispose();
  });
  return async () => {
    const server = await fresh();
    made.push(server);
    return server;
  };
}

describe('PgliteServer', () => {
  const fresh = freshServers(freshPglite);

  databaseServerContract(async () => (await fresh()).server);
});

describe('PostgresServer', () => {
  const fresh = freshServers(freshPostgres);

  databaseServerContract(async () => (await fresh()).server);

  it('applies each migration once when three nodes migrate the same fresh database at once', async () => {
    const { server } = await fresh();
    const options = await server.open();
    const ds = await dataSourceFor(options);
    try {
      // Three nodes that reach their first DDL at the same instant: the schema catalog is held
      // until all three wait on a lock (or a few seconds passed), then let go.
      const hold = ds.createQueryRunner();
      await hold.connect();
      await hold.startTransaction();
      await hold.query('LOCK TABLE pg_catalog.pg_namespace IN SHARE MODE');
      const runs = Promise.allSettled([runMigrations(options), runMigrations(options), runMigrations(options)]);
      await waitingOnLocks(ds, 3, 3000);
      await hold.rollbackTransaction();
      await hold.release();
      const settled = await runs;

      expect(settled.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
      const applied = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      expect(applied.sort()).toEqual([...MIGRATION_NAMES].sort());
      await expect(recordedMigrations(ds)).resolves.toEqual(MIGRATION_NAMES);
      await expect(basaltTables(ds)).resolves.toContain('jobs');
    } finally {
      await ds.destroy();
      await server.close();
    }
  });
});

/** Waits until `count` sessions of this database wait on a lock, or `timeoutMs` passed. */
async function waitingOnLocks(ds: DataSource, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [{ n }]: Array<{ n: number }> = await ds.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (n >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
