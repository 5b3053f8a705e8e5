import type { Pool, PoolClient } from 'pg';
import { type DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import { StatementCache } from './statement-cache.js';

/**
 * One statement outside a transaction, straight on the pool the DataSource opened (the same
 * connections, the same `QueryFailedError` on failure), without the query runner TypeORM builds,
 * connects, broadcasts through and releases for every `DataSource.query`: a record read is a
 * single statement, and that runner was about a tenth of its CPU (docs/benchmarks.md, seventh round).
 * With a statement cache (`BASALT_DATABASE_STATEMENT_CACHE` > 0) each SQL text is a named prepared
 * statement on the connection it runs on. Returns the rows, whatever the command; transactions
 * still go through the DataSource.
 */
export class PooledSql {
  private readonly pool: Pool;
  private readonly statements?: StatementCache;

  constructor(ds: DataSource, statementsPerConnection = 0) {
    this.pool = (ds.driver as PostgresDriver).master as Pool;
    if (statementsPerConnection > 0) this.statements = new StatementCache(statementsPerConnection);
  }

  async query(sql: string, params?: unknown[]): Promise<any[]> {
    try {
      return this.statements ? await this.prepared(this.statements, sql, params) : (await this.pool.query(sql, params)).rows;
    } catch (e) {
      throw new QueryFailedError(sql, params, e as Error);
    }
  }

  /**
   * On a connection of its own for the length of the query. A failed statement leaves the session
   * usable (no transaction is open), so the connection goes back with its statements; one that
   * broke is not queryable any more, and the pool drops it on release.
   */
  private async prepared(statements: StatementCache, sql: string, params?: unknown[]): Promise<any[]> {
    const client: PoolClient = await this.pool.connect();
    // A connection that breaks while checked out emits 'error' besides failing its query; unheard, that would end the process.
    const ignore = () => undefined;
    client.on('error', ignore);
    try {
      return (await statements.query(client, sql, params)).rows;
    } finally {
      client.off('error', ignore);
      client.release();
    }
  }
}
