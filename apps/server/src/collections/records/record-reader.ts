import type { BaseRecord, RecordList } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { AppError, Errors } from '../../common/app-error.js';
import { compileFilter } from '../query/sql-filter.js';
import { SqlParams } from '../query/filter-context.js';
import { compileSort, orderBySql } from '../query/sort.js';
import { cursorCondition, encodeCursor } from '../query/cursor.js';
import { type CollectionSchema, fieldOf, isMulti, tableRef } from '../schema/collection-schema.js';
import { SchemaRegistry } from '../schema/schema-registry.js';
import { type Access, accessFor, holdsWithoutQuery } from './record-access.js';
import { recordColumns, rowAsRecord } from './record-mapper.js';
import type { Executor, RequestScope } from './request-scope.js';
import { RuleCache } from './rule-cache.js';

export interface ListQuery {
  filter?: string;
  sort?: string;
  limit: number;
  offset?: number;
  cursor?: string;
  count?: boolean;
}

const MAX_EXPAND_DEPTH = 2;

/** Reads records under the caller's rules: lists, single records, and expanded relations. */
@Injectable()
export class RecordReader {
  constructor(
    private readonly registry: SchemaRegistry,
    private readonly rules: RuleCache,
  ) {}

  /** The SQL that an access adds to a query ("TRUE" for bypass and for the public "" rule). */
  ruleSql(access: Access, scope: RequestScope, schema: CollectionSchema, params: SqlParams, alias = 'r', body?: Record<string, unknown>): string {
    if (holdsWithoutQuery(access)) return 'TRUE';
    const ctx = scope.context(schema, this.registry, body);
    // Rules are written by admins: they may use hidden fields, whoever the caller is.
    const ruleCtx = { ...ctx, allowHidden: true };
    return compileFilter(this.rules.parse(access.rule, ruleCtx), ruleCtx, params, alias);
  }

  /** Records in stored shape (hidden fields included): the caller presents them. */
  async list(db: Executor, scope: RequestScope, schema: CollectionSchema, q: ListQuery): Promise<RecordList> {
    const access = accessFor(scope.principal, schema, 'list');
    const ctx = scope.context(schema, this.registry);
    const params = new SqlParams();
    const where = [this.ruleSql(access, scope, schema, params)];
    if (q.filter) where.push(compileFilter(this.rules.parse(q.filter, ctx), ctx, params, 'r'));
    const keys = compileSort(q.sort, ctx);
    const countWhere = where.join(' AND ');
    const countParams = [...params.values];
    if (q.cursor) where.push(cursorCondition(keys, q.cursor, params, 'r'));
    const limit = params.add(q.limit + 1);
    const offset = q.offset ? ` OFFSET ${params.add(q.offset)}` : '';
    const rows: Array<Record<string, unknown>> = await db.query(
      `SELECT ${recordColumns(schema)} FROM ${tableRef(schema.name)} r WHERE ${where.join(' AND ')} ORDER BY ${orderBySql(keys, 'r')} LIMIT ${limit}${offset}`,
      params.values,
    );
    const more = rows.length > q.limit;
    const records = rows.slice(0, q.limit).map((row) => rowAsRecord(schema, row));
    const result: RecordList = {
      items: records,
      limit: q.limit,
      nextCursor: more ? encodeCursor(keys, records[records.length - 1]!) : null,
    };
    if (q.count) {
      const [{ total }] = await db.query(`SELECT count(*)::int AS total FROM ${tableRef(schema.name)} r WHERE ${countWhere}`, countParams);
      result.total = total;
    }
    return result;
  }

  /** The record if the caller may view it (bypass: if it exists); FOR UPDATE locks it for the writer. */
  async findVisible(db: Executor, scope: RequestScope, schema: CollectionSchema, id: string, access: Access, forUpdate = false): Promise<BaseRecord | null> {
    const params = new SqlParams();
    const idParam = params.add(id);
    const rule = this.ruleSql(access, scope, schema, params);
    const [row] = await db.query(
      `SELECT ${recordColumns(schema)} FROM ${tableRef(schema.name)} r WHERE r."id" = ${idParam} AND ${rule}${forUpdate ? ' FOR UPDATE' : ''}`,
      params.values,
    );
    return row ? rowAsRecord(schema, row) : null;
  }

