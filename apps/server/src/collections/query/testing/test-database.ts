import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { PgliteServer } from '../../../infra/database/pglite-server.driver.js';
import { quoteIdent, tableRef, type CollectionSchema } from '../../schema/collection-schema.js';
import { columnType } from '../../schema/column-types.js';

/** A real (embedded) Postgres for the query engine's specs, on a fresh temporary data dir. */
export interface TestDatabase {
  ds: DataSource;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'basalt-query-'));
  const server = new PgliteServer(dir);
  let ds: DataSource | undefined;
  const close = async () => {
    try {
      if (ds?.isInitialized) await ds.destroy();
      await server.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    const options = await server.open();
    ds = await new DataSource({ ...options, entities: [], migrations: [] } as DataSourceOptions).initialize();
    await ds.query('CREATE SCHEMA IF NOT EXISTS app');
    const opened = ds;
    return { ds: opened, query: (sql, params) => opened.query(sql, params), close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** The table a collection gets: id, createdAt, updatedAt, then one column per field (no constraints). */
export async function createCollectionTable(db: TestDatabase, schema: CollectionSchema): Promise<void> {
  const columns = [
    '"id" uuid PRIMARY KEY',
    '"createdAt" timestamptz NOT NULL',
    '"updatedAt" timestamptz NOT NULL',
    ...schema.fields.map((field) => `${quoteIdent(field.name)} ${columnType(field)}`),
  ];
  await db.query(`CREATE TABLE ${tableRef(schema.name)} (${columns.join(', ')})`);
}

/** Inserts API-shaped records (missing keys are NULL); json values are sent as JSON text. */
export async function insertRecords(db: TestDatabase, schema: CollectionSchema, records: Array<Record<string, unknown>>): Promise<void> {
  const names = ['id', 'createdAt', 'updatedAt', ...schema.fields.map((field) => field.name)];
  const json = new Set(schema.fields.filter((field) => field.type === 'json').map((field) => field.name));
  for (const record of records) {
    const values = names.map((name) => {
      const value = record[name] ?? null;
      return json.has(name) && value !== null ? JSON.stringify(value) : value;
    });
    const placeholders = names.map((_, i) => `$${i + 1}`).join(', ');
    await db.query(`INSERT INTO ${tableRef(schema.name)} (${names.map(quoteIdent).join(', ')}) VALUES (${placeholders})`, values);
  }
}
