import type { Pool } from 'pg';
import { type DataSource, type DataSourceOptions, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { DatabaseServer } from '../../src/infra/database/database.port.js';
import { PooledSql } from '../../src/infra/database/pooled-sql.js';
import { dataSourceFor } from './database.servers.js';

/** The server's options with a pool of one, so every query below runs on the same connection. */
function onOneConnection(options: DataSourceOptions): DataSourceOptions {
  const extra = (options as { extra?: object }).extra;
  return { ...options, poolSize: 1, extra: { ...extra, max: 1 } } as DataSourceOptions;
}

/**
 * PooledSql on a database server: single statements on the DataSource's pool, with and without
 * named prepared statements. Run against PGlite (every connection is one session) and PostgreSQL.
 */
export function pooledSqlContract(open: () => Promise<DatabaseServer>): void {
  let server: DatabaseServer;
  let ds: DataSource;
  let pool: Pool;
  const prepared = () => ds.query<Array<{ name: string; statement: string }>>('SELECT name, statement FROM pg_prepared_statements ORDER BY name');

  beforeAll(async () => {
    server = await open();
    ds = await dataSourceFor(onOneConnection(await server.open()));
    pool = (ds.driver as PostgresDriver).master as Pool;
    await ds.query('CREATE TABLE public.pooled (id int PRIMARY KEY, name text NOT NULL)');
    await ds.query(`INSERT INTO public.pooled VALUES (1, 'a'), (2, 'b')`);
  }, 60_000);
  afterAll(async () => {
    if (ds?.isInitialized) await ds.destroy();
    await server?.close();
  });

  describe.each([
    ['unnamed statements', 0],
    ['named prepared statements', 8],
  ])('with %s', (_, statementCache) => {
    let sql: PooledSql;
    beforeEach(async () => {
      sql = new PooledSql(ds, statementCache);
      await ds.query('DEALLOCATE ALL');
    });

    it('answers rows as DataSource.query does, for reads and for writes that return rows', async () => {
      expect(await sql.query('INSERT INTO public.pooled VALUES ($1, $2), ($3, $4) RETURNING id', [10, 'x', 11, 'y'])).toEqual([{ id: 10 }, { id: 11 }]);
      const read = 'SELECT id, name FROM public.pooled WHERE id >= $1 ORDER BY id';
      expect(await sql.query(read, [1])).toEqual(await ds.query(read, [1]));
      expect(await sql.query('DELETE FROM public.pooled WHERE id >= $1 RETURNING id', [10])).toHaveLength(2);
    });

    it('fails with the QueryFailedError the rest of the server maps to the error envelope', async () => {
      const failure = await sql.query('INSERT INTO public.pooled VALUES ($1, $2)', [1, 'again']).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(QueryFailedError);
      expect((failure as QueryFailedError).driverError).toMatchObject({ code: '23505' });
      expect((failure as QueryFailedError).query).toContain('INSERT INTO public.pooled');
    });

    it('gives the connection back after a failure, so the pool of one (embedded) keeps serving', async () => {
      await sql.query('SELECT nope FROM public.pooled').catch(() => undefined);
      await sql.query('SELECT id FROM public.pooled WHERE id = $1', ['not a number']).catch(() => undefined);
      expect(await sql.query('SELECT count(*)::int AS n FROM public.pooled')).toEqual([{ n: 2 }]);
      expect(pool.totalCount).toBe(1);
    });
  });

  describe('named prepared statements', () => {
    beforeEach(() => ds.query('DEALLOCATE ALL'));

    it('prepares each SQL text once on a connection and reuses it', async () => {
      const sql = new PooledSql(ds, 8);
      for (const id of [1, 2, 1]) expect(await sql.query('SELECT name FROM public.pooled WHERE id = $1', [id])).toHaveLength(1);
      expect(await sql.query('SELECT count(*)::int AS n FROM public.pooled')).toEqual([{ n: 2 }]);
      expect((await prepared()).map((p) => p.statement)).toEqual(
        expect.arrayContaining(['SELECT name FROM public.pooled WHERE id = $1', 'SELECT count(*)::int AS n FROM public.pooled']),
      );
      expect(await prepared()).toHaveLength(2);
    });

    it('keeps at most its bound per connection, deallocating the least recently used', async () => {
      const sql = new PooledSql(ds, 2);
      const texts = [1, 2, 3].map((n) => `SELECT ${n} AS n, name FROM public.pooled WHERE id = $1`);
      for (const text of [texts[0], texts[1], texts[0], texts[2]]) await sql.query(text, [1]);
      expect((await prepared()).map((p) => p.statement).sort()).toEqual([texts[0], texts[2]]);
      // The deallocated text is prepared again when it comes back.
      expect(await sql.query(texts[1], [2])).toEqual([{ n: 2, name: 'b' }]);
      expect(await prepared()).toHaveLength(2);
    });

    it('runs a text again after a column it returns changed type', async () => {
      const sql = new PooledSql(ds, 8);
      await ds.query('CREATE TABLE public.retyped (id int PRIMARY KEY, tag text)');
      await ds.query(`INSERT INTO public.retyped VALUES (1, 'x')`);
      const read = 'SELECT id, tag FROM public.retyped WHERE id = $1';
      expect(await sql.query(read, [1])).toEqual([{ id: 1, tag: 'x' }]);
      await ds.query(`ALTER TABLE public.retyped ALTER COLUMN tag TYPE text[] USING ARRAY[tag]`);
      expect(await sql.query(read, [1])).toEqual([{ id: 1, tag: ['x'] }]);
      expect(await sql.query(read, [1])).toEqual([{ id: 1, tag: ['x'] }]);
    });

    it('prepares again when the session lost its statements', async () => {
      const sql = new PooledSql(ds, 8);
      const read = 'SELECT name FROM public.pooled WHERE id = $1';
      await sql.query(read, [1]);
      await ds.query('DEALLOCATE ALL');
      expect(await sql.query(read, [2])).toEqual([{ name: 'b' }]);
    });

    it('works on a new connection, whether or not the session outlived the old one (PGlite: one session for all)', async () => {
      const sql = new PooledSql(ds, 8);
      const read = 'SELECT name FROM public.pooled WHERE id = $1';
      await sql.query(read, [1]);
      const client = await pool.connect();
      client.release(new Error('dropped by the test'));
      expect(await sql.query(read, [2])).toEqual([{ name: 'b' }]);
      expect(await sql.query(read, [1])).toEqual([{ name: 'a' }]);
    });

    it('gives two caches on one pool different names for different texts', async () => {
      const [one, two] = [new PooledSql(ds, 8), new PooledSql(ds, 8)];
      expect(await one.query('SELECT name FROM public.pooled WHERE id = $1', [1])).toEqual([{ name: 'a' }]);
      expect(await two.query('SELECT id FROM public.pooled WHERE name = $1', ['b'])).toEqual([{ id: 2 }]);
      expect(await prepared()).toHaveLength(2);
    });
  });
}
