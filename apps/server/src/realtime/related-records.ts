import type { BaseRecord } from '@basalt/contracts';
import type { DataSource } from 'typeorm';
import type { RelatedRecords } from '../collections/query/memory-filter.js';
import { rowToRecord } from '../collections/records/record-mapper.js';
import { type CollectionSchema, fieldOf, type SchemaLookup, tableRef } from '../collections/schema/collection-schema.js';

/**
 * The records that single relation fields point to, loaded from the database for the rules and
 * filters that follow a relation (`author.name = ...`), which the event alone cannot answer.
 * One loader per event: every subscription judging the same record shares the reads.
 */
export class RelatedRecordsLoader {
  private readonly cache = new Map<string, Promise<BaseRecord | null>>();

  constructor(
    private readonly ds: DataSource,
    private readonly schemas: SchemaLookup,
    private readonly schema: CollectionSchema,
  ) {}

  /** Loads what `fields` of `record` point to and answers for them synchronously, as evaluateFilter needs. */
  async load(record: BaseRecord | null, fields: string[]): Promise<RelatedRecords> {
    const found = new Map<string, BaseRecord | null>();
    if (record) for (const field of fields) found.set(field, await this.target(record, field));
    return (field) => found.get(field) ?? null;
  }

  private target(record: BaseRecord, field: string): Promise<BaseRecord | null> {
    const def = fieldOf(this.schema, field);
    const id = record[field];
    if (def?.type !== 'relation' || typeof id !== 'string') return Promise.resolve(null);
    const key = `${def.collection}\u0000${id}`;
    let hit = this.cache.get(key);
    if (!hit) {
      const target = this.schemas.get(def.collection);
      hit = target
        ? this.ds.query(`SELECT * FROM ${tableRef(target.name)} WHERE "id" = $1`, [id]).then((rows: Array<Record<string, unknown>>) => (rows[0] ? rowToRecord(target, rows[0]) : null))
        : Promise.resolve(null);
      this.cache.set(key, hit);
    }
    return hit;
  }
}
