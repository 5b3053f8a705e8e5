import type { Principal } from '@basalt/contracts';
import type { AuthValues, FilterContext } from '../query/filter-context.js';
import type { CollectionSchema, SchemaLookup } from '../schema/collection-schema.js';
import { seesHidden } from './record-access.js';

/** Anything that runs SQL: the DataSource outside a transaction, the transaction's manager inside one. */
export interface Executor {
  query(sql: string, params?: unknown[]): Promise<any>;
}

/**
 * One caller for the length of one request: who it is, the values its rules see as @request.auth,
 * and one "now" so every rule in the request agrees on it.
 */
export class RequestScope {
  readonly now = new Date();
  readonly hidden: boolean;

  constructor(
    readonly principal: Principal,
    readonly auth: AuthValues,
  ) {
    this.hidden = seesHidden(principal);
  }

  context(collection: CollectionSchema, schemas: SchemaLookup, body?: Record<string, unknown>): FilterContext {
    return { collection, schemas, auth: this.auth, body: body ?? {}, now: this.now, allowHidden: this.hidden };
  }
}

/** @request.auth from the principal alone (`id` and `roles`), for requests whose rules read nothing else. */
export function authValuesOf(principal: Principal): AuthValues {
  if (principal.kind !== 'user' || !principal.id) return { id: '', roles: [] };
  return { id: principal.id, roles: principal.roles };
}

/** @request.auth for a principal: a user's own record (so rules can use any of its fields), else a guest's blanks. */
export async function authValuesFor(principal: Principal, db: Executor): Promise<AuthValues> {
  if (principal.kind !== 'user' || !principal.id) return { id: '', roles: [] };
  const [row] = await db.query('SELECT * FROM app.users WHERE "id" = $1', [principal.id]);
  const record: Record<string, unknown> = { ...(row ?? {}) };
  for (const [k, v] of Object.entries(record)) if (v instanceof Date) record[k] = v.toISOString();
  return { ...record, id: principal.id, roles: (row?.roles as string[] | undefined) ?? principal.roles };
}
