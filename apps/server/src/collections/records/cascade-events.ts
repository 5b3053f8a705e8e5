import type { RecordChangedEvent } from '@basalt/contracts';
import { type CollectionSchema, isMulti, quoteIdent, tableRef } from '../schema/collection-schema.js';
import type { SchemaLookup } from '../schema/collection-schema.js';
import { rowToRecord } from './record-mapper.js';
import type { Executor } from './request-scope.js';

/** Collections with a relation field pointing at a collection (the schema registry answers this). */
export interface ReferenceLookup extends SchemaLookup {
  referencing(name: string): Array<{ schema: CollectionSchema; field: string }>;
}

/**
 * The `record.changed` events of what deleting `id` will do through single-relation foreign keys,
 * which the database does on its own and nobody would otherwise announce: rows deleted by
 * `cascade` (followed down, each row once) and rows whose field `setNull` empties. Read inside the
 * deleting transaction, before the DELETE, so the rows are exactly those the database will touch.
 */
export async function cascadeEvents(tx: Executor, registry: ReferenceLookup, schema: CollectionSchema, id: string, seen = new Set<string>()): Promise<RecordChangedEvent[]> {
  const events: RecordChangedEvent[] = [];
  for (const { schema: other, field } of registry.referencing(schema.name)) {
    const def = other.fields.find((f) => f.name === field);
    if (def?.type !== 'relation' || isMulti(def) || def.onDelete === 'restrict') continue;
    const rows: Array<Record<string, unknown>> = await tx.query(`SELECT * FROM ${tableRef(other.name)} WHERE ${quoteIdent(field)} = $1`, [id]);
    for (const row of rows) {
      const before = rowToRecord(other, row);
      const key = `${other.name}\u0000${before.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if ((def.onDelete ?? 'setNull') === 'cascade') {
        events.push({ collection: other.name, action: 'delete', before, after: null });
        events.push(...(await cascadeEvents(tx, registry, other, before.id, seen)));
      } else {
        events.push({ collection: other.name, action: 'update', before, after: { ...before, [field]: null } });
      }
    }
  }
  return events;
}
