import type { CollectionIndex, Field, RelationField } from '@basalt/contracts';
import { AppError } from '../../common/app-error.js';
import { type CollectionSchema, isMulti, quoteIdent, tableRef } from './collection-schema.js';
import { columnType } from './column-types.js';

/**
 * The DDL for a collection's table. Runs in the same transaction as the registry change, so a
 * failure leaves nothing half-done. Identifiers come only from validated schemas and are quoted.
 */
const ON_DELETE_SQL = { cascade: 'CASCADE', setNull: 'SET NULL', restrict: 'RESTRICT' } as const;

export function createTableSql(s: CollectionSchema): string[] {
  const columns = [
    `"id" uuid PRIMARY KEY`,
    `"createdAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())`,
    `"updatedAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())`,
    ...s.fields.map(columnSql),
  ];
  return [
    `CREATE TABLE ${tableRef(s.name)} (${columns.join(', ')})`,
    ...s.fields.flatMap((f) => [...foreignKeySql(s, f), ...uniqueSql(s, f)]),
    ...s.indexes.map((ix, i) => indexSql(s, ix, i)),
  ];
}

export function dropTableSql(name: string): string[] {
  return [`DROP TABLE ${tableRef(name)}`];
}

/** The statements that turn `before` into `after` (fields matched by id), or a refusal. */
export function alterTableSql(before: CollectionSchema, after: CollectionSchema): string[] {
  const sql: string[] = [];
  const table = tableRef(after.name);
  if (before.name !== after.name) sql.push(`ALTER TABLE ${tableRef(before.name)} RENAME TO ${quoteIdent(after.name)}`);
  // Indexes are rebuilt from scratch: their names carry positions, and rebuilding is cheap next to being wrong.
  for (let i = 0; i < before.indexes.length; i++) sql.push(`DROP INDEX IF EXISTS app.${quoteIdent(indexName(before, i))}`);
  const beforeById = new Map(before.fields.map((f) => [f.id!, f]));
  const afterIds = new Set(after.fields.map((f) => f.id!));
  for (const old of before.fields) {
    if (!afterIds.has(old.id!)) sql.push(`ALTER TABLE ${table} DROP COLUMN ${quoteIdent(old.name)}`);
  }
  for (const f of after.fields) {
    const old = beforeById.get(f.id!);
    if (!old) {
      sql.push(`ALTER TABLE ${table} ADD COLUMN ${columnSql(f)}`, ...foreignKeySql(after, f), ...uniqueSql(after, f));
      continue;
    }
    if (old.name !== f.name) sql.push(`ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(old.name)} TO ${quoteIdent(f.name)}`);
    sql.push(...changeTypeSql(after, old, f));
    if (changedConstraint(old, f, 'fk')) sql.push(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${quoteIdent(fkName(after, old))}`, ...foreignKeySql(after, f));
    if (changedConstraint(old, f, 'unique')) sql.push(`DROP INDEX IF EXISTS app.${quoteIdent(uniqueName(after, old))}`, ...uniqueSql(after, f));
    if (JSON.stringify(old.default) !== JSON.stringify(f.default)) {
      sql.push(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(f.name)} ${f.default === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${sqlLiteral(f, f.default)}`}`);
    }
  }
  sql.push(...after.indexes.map((ix, i) => indexSql(after, ix, i)));
  return sql;
}

function columnSql(f: Field): string {
  const def = f.default === undefined ? '' : ` DEFAULT ${sqlLiteral(f, f.default)}`;
  return `${quoteIdent(f.name)} ${columnType(f)}${def}`;
}

/** Constraint names use the field id, so they survive renames. */
function fkName(s: CollectionSchema, f: Field): string {
  return `fk_${s.id.slice(-12)}_${f.id}`;
}

function uniqueName(s: CollectionSchema, f: Field): string {
  return `uq_${s.id.slice(-12)}_${f.id}`;
}

function indexName(s: CollectionSchema, i: number): string {
  return `ix_${s.id.slice(-12)}_${i}`;
}

function foreignKeySql(s: CollectionSchema, f: Field): string[] {
  if (f.type !== 'relation' || isMulti(f)) return [];
  const onDelete = ON_DELETE_SQL[(f as RelationField).onDelete ?? 'setNull'];
  return [
    `ALTER TABLE ${tableRef(s.name)} ADD CONSTRAINT ${quoteIdent(fkName(s, f))} FOREIGN KEY (${quoteIdent(f.name)}) REFERENCES ${tableRef(f.collection)} ("id") ON DELETE ${onDelete}`,
  ];
}

function uniqueSql(s: CollectionSchema, f: Field): string[] {
  return f.unique ? [`CREATE UNIQUE INDEX ${quoteIdent(uniqueName(s, f))} ON ${tableRef(s.name)} (${quoteIdent(f.name)})`] : [];
}

function indexSql(s: CollectionSchema, ix: CollectionIndex, i: number): string {
  const cols = ix.fields.map((name) => quoteIdent(name)).join(', ');
  return `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(indexName(s, i))} ON ${tableRef(s.name)} (${cols})`;
}

function changedConstraint(a: Field, b: Field, kind: 'fk' | 'unique'): boolean {
  if (kind === 'unique') return Boolean(a.unique) !== Boolean(b.unique);
  const key = (f: Field) => (f.type === 'relation' && !isMulti(f) ? `${f.collection}:${f.onDelete ?? 'setNull'}` : '');
  return key(a) !== key(b);
}

/**
 * Type changes that keep every value: a single value becoming a list, text-like types among each
 * other, a stricter or looser number. Anything that could lose or mangle data is refused.
 */
function changeTypeSql(s: CollectionSchema, old: Field, f: Field): string[] {
  const [from, to] = [columnType(old), columnType(f)];
  const column = quoteIdent(f.name);
  const table = tableRef(s.name);
  if (old.type !== f.type && !(TEXTLIKE.has(old.type) && TEXTLIKE.has(f.type))) throw typeChange(f, old.type, f.type);
  if (old.type === 'relation' && f.type === 'relation' && old.collection !== f.collection) {
    throw new AppError('validation_failed', `${f.name}: a relation cannot be pointed at another collection`, { [f.name]: 'cannot change the related collection' });
  }
  if (from === to) return [];
  if (`${from}[]` === to) return [`ALTER TABLE ${table} ALTER COLUMN ${column} TYPE ${to} USING CASE WHEN ${column} IS NULL THEN '{}' ELSE ARRAY[${column}] END`];
  throw typeChange(f, isMulti(old) ? `multiple ${old.type}` : old.type, isMulti(f) ? `multiple ${f.type}` : f.type);
}

const TEXTLIKE = new Set<Field['type']>(['text', 'email', 'url']);

function typeChange(f: Field, from: string, to: string): AppError {
  return new AppError('validation_failed', `${f.name}: changing ${from} to ${to} could lose data; add a new field and copy the values instead`, {
    [f.name]: `cannot change ${from} to ${to}`,
  });
}

/** A default as a SQL literal. Values were validated against the field, so only these shapes arrive. */
export function sqlLiteral(f: Field, value: unknown): string {
  if (value === null) return 'NULL';
  if (f.type === 'json') return `${quoteString(JSON.stringify(value))}::jsonb`;
  if (Array.isArray(value)) return `${quoteString(`{${value.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`)}::${columnType(f)}`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return `${quoteString(value)}::${columnType(f)}`;
  throw new Error(`cannot render default ${JSON.stringify(value)}`);
}

function quoteString(s: string): string {
  if (s.includes('\0')) throw new AppError('validation_failed', 'default: must not contain NUL', { default: 'must not contain NUL' });
  return `'${s.replace(/'/g, "''")}'`;
}
