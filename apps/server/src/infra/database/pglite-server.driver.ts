import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { DataSourceOptions } from 'typeorm';
import { DatabaseServer } from './database.port.js';
import { DataDirLock } from './data-dir-lock.js';
import { PgliteWire } from './pglite-wire.js';

/**
 * Embedded Postgres: PGlite in the data dir, reached in-process over the Postgres wire protocol
 * (node-postgres is handed a stream per connection instead of a socket: `PgliteWire`). PGlite is
 * one session, so the pool holds one connection: concurrent transactions queue behind each other
 * instead of interleaving in the same session.
 */
export class PgliteServer extends DatabaseServer {
  readonly driver = 'pglite';
  private db?: PGlite;
  private wire?: PgliteWire;
  private lock?: DataDirLock;

  constructor(private readonly dir: string) {
    super();
  }

  async open(): Promise<DataSourceOptions> {
    mkdirSync(this.dir, { recursive: true });
    this.lock = DataDirLock.acquire(this.dir);
    this.db = await PGlite.create(join(this.dir, 'pgdata'));
    const wire = (this.wire = new PgliteWire(this.db));
    return {
      type: 'postgres',
      username: 'postgres',
      database: 'postgres',
      poolSize: 1,
      // The in-process connection costs nothing to keep, and a new one would find the session's
      // prepared statements made by its predecessor (PGlite is one session for every connection).
      extra: { max: 1, idleTimeoutMillis: 0, stream: () => wire.connect() },
    };
  }

  async close(): Promise<void> {
    this.wire?.close();
    await this.db?.close();
    this.lock?.release();
  }
}