  /** Whether the stored record `id` satisfies an expression rule (create and update rules judge the result). */
  async satisfies(db: Executor, scope: RequestScope, schema: CollectionSchema, id: string, access: Access, body: Record<string, unknown>): Promise<boolean> {
    if (holdsWithoutQuery(access)) return true;
    const params = new SqlParams();
    const idParam = params.add(id);
    const rule = this.ruleSql(access, scope, schema, params, 'r', body);
    const rows = await db.query(`SELECT 1 FROM ${tableRef(schema.name)} r WHERE r."id" = ${idParam} AND ${rule}`, params.values);
    return rows.length > 0;
  }

  /**
   * Fills `expand` for relation paths (`author`, `author.org`, depth 2), one query per path and
   * level, with only the related records the caller may view.
   */
  async expand(db: Executor, scope: RequestScope, schema: CollectionSchema, records: BaseRecord[], paths: string[]): Promise<void> {
    const tree = parseExpand(schema, paths, this.registry, scope.hidden);
    await this.expandLevel(db, scope, schema, records, tree);
  }

  private async expandLevel(db: Executor, scope: RequestScope, schema: CollectionSchema, records: BaseRecord[], tree: ExpandTree): Promise<void> {
    for (const [fieldName, children] of tree) {
      const field = fieldOf(schema, fieldName)!;
      if (field.type !== 'relation') continue;
      const target = this.registry.get(field.collection)!;
      const ids = [...new Set(records.flatMap((r) => idsOf(r[fieldName])))];
      const found = new Map<string, BaseRecord>();
      const access = viewAccess(scope, target);
      if (ids.length && access) {
        const params = new SqlParams();
        const idsParam = params.add(ids);
        const rule = this.ruleSql(access, scope, target, params);
        const rows = await db.query(`SELECT ${recordColumns(target)} FROM ${tableRef(target.name)} r WHERE r."id" = ANY(${idsParam}::uuid[]) AND ${rule}`, params.values);
        for (const row of rows) found.set(row.id, rowAsRecord(target, row));
      }
      if (children.size) await this.expandLevel(db, scope, target, [...found.values()], children);
      for (const r of records) {
        const expand = (r.expand ??= {});
        expand[fieldName] = isMulti(field) ? idsOf(r[fieldName]).flatMap((id) => (found.has(id) ? [found.get(id)!] : [])) : (found.get(String(r[fieldName])) ?? null);
      }
    }
  }
}

type ExpandTree = Map<string, ExpandTree>;

/** The caller's view access to a collection, or null when it may view none of its records (no error: expand just leaves them out). */
function viewAccess(scope: RequestScope, schema: CollectionSchema): Access | null {
  try {
    return accessFor(scope.principal, schema, 'view');
  } catch {
    return null;
  }
}

function idsOf(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return typeof v === 'string' ? [v] : [];
}

/** `author,tags,author.org` -> a tree of relation fields, checked against the schemas. */
export function parseExpand(schema: CollectionSchema, paths: string[], registry: SchemaRegistry, hidden: boolean): ExpandTree {
  const root: ExpandTree = new Map();
  for (const path of paths) {
    const parts = path.split('.');
    if (parts.length > MAX_EXPAND_DEPTH) throw expandError(path, `at most ${MAX_EXPAND_DEPTH} levels`);
    let node = root;
    let current = schema;
    for (const part of parts) {
      const field = fieldOf(current, part);
      if (!field || field.type !== 'relation' || (field.hidden && !hidden)) throw expandError(path, `${part} is not a relation field of ${current.name}`);
      current = registry.get(field.collection)!;
      if (!node.has(part)) node.set(part, new Map());
      node = node.get(part)!;
    }
  }
  return root;
}

function expandError(path: string, problem: string): AppError {
  return Errors.validation({ expand: `${path}: ${problem}` });
}
