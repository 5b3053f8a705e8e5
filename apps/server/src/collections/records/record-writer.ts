import type { BaseRecord, Field, RecordChangedEvent } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { AppError, Errors } from '../../common/app-error.js';
import { uuidv7 } from '../../common/ids.js';
import { SqlParams } from '../query/filter-context.js';
import { type CollectionSchema, isMulti, quoteIdent, tableRef } from '../schema/collection-schema.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { cascadeEvents } from './cascade-events.js';
import { toColumn } from './field-values.js';
import { type FileFieldClaim, FileFieldGuard } from './file-field-guard.js';
import { accessFor } from './record-access.js';
import { checkRecordInput } from './record-input.js';
import { etagOf, rowToRecord } from './record-mapper.js';
import { RecordReader } from './record-reader.js';
import type { Executor, RequestScope } from './request-scope.js';

/** What one write did: the stored record (or null after a delete) and the event to publish after commit. */
export interface WriteResult {
  record: BaseRecord | null;
  event: RecordChangedEvent;
  /** What a delete did through foreign keys (cascaded deletes, relations set to null), published with it. */
  cascaded?: RecordChangedEvent[];
}

/**
 * Creates, updates and deletes records inside the caller's transaction, judging rules on the
 * result: a write that would leave the record outside the rule is undone with the transaction.
 */
