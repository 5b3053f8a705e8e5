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
    let ds: DataSource | undefined;
    try {
      const runs = await Promise.allSettled([runMigrations(options), runMigrations(options), runMigrations(options)]);

      expect(runs.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);
      const applied = runs.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      expect(applied.sort()).toEqual([...MIGRATION_NAMES].sort());
      ds = await dataSourceFor(options);
      await expect(recordedMigrations(ds)).resolves.toEqual(MIGRATION_NAMES);
      await expect(basaltTables(ds)).resolves.toContain('jobs');
    } finally {
      await ds?.destroy();
      await server.close();
    }
  });
});
