import type { ApiKeyScope, BucketRuleName, Principal } from '@basalt/contracts';
import { Errors } from '../common/app-error.js';
import type { AuthValues, FilterContext, SqlParams } from '../collections/query/filter-context.js';
import { parseForCollection } from '../collections/query/parse-for-collection.js';
import { compileFilter } from '../collections/query/sql-filter.js';
import type { CollectionSchema, SchemaLookup } from '../collections/schema/collection-schema.js';
import type { BucketRecord } from './buckets.repository.js';

/**
 * Files as the filter language sees them: a collection-like schema whose field names are the
 * columns of `basalt.files`, so bucket rules and `filter=` compile with the same compiler (and the
 * same semantics) as collection rules. `owner` is a relation to users, so `owner.name` works.
 * The name cannot clash with a collection (collection names have no dot).
 */
export const FILES_SCHEMA: CollectionSchema = Object.freeze({
  id: '00000000-0000-7000-8000-0000000f11e5',
  name: 'storage.files',
  kind: 'base',
  fields: [
    { name: 'owner', type: 'relation', collection: 'users' },
    { name: 'name', type: 'text' },
    { name: 'size', type: 'number' },
    { name: 'contentType', type: 'text' },
    { name: 'metadata', type: 'json' },
  ],
  indexes: [],
  rules: { list: null, view: null, create: null, update: null, delete: null },
  version: 1,
  createdAt: new Date(0),
  updatedAt: new Date(0),
}) as CollectionSchema;

/** The table alias every storage query gives basalt.files. */
export const FILE_ALIAS = 'f';

const SCOPE: Record<BucketRuleName, ApiKeyScope> = { list: 'files:read', read: 'files:read', create: 'files:write', delete: 'files:write' };

/** How one caller meets one bucket rule. */
export type FileAccess = { kind: 'bypass' } | { kind: 'rule'; rule: string };

/**
 * Admins and API keys with the scope bypass rules; a key without it is refused (403). For users
 * and guests a null rule keeps them out: 403 for list and create, 404 for a single file (a 403
 * would confirm it exists). A public bucket lets everyone read its files.
 */
export function fileAccess(principal: Principal, bucket: BucketRecord, action: BucketRuleName): FileAccess {
  if (principal.kind === 'admin') return { kind: 'bypass' };
  if (principal.kind === 'apiKey') {
    const scope = SCOPE[action];
    if (principal.scopes.includes('*') || principal.scopes.includes(scope)) return { kind: 'bypass' };
    throw Errors.forbidden(`this API key lacks the ${scope} scope`);
  }
  if (action === 'read' && bucket.public) return { kind: 'bypass' };
  const rule = bucket.rules[action];
  if (rule === null) {
    if (action === 'list' || action === 'create') throw Errors.forbidden(`only admins may ${action} files in ${bucket.name}`);
    throw Errors.notFound('file');
  }
  return { kind: 'rule', rule };
}

/** The values filters are judged against for one request. */
export interface FileScope {
  auth: AuthValues;
  now: Date;
  schemas: SchemaLookup;
  /** Client filters may name only the fields listed in FILES_SCHEMA, rules the same: nothing is hidden. */
}

function context(scope: FileScope): FilterContext {
  return { collection: FILES_SCHEMA, schemas: scope.schemas, auth: scope.auth, body: {}, now: scope.now, allowHidden: true };
}

/** The SQL an access adds to a query over `basalt.files f` ("TRUE" for bypass and the public "" rule). */
export function accessSql(access: FileAccess, scope: FileScope, params: SqlParams): string {
  if (access.kind === 'bypass' || access.rule.trim() === '') return 'TRUE';
  return filterSql(access.rule, scope, params);
}

/** A rule or client filter over files as SQL; `invalid_filter` when it does not parse or type-check. */
export function filterSql(source: string, scope: FileScope, params: SqlParams): string {
  const ctx = context(scope);
  return compileFilter(parseForCollection(source, ctx), ctx, params, FILE_ALIAS);
}

/** Checks a rule an admin is saving, so a bad one is refused when written, not when used. */
export function checkRule(source: string, schemas: SchemaLookup): void {
  parseForCollection(source, context({ auth: { id: '', roles: [] }, now: new Date(), schemas }));
}

/** The filter context for sort keys and cursors over files. */
export function filesContext(scope: FileScope): FilterContext {
  return context(scope);
}
