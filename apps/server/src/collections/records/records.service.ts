import type { BaseRecord, BatchMethod, Principal, RecordChangedEvent, RecordList } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { Errors } from '../../common/app-error.js';
import { PooledSql } from '../../infra/database/pooled-sql.js';
import { EventBus } from '../../infra/events/event-bus.port.js';
import { type CollectionSchema, SYSTEM_COLUMNS } from '../schema/collection-schema.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { accessFor, holdsWithoutQuery } from './record-access.js';
import { writeError } from './record-input.js';
import { etagOf, present } from './record-mapper.js';
import { type ListQuery, RecordReader } from './record-reader.js';
import { type WriteResult, RecordWriter } from './record-writer.js';
import { authValuesFor, authValuesOf, type Executor, RequestScope } from './request-scope.js';
import { RuleCache } from './rule-cache.js';

export interface ShapeOptions {
  fields?: string[];
  expand?: string[];
}

export interface WriteRequest {
  method: BatchMethod;
  id?: string;
  body?: unknown;
  ifMatch?: string;
}

/** One transaction's writes: events wait until it commits. */
export interface Tx {
  em: EntityManager;
  events: RecordChangedEvent[];
  /** Work that must only happen once the transaction has committed (e.g. announcing revoked sessions). */
  afterCommit: Array<() => Promise<void>>;
}

/** The records API: each call is one caller, one transaction for writes, events after commit. */
@Injectable()
export class RecordsService {
  constructor(
    private readonly ds: DataSource,
    /** Reads and lone creates: one statement each, no transaction. */
    private readonly sql: PooledSql,
    private readonly registry: SchemaRegistry,
    private readonly reader: RecordReader,
    private readonly writer: RecordWriter,
    private readonly events: EventBus,
    private readonly rules: RuleCache,
  ) {}

  /**
   * The caller for one request. With `sources` (every rule and filter the request will judge), the
   * user's record is read only if one of them needs more of it than the principal carries.
   */
  async scope(principal: Principal, db: Executor = this.sql, sources?: ReadonlyArray<string | null | undefined>): Promise<RequestScope> {
    const auth = sources && !this.rules.needsAuthRecord(sources) ? authValuesOf(principal) : await authValuesFor(principal, db);
    return new RequestScope(principal, auth);
  }

  collection(name: string): CollectionSchema {
    const s = this.registry.get(name);
    if (!s) throw Errors.notFound(`collection ${name}`);
    return s;
  }

  /**
   * Reads plan their SQL from the registry's schema, which lags a schema change made on another node
   * by the event's trip (a dropped column is then still selected): such a read reloads the registry
   * and is planned again, instead of failing.
   */
  private async withCurrentSchema<T>(name: string, read: (schema: CollectionSchema) => Promise<T>): Promise<T> {
    try {
      return await read(this.collection(name));
    } catch (e) {
      if (!isStaleSchemaError(e)) throw e;
      await this.registry.reload();
      return read(this.collection(name));
    }
  }

  list(principal: Principal, name: string, q: ListQuery, shape: ShapeOptions): Promise<RecordList> {
    return this.withCurrentSchema(name, (schema) => this.listOf(principal, schema, q, shape));
  }

  get(principal: Principal, name: string, id: string, shape: ShapeOptions): Promise<{ record: BaseRecord; etag: string }> {
    return this.withCurrentSchema(name, (schema) => this.getOf(principal, schema, id, shape));
  }

  private async listOf(principal: Principal, schema: CollectionSchema, q: ListQuery, shape: ShapeOptions): Promise<RecordList> {
    // Expanded collections judge their own view rules with this scope: then the full record is read.
    const scope = await this.scope(principal, this.sql, shape.expand?.length ? undefined : [schema.rules.list, q.filter]);
    checkFieldsParam(schema, shape.fields, scope.hidden);
    const page = await this.reader.list(this.sql, scope, schema, q);
    if (shape.expand?.length) await this.reader.expand(this.sql, scope, schema, page.items, shape.expand);
    return { ...page, items: page.items.map((r) => this.shape(schema, r, scope, shape)) };
  }

  private async getOf(principal: Principal, schema: CollectionSchema, id: string, shape: ShapeOptions): Promise<{ record: BaseRecord; etag: string }> {
    const scope = await this.scope(principal, this.sql, shape.expand?.length ? undefined : [schema.rules.view]);
    checkFieldsParam(schema, shape.fields, scope.hidden);
    const record = await this.reader.findVisible(this.sql, scope, schema, id, accessFor(principal, schema, 'view'));
    if (!record) throw Errors.notFound('record');
    const etag = etagOf(record);
    if (shape.expand?.length) await this.reader.expand(this.sql, scope, schema, [record], shape.expand);
    return { record: this.shape(schema, record, scope, shape), etag };
  }

