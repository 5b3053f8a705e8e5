import { QueryFailedError } from 'typeorm';
import { openTestDatabase, type TestDatabase } from '../../collections/query/testing/test-database.js';
import { PooledSql } from './pooled-sql.js';

describe('PooledSql', () => {
  let db: TestDatabase;
  let sql: PooledSql;

  beforeAll(async () => {
    db = await openTestDatabase();
    sql = new PooledSql(db.ds);
    await db.query('CREATE TABLE app.pooled (id int PRIMARY KEY, name text NOT NULL)');
  }, 60_000);
  afterAll(() => db?.close());

  it('answers rows as DataSource.query does, for reads and for writes that return rows', async () => {
    expect(await sql.query('INSERT INTO app.pooled VALUES ($1, $2), ($3, $4) RETURNING id', [1, 'a', 2, 'b'])).toEqual([{ id: 1 }, { id: 2 }]);
    const read = 'SELECT id, name FROM app.pooled WHERE id >= $1 ORDER BY id';
    expect(await sql.query(read, [1])).toEqual(await db.ds.query(read, [1]));
  });

  it('fails with the QueryFailedError the rest of the server maps to the error envelope', async () => {
    const failure = await sql.query('INSERT INTO app.pooled VALUES ($1, $2)', [1, 'again']).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(QueryFailedError);
    expect((failure as QueryFailedError).driverError).toMatchObject({ code: '23505' });
    expect((failure as QueryFailedError).query).toContain('INSERT INTO app.pooled');
  });

  it('gives the connection back after a failure, so the pool of one (embedded) keeps serving', async () => {
    await sql.query('SELECT nope FROM app.pooled').catch(() => undefined);
    expect(await sql.query('SELECT count(*)::int AS n FROM app.pooled')).toEqual([{ n: 2 }]);
  });
});
