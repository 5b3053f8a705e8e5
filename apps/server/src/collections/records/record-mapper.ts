import { createHash } from 'node:crypto';
import type { BaseRecord } from '@basalt/contracts';
import { type CollectionSchema, fieldOf } from '../schema/collection-schema.js';
import { fromColumn } from './field-values.js';

/** A row as pg returns it (`SELECT r.*`), in API shape with every field, hidden ones too. */
export function rowToRecord(schema: CollectionSchema, row: Record<string, unknown>): BaseRecord {
  const record: Record<string, unknown> = {
    id: row.id,
    createdAt: fromColumn(undefined, row.createdAt),
    updatedAt: fromColumn(undefined, row.updatedAt),
  };
  for (const f of schema.fields) record[f.name] = fromColumn(fieldOf(schema, f.name), row[f.name] ?? null);
  return record as BaseRecord;
}

/** What the caller may see: hidden fields go unless it bypasses rules; `fields=` narrows further. */
export function present(schema: CollectionSchema, record: BaseRecord, opts: { hidden: boolean; fields?: string[] }): BaseRecord {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'expand') continue;
    if (!opts.hidden && fieldOf(schema, key)?.hidden) continue;
    if (opts.fields && !opts.fields.includes(key)) continue;
    out[key] = value;
  }
  if (record.expand) out.expand = record.expand;
  return out as BaseRecord;
}

/** A strong ETag over the whole stored record: any change to any field changes it. */
export function etagOf(record: BaseRecord): string {
  const { expand: _expand, ...stored } = record;
  return `"${createHash('sha256').update(canonicalJson(stored)).digest('base64url').slice(0, 27)}"`;
}

/** JSON with object keys sorted at every depth, so equal records always hash alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
