import { hash } from 'node:crypto';
import type { BaseRecord } from '@basalt/contracts';
import { type CollectionSchema, isMulti, quoteIdent } from '../schema/collection-schema.js';
import { fromColumn } from './field-values.js';

/**
 * The select list of a record read, for a table aliased `r`: every column `rowToRecord` reads, with
 * `createdAt` and `updatedAt` formatted as the API's ISO text by Postgres. pg would parse each into
 * a Date and the API turn it back into text: ~10 % of a list's CPU. Both are stored truncated to
 * milliseconds (see cursor.ts), so `MS` loses nothing. Kept per schema object (the registry builds
 * a new one on every change, so this never goes stale).
 */
export function recordColumns(schema: CollectionSchema): string {
  let sql = columnsBySchema.get(schema);
  if (sql === undefined) {
    const iso = (column: string) => `to_char(r.${quoteIdent(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ${quoteIdent(column)}`;
    sql = ['r."id"', iso('createdAt'), iso('updatedAt'), ...schema.fields.map((f) => `r.${quoteIdent(f.name)}`)].join(', ');
    columnsBySchema.set(schema, sql);
  }
  return sql;
}

const columnsBySchema = new WeakMap<CollectionSchema, string>();

/**
 * A row selected with `recordColumns`, made the record in place: it holds exactly the record's keys,
 * in the record's order, and only date fields and empty multi-value fields need changing. A list
 * then makes one object per record, not three (row, record, presented record).
 */
export function rowAsRecord(schema: CollectionSchema, row: Record<string, unknown>): BaseRecord {
  for (const f of schema.fields) {
    const value = row[f.name];
    if (value instanceof Date || (value === null && isMulti(f))) row[f.name] = fromColumn(f, value);
  }
  return row as BaseRecord;
}

/** A row as pg returns it (`SELECT *`, maybe with columns that are not fields), in API shape with every field, hidden ones too. */
export function rowToRecord(schema: CollectionSchema, row: Record<string, unknown>): BaseRecord {
  const record: Record<string, unknown> = {
    id: row.id,
    createdAt: fromColumn(undefined, row.createdAt),
    updatedAt: fromColumn(undefined, row.updatedAt),
  };
  for (const f of schema.fields) record[f.name] = fromColumn(f, row[f.name] ?? null);
  return record as BaseRecord;
}

/** What the caller may see: hidden fields go unless it bypasses rules; `fields=` narrows further. */
export function present(schema: CollectionSchema, record: BaseRecord, opts: { hidden: boolean; fields?: string[] }): BaseRecord {
  const hidden = opts.hidden ? NONE : hiddenFieldsOf(schema);
  // Nothing to leave out: the record as it is (records are made per request and never changed after).
  if (hidden.size === 0 && !opts.fields && !record.expand) return record;
  const out: Record<string, unknown> = {};
  for (const key in record) {
    if (key === 'expand' || hidden.has(key)) continue;
    if (opts.fields && !opts.fields.includes(key)) continue;
    out[key] = record[key];
  }
  if (record.expand) out.expand = record.expand;
  return out as BaseRecord;
}

const NONE: ReadonlySet<string> = new Set();
/** Per schema object: the registry builds a new one on every change, so this never goes stale. */
const hiddenBySchema = new WeakMap<CollectionSchema, ReadonlySet<string>>();

/** The names of a schema's hidden fields, worked out once (present runs for every record sent). */
function hiddenFieldsOf(schema: CollectionSchema): ReadonlySet<string> {
  let names = hiddenBySchema.get(schema);
  if (!names) {
    names = new Set(schema.fields.filter((f) => f.hidden).map((f) => f.name));
    hiddenBySchema.set(schema, names);
  }
  return names;
}

/** A strong ETag over the whole stored record: any change to any field changes it. */
export function etagOf(record: BaseRecord): string {
  const { expand: _expand, ...stored } = record;
  return `"${hash('sha256', canonicalJson(stored), 'base64url').slice(0, 27)}"`;
}

/** JSON with object keys sorted at every depth, so equal records always hash alike. */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Loops, not map/join: every record read hashes its record (with the one-shot hash, ~4-5 us down
  // to under 3 us for a ten-field record).
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  const keys = Object.keys(value).sort();
  out = '{';
  for (let i = 0; i < keys.length; i++) out += (i ? ',' : '') + JSON.stringify(keys[i]) + ':' + canonicalJson((value as Record<string, unknown>)[keys[i]!]);
  return out + '}';
}
