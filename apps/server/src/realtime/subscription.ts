import type { BaseRecord, Principal, SubscribeRequest } from '@basalt/contracts';
import type { Expr } from '@basalt/filter';
import { AppError, Errors } from '../common/app-error.js';
import type { AuthValues, FilterContext } from '../collections/query/filter-context.js';
import { evaluateFilter, relationFieldsUsed, type RelatedRecords } from '../collections/query/memory-filter.js';
import { parseForCollection } from '../collections/query/parse-for-collection.js';
import { accessFor, holdsWithoutQuery } from '../collections/records/record-access.js';
import type { CollectionSchema, SchemaLookup } from '../collections/schema/collection-schema.js';

/** Events carry no request body; one object, so the evaluator can tell nothing changed (see memory-filter). */
const NO_BODY: Record<string, unknown> = Object.freeze({});

/** What a subscription was asked for; kept in the socket's recoverable data so any node can rebuild it. */
export interface SubscriptionSpec extends SubscribeRequest {
  subscriptionId: string;
}

/** Who judges: the socket's principal and the values its rules see. */
export interface Judge {
  principal: Principal;
  auth: AuthValues;
  /** Admins and API keys: rules bypassed, hidden fields visible and filterable. */
  hidden: boolean;
}

/** The view rule and filter of one subscription, parsed against one schema version and one principal. */
interface Compiled {
  version: number;
  principal: Principal;
  /** null: nothing to check (bypass or the public "" rule). */
  rule: Expr | null;
  filter: Expr | null;
  /** Single relation fields the rule or filter follow: their targets are loaded before judging. */
  relations: string[];
  /** The verdict key, made for one set of auth values (see verdictKey). */
  key?: { auth: AuthValues; value: string };
}

/**
 * One `subscribe`: parsed once, judged in memory for every record event. Recompiled when the
 * collection's schema version or the socket's principal changes.
 */
export class Subscription {
  private compiled?: Compiled;

  constructor(readonly spec: SubscriptionSpec) {}

  get id(): string {
    return this.spec.subscriptionId;
  }

  get collection(): string {
    return this.spec.collection;
  }

  /** Throws the error a client should see: forbidden when it may view no record, invalid_filter for a bad filter. */
  compile(schema: CollectionSchema, schemas: SchemaLookup, judge: Judge): void {
    let access;
    try {
      access = accessFor(judge.principal, schema, 'view');
    } catch (e) {
      // The HTTP API answers a null view rule with 404 per record; a subscription to the whole collection is plainly forbidden.
      if (e instanceof AppError && e.code === 'not_found') throw Errors.forbidden(`only admins may view ${schema.name} records`);
      throw e;
    }
    const ctx = this.context(schema, schemas, judge, new Date());
    const rule = holdsWithoutQuery(access) ? null : parseForCollection(access.rule, { ...ctx, allowHidden: true });
    const filter = this.spec.filter === undefined || this.spec.filter.trim() === '' ? null : parseForCollection(this.spec.filter, ctx);
    const relations = [...new Set([...relationFieldsUsed(rule, ctx), ...relationFieldsUsed(filter, ctx)])];
    this.compiled = { version: schema.version, principal: judge.principal, rule, filter, relations };
  }

  /** Whether the compiled form is still for this schema version and principal. */
  isCurrent(schema: CollectionSchema, judge: Judge): boolean {
    return this.compiled?.version === schema.version && this.compiled.principal === judge.principal;
  }

  get relations(): string[] {
    return this.compiled?.relations ?? [];
  }

  /**
   * Subscriptions with the same key give the same verdict on the same record: the same rule (the
   * schema version and the principal's kind choose it), filter, record id and hidden-field access,
   * and the same `@request.auth` values. A change is judged once per key (ChangeJudging keeps the
   * verdicts of one change), not once per socket. Undefined for one that follows relations: it is
   * judged with the related records loaded for it.
   */
  verdictKey(judge: Judge): string | undefined {
    const compiled = this.compiled;
    if (!compiled || compiled.relations.length > 0) return undefined;
    if (compiled.key?.auth !== judge.auth) {
      const { version, principal } = compiled;
      const value = JSON.stringify([version, principal.kind, judge.hidden, this.spec.id ?? null, this.spec.filter ?? null, judge.auth]);
      compiled.key = { auth: judge.auth, value };
    }
    return compiled.key.value;
  }

  /** The record passes the view rule and the filter (and is the subscribed record, for an id subscription). */
  matches(record: BaseRecord | null, schema: CollectionSchema, schemas: SchemaLookup, judge: Judge, now: Date, related: RelatedRecords): boolean {
    if (!record || !this.compiled) return false;
    if (this.spec.id !== undefined && record.id.toLowerCase() !== this.spec.id.toLowerCase()) return false;
    const ctx = this.context(schema, schemas, judge, now);
    const { rule, filter, relations } = this.compiled;
    const rel = relations.length ? related : undefined;
    return evaluateFilter(rule, record, { ...ctx, allowHidden: true }, rel) && evaluateFilter(filter, record, ctx, rel);
  }

  private context(schema: CollectionSchema, schemas: SchemaLookup, judge: Judge, now: Date): FilterContext {
    return { collection: schema, schemas, auth: judge.auth, body: NO_BODY, now, allowHidden: judge.hidden };
  }
}
