import type { CollectionSchema, SchemaLookup } from '../schema/collection-schema.js';

/**
 * The caller as filters see it through `@request.auth.<field>`: the user's record fields plus
 * `id` and `roles`. A guest has `id: ''` and `roles: []`, so `@request.auth.id != ''` means
 * "signed in" (and `''` compared with a relation behaves as null).
 */
export interface AuthValues {
  id: string;
  roles: string[];
  [field: string]: unknown;
}

/** Everything a filter is typed and evaluated against; built once per request or subscription. */
export interface FilterContext {
  collection: CollectionSchema;
  /** To follow `relation.field` to the target collection. */
  schemas: SchemaLookup;
  auth: AuthValues;
  /** The request body, for `@request.body.<field>` in create and update rules. */
  body?: Record<string, unknown>;
  /** The value of `@now`; fixed per request so SQL and memory see the same instant. */
  now: Date;
  /**
   * True for rules (written by admins) and for admin callers. Client filters may not name
   * hidden fields: those then behave exactly like unknown fields, so their existence cannot be probed.
   */
  allowHidden: boolean;
}

/**
 * Collects bind parameters for one statement. `offset` lets a caller that already numbered its
 * own parameters ($1..$offset) append a filter after them.
 */
export class SqlParams {
  private readonly bound: unknown[] = [];

  constructor(private readonly offset = 0) {}

  /** Binds `value` and returns its placeholder (`$n`). */
  add(value: unknown): string {
    this.bound.push(value);
    return `$${this.offset + this.bound.length}`;
  }

  get values(): unknown[] {
    return [...this.bound];
  }
}

const ALIAS = /^[a-z_][a-z0-9_]*$/;

/** Table aliases are chosen by server code, never by clients, but they are spliced into SQL, so hold them to a safe shape. */
export function assertSafeAlias(alias: string): void {
  if (!ALIAS.test(alias)) throw new Error(`unsafe table alias: ${alias}`);
}
