import type { Logger } from 'pino';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { DatabaseServer } from '../infra/database/database.port.js';
import { runMigrations } from '../infra/database/migrate.js';
import { PgliteServer } from '../infra/database/pglite-server.driver.js';
import { PostgresServer } from '../infra/database/postgres-server.driver.js';

/** A failure at boot that names the setting to fix; the CLI prints it as one line and exits 1. */
export class BootError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
  }
}

export function databaseServerFor(config: AppConfig): DatabaseServer {
  return config.db.driver === 'pglite' ? new PgliteServer(config.db.dir) : new PostgresServer(config.db.url);
}

/** Starts (or reaches) the database and applies system migrations; unreachable means a BootError. */
export async function openDatabase(config: AppConfig, log: Logger): Promise<{ server: DatabaseServer; options: DataSourceOptions }> {
  const server = databaseServerFor(config);
  const variable = config.db.driver === 'postgres' ? 'BASALT_DATABASE_URL' : 'BASALT_DATA_DIR';
  try {
    const options = await server.open();
    const applied = await runMigrations(options);
    if (applied.length) log.info({ migrations: applied }, 'applied system migrations');
    return { server, options };
  } catch (e) {
    await server.close().catch(() => undefined);
    if (e instanceof Error && e.message.startsWith(`${variable}:`)) throw new BootError(variable, e.message.slice(variable.length + 2));
    throw new BootError(variable, `cannot open the database: ${describe(e)}`);
  }
}

export function describe(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length) return describe(e.errors[0]);
  if (e instanceof Error) return (e as NodeJS.ErrnoException).code ? `${(e as NodeJS.ErrnoException).code} ${e.message}` : e.message;
  return String(e);
}