  async create(principal: Principal, name: string, body: unknown): Promise<{ record: BaseRecord; etag: string }> {
    return this.single(principal, name, { method: 'POST', body });
  }

  async update(principal: Principal, name: string, id: string, body: unknown, ifMatch?: string): Promise<{ record: BaseRecord; etag: string }> {
    return this.single(principal, name, { method: 'PATCH', id, body, ifMatch });
  }

  async delete(principal: Principal, name: string, id: string, ifMatch?: string): Promise<void> {
    await this.single(principal, name, { method: 'DELETE', id, ifMatch });
  }

  /** Runs `work` in one transaction and publishes its events after the commit. */
  async transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const tx: Omit<Tx, 'em'> = { events: [], afterCommit: [] };
    const result = await this.ds.transaction((em) => work({ ...tx, em }));
    for (const event of tx.events) await this.events.publish('record.changed', event);
    for (const task of tx.afterCommit) await task();
    return result;
  }

  /** One write, whether a plain call or a batch sub-request runs it: same checks, same errors. */
  async write(tx: Tx, scope: RequestScope, schema: CollectionSchema, w: WriteRequest): Promise<WriteResult> {
    try {
      const result =
        w.method === 'POST'
          ? await this.writer.create(tx.em, scope, schema, w.body ?? {})
          : w.method === 'PATCH'
            ? await this.writer.update(tx.em, scope, schema, w.id!, w.body ?? {}, w.ifMatch)
            : await this.writer.delete(tx.em, scope, schema, w.id!, w.ifMatch);
      tx.events.push(result.event, ...(result.cascaded ?? []));
      return result;
    } catch (e) {
      throw writeError(e, schema) ?? e;
    }
  }

  shape(schema: CollectionSchema, record: BaseRecord, scope: RequestScope, shape: ShapeOptions = {}): BaseRecord {
    const out = present(schema, record, { hidden: scope.hidden, fields: shape.fields });
    if (out.expand) {
      for (const [field, value] of Object.entries(out.expand)) {
        const target = this.registry.get((schema.fields.find((f) => f.name === field) as { collection: string }).collection)!;
        out.expand[field] = Array.isArray(value) ? value.map((v) => this.shape(target, v, scope)) : value && this.shape(target, value, scope);
      }
    }
    return out;
  }

  private async single(principal: Principal, name: string, w: WriteRequest): Promise<{ record: BaseRecord; etag: string }> {
    const schema = this.collection(name);
    if (w.method === 'POST' && holdsWithoutQuery(accessFor(principal, schema, 'create'))) {
      const created = await this.createAlone(principal, schema, w.body);
      if (created) return created;
    }
    return this.transaction(async (tx) => {
      const scope = await this.scope(principal, tx.em);
      const { record } = await this.write(tx, scope, schema, w);
      return { record: record && this.shape(schema, record, scope), etag: record ? etagOf(record) : '' } as { record: BaseRecord; etag: string };
    });
  }

  /** A create that needs no transaction (see RecordWriter.createAlone): one INSERT, then its event. */
  private async createAlone(principal: Principal, schema: CollectionSchema, body: unknown): Promise<{ record: BaseRecord; etag: string } | null> {
    const scope = await this.scope(principal, this.sql, [schema.rules.create]);
    let result: WriteResult | null;
    try {
      result = await this.writer.createAlone(this.sql, scope, schema, body);
    } catch (e) {
      throw writeError(e, schema) ?? e;
    }
    if (!result) return null;
    await this.events.publish('record.changed', result.event);
    return { record: this.shape(schema, result.record!, scope), etag: etagOf(result.record!) };
  }
}

function checkFieldsParam(schema: CollectionSchema, fields: string[] | undefined, hidden: boolean): void {
  if (!fields) return;
  const known = new Set<string>([...SYSTEM_COLUMNS, 'expand', ...schema.fields.filter((f) => hidden || !f.hidden).map((f) => f.name)]);
  const unknown = fields.filter((f) => !known.has(f));
  if (unknown.length) throw Errors.validation({ fields: `${unknown[0]} is not a field of ${schema.name}` });
}

/** Postgres: a column or table the query names does not exist (any more). */
function isStaleSchemaError(e: unknown): boolean {
  const code = e instanceof QueryFailedError ? (e.driverError as { code?: string })?.code : undefined;
  return code === '42703' || code === '42P01';
}
