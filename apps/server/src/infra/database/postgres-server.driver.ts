import type { DataSourceOptions } from 'typeorm';
import { DatabaseServer } from './database.port.js';

/** An external PostgreSQL; nothing runs in-process. */
export class PostgresServer extends DatabaseServer {
  readonly driver = 'postgres';

  constructor(
    private readonly url: string,
    private readonly poolSize = 10,
  ) {
    super();
  }

  async open(): Promise<DataSourceOptions> {
    return {
      type: 'postgres',
      url: this.url,
      poolSize: this.poolSize,
      extra: { max: this.poolSize, connectionTimeoutMillis: 5000 },
    };
  }

  async close(): Promise<void> {}
}