@Injectable()
export class RecordWriter {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly reader: RecordReader,
    private readonly files: FileFieldGuard,
  ) {}

  async create(tx: Executor, scope: RequestScope, schema: CollectionSchema, body: unknown): Promise<WriteResult> {
    const access = accessFor(scope.principal, schema, 'create');
    const input = checkRecordInput(schema, body, 'create', scope.hidden);
    await this.checkMultiRelations(tx, input.values);
    const id = input.id ?? uuidv7();
    await this.claimFiles(tx, scope, schema, id, input.values, null);
    const record = await this.insert(tx, schema, id, input.values);
    if (!(await this.reader.satisfies(tx, scope, schema, record.id, access, body as Record<string, unknown>))) {
      throw Errors.forbidden(`the create rule of ${schema.name} does not allow this record`);
    }
    return { record, event: { collection: schema.name, action: 'create', before: null, after: record } };
  }

  /**
   * The same create as a single INSERT, for a caller whose create rule holds without a query: when
   * the record also has no relation list to check and no file to claim, the INSERT is all its
   * transaction would hold, so it needs none (no BEGIN and COMMIT round trips). Null when it does.
   */
  async createAlone(db: Executor, scope: RequestScope, schema: CollectionSchema, body: unknown): Promise<WriteResult | null> {
    const input = checkRecordInput(schema, body, 'create', scope.hidden);
    for (const [field, value] of input.values) {
      if (field.type === 'file' || (field.type === 'relation' && isMulti(field) && Array.isArray(value) && value.length > 0)) return null;
    }
    const record = await this.insert(db, schema, input.id ?? uuidv7(), input.values);
    return { record, event: { collection: schema.name, action: 'create', before: null, after: record } };
  }

  private async insert(db: Executor, schema: CollectionSchema, id: string, values: Map<Field, unknown>): Promise<BaseRecord> {
    const params = new SqlParams();
    const columns = ['"id"'];
    const placeholders = [params.add(id)];
    for (const [field, value] of values) {
      columns.push(quoteIdent(field.name));
      placeholders.push(params.add(toColumn(field, value)));
    }
    const [row] = await db.query(`INSERT INTO ${tableRef(schema.name)} (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING *`, params.values);
    return rowToRecord(schema, row);
  }

  async update(tx: Executor, scope: RequestScope, schema: CollectionSchema, id: string, body: unknown, ifMatch?: string): Promise<WriteResult> {
    const before = await this.lockVisible(tx, scope, schema, id, 'update');
    const access = accessFor(scope.principal, schema, 'update');
    if (!(await this.reader.satisfies(tx, scope, schema, id, access, body as Record<string, unknown>))) {
      throw Errors.forbidden(`the update rule of ${schema.name} does not allow changing this record`);
    }
    assertMatches(before, ifMatch);
    const input = checkRecordInput(schema, body, 'update', scope.hidden);
    await this.checkMultiRelations(tx, input.values);
    await this.claimFiles(tx, scope, schema, id, input.values, before);
    const params = new SqlParams();
    const idParam = params.add(id);
    const sets = [`"updatedAt" = GREATEST(date_trunc('milliseconds', clock_timestamp()), "updatedAt" + interval '1 millisecond')`];
    for (const [field, value] of input.values) sets.push(`${quoteIdent(field.name)} = ${params.add(toColumn(field, value))}`);
    // TypeORM answers an UPDATE with [rows, affectedCount].
    const [[row]] = await tx.query(`UPDATE ${tableRef(schema.name)} SET ${sets.join(', ')} WHERE "id" = ${idParam} RETURNING *`, params.values);
    const record = rowToRecord(schema, row);
    // Judged again on the result, so an update cannot move a record out of the caller's reach.
    if (!(await this.reader.satisfies(tx, scope, schema, id, access, body as Record<string, unknown>))) {
      throw Errors.forbidden(`the update rule of ${schema.name} does not allow the record this change would make`);
    }
    return { record, event: { collection: schema.name, action: 'update', before, after: record } };
  }

  async delete(tx: Executor, scope: RequestScope, schema: CollectionSchema, id: string, ifMatch?: string): Promise<WriteResult> {
    const before = await this.lockVisible(tx, scope, schema, id, 'delete');
    const access = accessFor(scope.principal, schema, 'delete');
    if (!(await this.reader.satisfies(tx, scope, schema, id, access, {}))) {
      throw Errors.forbidden(`the delete rule of ${schema.name} does not allow deleting this record`);
    }
    assertMatches(before, ifMatch);
    await this.detachMultiReferences(tx, schema, id);
    const cascaded = await cascadeEvents(tx, this.registry, schema, id);
    await tx.query(`DELETE FROM ${tableRef(schema.name)} WHERE "id" = $1`, [id]);
    return { record: null, event: { collection: schema.name, action: 'delete', before, after: null }, cascaded };
  }

  /**
   * The record for writing, locked; one the caller may not view does not exist for it (404).
   * Rule-bypassing callers need only the write's own scope (a records:write key need not also read).
   */
  private async lockVisible(tx: Executor, scope: RequestScope, schema: CollectionSchema, id: string, action: 'update' | 'delete'): Promise<BaseRecord> {
    const view = scope.principal.kind === 'apiKey' ? accessFor(scope.principal, schema, action) : accessFor(scope.principal, schema, 'view');
    const record = await this.reader.findVisible(tx, scope, schema, id, view, true);
    if (!record) throw Errors.notFound('record');
    return record;
  }

  /** Multi relations have no foreign key: check that every id exists. */
  private async checkMultiRelations(tx: Executor, values: Map<Field, unknown>): Promise<void> {
    const problems: Record<string, string> = {};
    for (const [field, value] of values) {
      if (field.type !== 'relation' || !isMulti(field) || !Array.isArray(value) || value.length === 0) continue;
      const rows: Array<{ id: string }> = await tx.query(`SELECT "id" FROM ${tableRef(field.collection)} WHERE "id" = ANY($1::uuid[])`, [value]);
      const found = new Set(rows.map((r) => r.id));
      const missing = value.filter((v) => !found.has(v as string));
      if (missing.length) problems[field.name] = `no record with id ${missing[0]}`;
    }
    if (Object.keys(problems).length) throw Errors.validation(problems);
  }

  /**
   * File fields may hold only files of their bucket the caller may read and no other record owns;
   * taking one attaches it to this record. Ids the record already held are not judged again.
   */
  private async claimFiles(tx: Executor, scope: RequestScope, schema: CollectionSchema, id: string, values: Map<Field, unknown>, before: BaseRecord | null): Promise<void> {
    const fields: FileFieldClaim[] = [];
    for (const [field, value] of values) {
      if (field.type !== 'file') continue;
      // Held by any file field of this record on the same bucket (moving a file between fields is fine).
      const held = new Set(schema.fields.flatMap((f) => (f.type === 'file' && f.bucket === field.bucket ? [before?.[f.name]].flat() : [])));
      const ids = [value].flat().filter((v): v is string => typeof v === 'string' && !held.has(v));
      fields.push({ fieldId: field.id ?? field.name, field: field.name, bucket: field.bucket, ids });
    }
    await this.files.claim(tx, scope.principal, scope.auth, { collectionId: schema.id, recordId: id }, fields);
  }

  /**
   * Multi relations pointing at a deleted record: `restrict` refuses the delete, otherwise the id is
   * removed from the lists (single relations are handled by their foreign keys).
   */
  private async detachMultiReferences(tx: Executor, schema: CollectionSchema, id: string): Promise<void> {
    for (const { schema: other, field } of this.registry.referencing(schema.name)) {
      const def = other.fields.find((f) => f.name === field)!;
      if (def.type !== 'relation' || !isMulti(def)) continue;
      const column = quoteIdent(field);
      if (def.onDelete === 'restrict') {
        const rows = await tx.query(`SELECT 1 FROM ${tableRef(other.name)} WHERE $1::uuid = ANY(${column}) LIMIT 1`, [id]);
        if (rows.length) throw new AppError('conflict', `${other.name}.${field} still points at this record`);
      } else {
        await tx.query(`UPDATE ${tableRef(other.name)} SET ${column} = array_remove(${column}, $1::uuid) WHERE $1::uuid = ANY(${column})`, [id]);
      }
    }
  }
}

function assertMatches(record: BaseRecord, ifMatch?: string): void {
  if (ifMatch === undefined || ifMatch === '*') return;
  const tags = ifMatch.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(etagOf(record))) throw Errors.conflict('the record changed since you read it (If-Match does not match its ETag)');
}
