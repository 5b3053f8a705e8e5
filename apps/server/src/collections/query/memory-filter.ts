import { collectFields, type CompareExpr, type Expr } from '@basalt/filter';
import { fieldOf } from '../schema/collection-schema.js';
import { compareResolved } from './compare-values.js';
import type { FilterContext } from './filter-context.js';
import { dateValue, ownValue } from './filter-values.js';
import type { ValueKind } from './resolve-operand.js';
import { typeCompare, type Normal, type Side, type TypedCompare } from './type-compare.js';

/** A record in API shape: dates as ISO strings, relations as id strings, multi fields as arrays, null when missing. */
export type ApiRecord = Record<string, unknown>;
/** The record a single relation field points to (preloaded by the caller), or null when it is empty or gone. */
export type RelatedRecords = (field: string) => ApiRecord | null;

/**
 * Judges one record by a filter, with the semantics of sql-filter.ts (realtime events use this;
 * a property test holds both engines to the same answers). `related` must answer for every field
 * `relationFieldsUsed` returns; the target's own rules are not applied to relation paths.
 */
export function evaluateFilter(expr: Expr | null, record: ApiRecord, ctx: FilterContext, related?: RelatedRecords): boolean {
  if (expr === null) return true;
  switch (expr.type) {
    case 'or':
      return expr.items.some((item) => evaluateFilter(item, record, ctx, related));
    case 'and':
      return expr.items.every((item) => evaluateFilter(item, record, ctx, related));
    case 'not':
      return !evaluateFilter(expr.expr, record, ctx, related);
    case 'compare': {
      const typed = typedOf(expr, ctx);
      const read = (side: Side) => sideValue(side, typed.kind, record, related);
      return compareResolved(typed, read(typed.left), read(typed.right));
    }
  }
}

/**
 * Each comparison's typing with the context it was typed in. A subscription judges every event
 * with the same parsed filter, schema and user: typing it again each time (resolving names and
 * `@request.auth` values, unifying kinds) was most of the cost of judging.
 */
const typings = new WeakMap<CompareExpr, { ctx: FilterContext; typed: TypedCompare }>();

/** `typeCompare`, again only when something it reads is another object (or, with `@now`, another instant). */
function typedOf(expr: CompareExpr, ctx: FilterContext): TypedCompare {
  const kept = typings.get(expr);
  if (kept && typedAlike(kept.ctx, ctx, expr)) return kept.typed;
  const typed = typeCompare(expr, ctx);
  typings.set(expr, { ctx, typed });
  return typed;
}

function typedAlike(a: FilterContext, b: FilterContext, expr: CompareExpr): boolean {
  const sameNow = a.now === b.now || (expr.left.type !== 'now' && expr.right.type !== 'now');
  return a.collection === b.collection && a.schemas === b.schemas && a.auth === b.auth && a.body === b.body && a.allowHidden === b.allowHidden && sameNow;
}

/** The single relation fields a filter follows (`author` for `author.name`), so a caller knows what to preload. */
export function relationFieldsUsed(expr: Expr | null, ctx: FilterContext): string[] {
  const used = new Set<string>();
  for (const operand of collectFields(expr)) {
    const [name, next] = operand.path;
    if (next !== undefined && fieldOf(ctx.collection, name)?.type === 'relation') used.add(name);
  }
  return [...used];
}

function sideValue(side: Side, kind: ValueKind, record: ApiRecord, related: RelatedRecords | undefined): Normal | Normal[] {
  if (side.type === 'constant') return side.value;
  let raw: unknown;
  if (side.ref.relation) {
    if (!related) throw new Error(`evaluateFilter needs the related record of '${side.ref.relation.field}' (see relationFieldsUsed)`);
    raw = ownValue(related(side.ref.relation.field), side.ref.column);
  } else {
    raw = ownValue(record, side.ref.column);
  }
  if (side.jsonKey !== undefined) return jsonKeyValue(ownValue(raw, side.jsonKey), kind);
  if (side.multi) return Array.isArray(raw) ? raw.map((element) => normalizeStored(element, kind)) : null;
  return normalizeStored(raw, kind);
}

/** Mirrors the SQL: a key whose JSON type does not suit the comparison reads as null. */
function jsonKeyValue(value: unknown, kind: ValueKind): Normal {
  if (kind === 'text' || kind === 'number' || kind === 'boolean') return normalizeStored(value, kind);
  return value === undefined || value === null ? null : true;
}

/** A stored value as the comparison sees it; anything of the wrong type is treated as missing. */
function normalizeStored(value: unknown, kind: ValueKind): Normal {
  if (value === undefined || value === null) return null;
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? value : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date':
      return dateValue(value);
    case 'uuid':
      return typeof value === 'string' && value !== '' ? value.toLowerCase() : null;
    case 'json':
      return true;
  }
}
