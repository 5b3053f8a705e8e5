import type { Pool } from 'pg';
import { type DataSource, QueryFailedError } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * One statement outside a transaction, straight on the pool the DataSource opened (the same
 * connections, the same `QueryFailedError` on failure), without the query runner TypeORM builds,
 * connects, broadcasts through and releases for every `DataSource.query`: a record read is a
 * single statement, and that runner was about a tenth of its CPU (docs/benchmarks.md, seventh round).
 * Returns the rows, whatever the command; transactions still go through the DataSource.
 */
export class PooledSql {
  private readonly pool: Pool;

  constructor(ds: DataSource) {
    this.pool = (ds.driver as PostgresDriver).master as Pool;
  }

  async query(sql: string, params?: unknown[]): Promise<any[]> {
    try {
      return (await this.pool.query(sql, params)).rows;
    } catch (e) {
      throw new QueryFailedError(sql, params, e as Error);
    }
  }
}
