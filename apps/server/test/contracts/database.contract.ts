import type { Pool } from 'pg';
import { type DataSource, type DataSourceOptions, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { DatabaseServer } from '../../src/infra/database/database.port.js';
import { runMigrations } from '../../src/infra/database/migrate.js';
import { SYSTEM_MIGRATIONS } from '../../src/infra/database/migrations/index.js';
import { dataSourceFor } from './database.servers.js';

/** Every system migration's name, in the order they apply. */
export const MIGRATION_NAMES = SYSTEM_MIGRATIONS.map((M) => new M().name);

const SYSTEM_TABLES = [
  ...['admins', 'api_keys', 'buckets', 'collections', 'files', 'jobs', 'mail_outbox', 'migrations', 'push_deliveries', 'push_devices', 'push_messages'],
  ...['request_logs', 'settings', 'user_credentials', 'user_identities', 'user_mfa', 'user_sessions', 'user_tokens'],
];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

export async function basaltTables(ds: DataSource): Promise<string[]> {
  const rows: Array<{ table_name: string }> = await ds.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'basalt' ORDER BY table_name`,
  );
  return rows.map((r) => r.table_name);
}

export async function recordedMigrations(ds: DataSource): Promise<string[]> {
  const rows: Array<{ name: string }> = await ds.query('SELECT name FROM basalt.migrations ORDER BY id');
  return rows.map((r) => r.name);
}

/**
 * The DatabaseServer contract, run against every driver. `makeServer` returns a server on fresh,
 * empty storage that has not been opened; the suite opens it, and closes every DataSource and
 * server it opened. Tests write to scratch tables of their own, never to the system tables.
 */
export function databaseServerContract(makeServer: () => Promise<DatabaseServer>): void {
  const sources: DataSource[] = [];
  const servers: DatabaseServer[] = [];
  // The transaction tests share one server (PGlite takes seconds to create); each gets its own table.
  let shared: Promise<{ server: DatabaseServer; ds: DataSource }> | undefined;
  let tables = 0;

  const open = async (): Promise<{ server: DatabaseServer; options: DataSourceOptions }> => {
    const server = await makeServer();
    servers.push(server);
    return { server, options: await server.open() };
  };
  const connect = async (options: DataSourceOptions): Promise<DataSource> => {
    const ds = await dataSourceFor(options);
    sources.push(ds);
    return ds;
  };
  /** A new, empty scratch table `label text PRIMARY KEY` on the shared server, and how to read it. */
  const scratch = async (): Promise<{ ds: DataSource; table: string; labels: () => Promise<string[]> }> => {
    shared ??= (async () => {
      const server = await makeServer();
      return { server, ds: await dataSourceFor(await server.open()) };
    })();
    const { ds } = await shared;
    const table = `public.scratch_${++tables}`;
    await ds.query(`CREATE TABLE ${table} (label text PRIMARY KEY)`);
    const labels = async () => ((await ds.query(`SELECT label FROM ${table} ORDER BY label`)) as Array<{ label: string }>).map((r) => r.label);
    return { ds, table, labels };
  };

  afterEach(async () => {
    for (const ds of sources.splice(0)) if (ds.isInitialized) await ds.destroy();
    for (const server of servers.splice(0)) await server.close();
  });

  afterAll(async () => {
    if (!shared) return;
    const { server, ds } = await shared;
    await ds.destroy();
    await server.close();
  });

  it('migrates an empty database to the basalt tables, and a second run applies nothing', async () => {
    const { server, options } = await open();
    expect(['pglite', 'postgres']).toContain(server.driver);
    const ds = await connect(options);
    await expect(basaltTables(ds)).resolves.toEqual([]);

    await expect(runMigrations(options)).resolves.toEqual(MIGRATION_NAMES);
    await expect(runMigrations(options)).resolves.toEqual([]);

    await expect(basaltTables(ds)).resolves.toEqual(SYSTEM_TABLES);
    await expect(recordedMigrations(ds)).resolves.toEqual(MIGRATION_NAMES);
  });

  it('keeps the committed one of two overlapping transactions and nothing of the one rolled back', async () => {
    const { ds, table, labels } = await scratch();
    const aInserted = deferred();

    // A is inserted, then its transaction stays open while B's starts, inserts and commits.
    const first = ds.transaction(async (m) => {
      await m.query(`INSERT INTO ${table} (label) VALUES ('A')`);
      aInserted.resolve();
      await sleep(200);
      throw new Error('abandon A');
    });
    await aInserted.promise;
    // On Postgres B commits while A is still open; with PGlite's pool of one, B's transaction waits for A's.
    const second = ds.transaction(async (m) => {
      await m.query(`INSERT INTO ${table} (label) VALUES ('B')`);
    });

    await expect(first).rejects.toThrow('abandon A');
    await expect(second).resolves.toBeUndefined();
    await expect(labels()).resolves.toEqual(['B']);
  });

  it('never shows a row of an unfinished transaction to a read outside it', async () => {
    const { ds, table, labels } = await scratch();
    await ds.query(`INSERT INTO ${table} (label) VALUES ('committed')`);
    const aInserted = deferred();
    let finished = false;

    const first = ds
      .transaction(async (m) => {
        await m.query(`INSERT INTO ${table} (label) VALUES ('A')`);
        await expect(m.query(`SELECT label FROM ${table} ORDER BY label`)).resolves.toEqual([{ label: 'A' }, { label: 'committed' }]);
        aInserted.resolve();
        await sleep(300);
        throw new Error('abandon A');
      })
      .finally(() => (finished = true));
    await aInserted.promise;

    // Issued while A is uncommitted: they wait for the transaction (a pool of one) or read around it.
    const reads = [0, 50, 100, 150].map(async (wait) => {
      await sleep(wait);
      expect(finished).toBe(false);
      return labels();
    });

    await expect(first).rejects.toThrow('abandon A');
    for (const seen of await Promise.all(reads)) expect(seen).toEqual(['committed']);
  });

  it('leaves nothing of a transaction that hits a unique violation, and its connection stays usable', async () => {
    const { ds, table, labels } = await scratch();
    await ds.query(`INSERT INTO ${table} (label) VALUES ('taken')`);

    const err = await ds
      .transaction(async (m) => {
        await m.query(`INSERT INTO ${table} (label) VALUES ('new-1')`);
        await m.query(`INSERT INTO ${table} (label) VALUES ('new-2')`);
        await m.query(`INSERT INTO ${table} (label) VALUES ('taken')`);
      })
      .catch((e: unknown) => e);

    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('23505');
    await expect(labels()).resolves.toEqual(['taken']);
    await ds.transaction(async (m) => {
      await m.query(`INSERT INTO ${table} (label) VALUES ('after')`);
    });
    await expect(labels()).resolves.toEqual(['after', 'taken']);
  });

  it.each(['ends', 'breaks off'])('leaves nothing of the open transaction of a connection that %s, and serves the next', async (how) => {
    const { ds, table, labels } = await scratch();
    const client = await ((ds.driver as PostgresDriver).master as Pool).connect();
    client.on('error', () => undefined); // a connection that breaks off tells its client so
    await client.query('BEGIN');
    await client.query(`INSERT INTO ${table} (label) VALUES ('dropped')`);
    if (how === 'breaks off') (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    client.release(new Error('dropped')); // the pool ends the connection and does not hand it out again

    await expect(labels()).resolves.toEqual([]);
    await ds.query(`INSERT INTO ${table} (label) VALUES ('after')`);
    await expect(labels()).resolves.toEqual(['after']);
  });

  it('keeps committed data across close and a new open', async () => {
    const { server, options } = await open();
    const ds = await connect(options);
    await ds.query('CREATE TABLE public.kept (label text PRIMARY KEY)');
    await ds.query(`INSERT INTO public.kept (label) VALUES ('kept')`);
    await ds.destroy();
    await server.close();

    const reopened = await connect(await server.open());
    await expect(reopened.query('SELECT label FROM public.kept')).resolves.toEqual([{ label: 'kept' }]);
  });
}
