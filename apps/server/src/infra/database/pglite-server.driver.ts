import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { DataSourceOptions } from 'typeorm';
import { DatabaseServer } from './database.port.js';
import { DataDirLock } from './data-dir-lock.js';

/**
 * Embedded Postgres: PGlite in the data dir, served in-process over the Postgres wire protocol on a
 * private unix socket. PGlite is one session, so the pool holds one connection: concurrent
 * transactions queue behind each other instead of interleaving in the same session.
 */
export class PgliteServer extends DatabaseServer {
  readonly driver = 'pglite';
  private db?: PGlite;
  private socket?: PGLiteSocketServer;
  private socketDir?: string;
  private lock?: DataDirLock;

  constructor(private readonly dir: string) {
    super();
  }

  async open(): Promise<DataSourceOptions> {
    mkdirSync(this.dir, { recursive: true });
    this.lock = DataDirLock.acquire(this.dir);
    this.db = await PGlite.create(join(this.dir, 'pgdata'));
    this.socketDir = mkdtempSync(join(tmpdir(), 'basalt-pg-'));
    // Spare connections let a dropped client reconnect; the pool of one keeps usage to one at a time.
    this.socket = new PGLiteSocketServer({ db: this.db, path: join(this.socketDir, '.s.PGSQL.5432'), maxConnections: 4 });
    await this.socket.start();
    return {
      type: 'postgres',
      host: this.socketDir,
      port: 5432,
      username: 'postgres',
      database: 'postgres',
      poolSize: 1,
      // The in-process connection costs nothing to keep, and a new one would find the session's
      // prepared statements made by its predecessor (PGlite is one session for every connection).
      extra: { max: 1, idleTimeoutMillis: 0 },
    };
  }

  async close(): Promise<void> {
    await this.socket?.stop();
    await this.db?.close();
    if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true });
    this.lock?.release();
  }
}
