import type { BaseOp, Expr } from '@basalt/filter';
import { quoteIdent, tableRef } from '../schema/collection-schema.js';
import { compareResolved } from './compare-values.js';
import type { FilterContext, SqlParams } from './filter-context.js';
import { escapeLike, toIso } from './filter-values.js';
import type { ValueKind } from './resolve-operand.js';
import { typeCompare, type Normal, type Side, type TypedCompare } from './type-compare.js';

/*
 * Semantics, identical here and in memory-filter.ts / compare-values.ts:
 * - `=` / `!=` are null-safe (IS [NOT] DISTINCT FROM). For text NULL and '' are one value, so
 *   `title = ''` and `title = null` both match a missing title. `''` compared with an id is null.
 * - `<` `<=` `>` `>=` on numbers, dates and text; a NULL side makes them false. Text orders by
 *   code point: COLLATE "C" here, compareText() in JS.
 * - `~` / `!~`: case-insensitive contains on text, `%` `_` `\` literal, NULL read as ''; lower()
 *   here and toLowerCase() in JS, which agree on ASCII only. `!~` is exactly `NOT ~`.
 * - `?op`: true when some element of the list side satisfies `op`; an empty or NULL list is false.
 * - Booleans, ids and whole json values know only `=` / `!=`; json only against null ("absent or
 *   JSON null"). `meta.key` reads the key as text / number / boolean to suit the other side; a key
 *   of another JSON type reads as null.
 * - `author.name` follows one single relation with a scalar subquery (NULL when the relation is
 *   empty or dangling); the target's rules are not applied.
 * - Two-valued logic: every comparison is COALESCE(<cmp>, false), so `!` and `||` never meet NULL.
 * - A comparison of two constants (`@request.auth.id != ''`) is decided here, in JS, as TRUE/FALSE.
 * Values are always bind parameters; identifiers come from the schema through quoteIdent.
 */

const ALIAS = /^[a-z_][a-z0-9_]*$/;

/** `c < col` is `col > c`; contains is not symmetric, so it has no mirror. */
const FLIPPED: Partial<Record<BaseOp, BaseOp>> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

function isContains(op: BaseOp): boolean {
  return op === '~' || op === '!~';
}

/** A `%...%` pattern from an SQL text expression, with `\`, `%` and `_` made literal. */
function likePattern(sql: string): string {
  return `('%' || replace(replace(replace(COALESCE(${sql}, ''), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')`;
}

/** A column of the filtered table itself (no relation subquery, no json key): the case indexes serve. */
function isPlainColumn(side: Side): boolean {
  return side.type === 'column' && !side.ref.relation && side.jsonKey === undefined && !side.multi;
}

const SQL_TYPES: Record<ValueKind, string> = {
  text: 'text',
  number: 'double precision',
  boolean: 'boolean',
  date: 'timestamptz',
  uuid: 'uuid',
  json: 'jsonb',
};

/**
 * Compiles a parsed filter to a boolean SQL expression over `app."<collection>" <alias>`. Never
 * yields NULL. Throws `invalid_filter` when the filter does not type-check against `ctx`.
 */
export function compileFilter(expr: Expr | null, ctx: FilterContext, params: SqlParams, alias = 'r'): string {
  // The alias is chosen by server code, never by a client, but it is spliced in, so hold it to a safe shape.
  if (!ALIAS.test(alias)) throw new Error(`unsafe table alias: ${alias}`);
  return new FilterCompiler(ctx, params, alias).expr(expr);
}

class FilterCompiler {
  constructor(
    private readonly ctx: FilterContext,
    private readonly params: SqlParams,
    private readonly alias: string,
  ) {}

  expr(expr: Expr | null): string {
    if (expr === null) return 'TRUE';
    switch (expr.type) {
      case 'or':
      case 'and':
        return `(${expr.items.map((item) => this.expr(item)).join(expr.type === 'or' ? ' OR ' : ' AND ')})`;
      case 'not':
        return `(NOT ${this.expr(expr.expr)})`;
      case 'compare':
        return this.compare(typeCompare(expr, this.ctx));
    }
  }

  private compare(t: TypedCompare): string {
    if (t.left.type === 'constant' && t.right.type === 'constant') {
      return compareResolved(t, t.left.value, t.right.value) ? 'TRUE' : 'FALSE';
    }
    if (t.arraySide !== null) {
      // Some element of the list must satisfy the comparison with the other side. EXISTS is never NULL.
      const element = `${this.alias}_el.v`;
      const list = t.arraySide === 'left' ? t.left : t.right;
      const cmp =
        t.arraySide === 'left'
          ? this.scalar(t.op, t.kind, element, this.rightHand(t.op, t.kind, t.right))
          : this.scalar(t.op, t.kind, this.side(t.left, t.kind), isContains(t.op) ? likePattern(element) : element);
      return `EXISTS (SELECT 1 FROM unnest(${this.side(list, t.kind)}) AS ${this.alias}_el(v) WHERE ${cmp})`;
    }
    const flipped = FLIPPED[t.op];
    if (isPlainColumn(t.left) && t.right.type === 'constant') return this.columnVsConstant(t.op, t.kind, t.left, t.right.value as Normal);
    if (isPlainColumn(t.right) && t.left.type === 'constant' && flipped) {
      return this.columnVsConstant(flipped, t.kind, t.right, t.left.value as Normal);
    }
    return `COALESCE(${this.scalar(t.op, t.kind, this.side(t.left, t.kind), this.rightHand(t.op, t.kind, t.right))}, false)`;
  }

  /**
   * The common case (`author = $1`, `score > $1`) written so that it is never NULL without a
   * COALESCE around it, which would hide the comparison from the planner and so from indexes.
   */
  private columnVsConstant(op: BaseOp, kind: ValueKind, side: Side, value: Normal): string {
    const col = this.side(side, kind);
    if (kind === 'json') return this.scalar(op, kind, col, this.constant(value, kind));
    if (isContains(op)) return this.scalar(op, kind, col, this.constantPattern(value));
    const empty = value === null || (kind === 'text' && value === '');
    if (op === '=') {
      if (empty) return kind === 'text' ? `(${col} IS NULL OR ${col} = '')` : `${col} IS NULL`;
      return `(${col} = ${this.constant(value, kind)} AND ${col} IS NOT NULL)`;
    }
    if (op === '!=') {
      if (empty) return kind === 'text' ? `(${col} IS NOT NULL AND ${col} <> '')` : `${col} IS NOT NULL`;
      return `${col} IS DISTINCT FROM ${this.constant(value, kind)}`;
    }
    if (value === null) return 'FALSE';
    return `(${this.scalar(op, kind, col, this.constant(value, kind))} AND ${col} IS NOT NULL)`;
  }

  /**
   * `a op b` for two scalar SQL expressions, either of which may be NULL (the result then may be
   * too). For `~` / `!~`, `b` is already the LIKE pattern (see rightHand).
   */
  private scalar(op: BaseOp, kind: ValueKind, a: string, b: string): string {
    if (kind === 'text') {
      switch (op) {
        case '=':
          return `COALESCE(${a}, '') = COALESCE(${b}, '')`;
        case '!=':
          return `COALESCE(${a}, '') <> COALESCE(${b}, '')`;
        case '~':
          return `lower(COALESCE(${a}, '')) LIKE lower(${b}) ESCAPE '\\'`;
        case '!~':
          return `lower(COALESCE(${a}, '')) NOT LIKE lower(${b}) ESCAPE '\\'`;
        default:
          return `${a} COLLATE "C" ${op} ${b} COLLATE "C"`;
      }
    }
    if (kind === 'json') {
      const isNull = (sql: string) => `COALESCE(jsonb_typeof(${sql}), 'null') = 'null'`;
      const both = `(${isNull(a)} AND ${isNull(b)})`;
      return op === '=' ? both : `NOT ${both}`;
    }
    if (op === '=') return `${a} IS NOT DISTINCT FROM ${b}`;
    if (op === '!=') return `${a} IS DISTINCT FROM ${b}`;
    return `${a} ${op} ${b}`;
  }

  /** The right operand's SQL; for contains, its `%...%` pattern. */
  private rightHand(op: BaseOp, kind: ValueKind, side: Side): string {
    if (!isContains(op)) return this.side(side, kind);
    if (side.type === 'constant') return this.constantPattern(side.value as Normal);
    return likePattern(this.side(side, kind));
  }

  /** A constant is escaped in JS and bound, so the pattern never depends on SQL string handling. */
  private constantPattern(value: Normal): string {
    return `${this.params.add(`%${escapeLike((value as string | null) ?? '')}%`)}::text`;
  }

  private side(side: Side, kind: ValueKind): string {
    if (side.type === 'constant') return this.constant(side.value, kind);
    const column = this.column(side);
    if (side.jsonKey === undefined) return column;
    const key = this.params.add(side.jsonKey);
    const value = `(${column} -> ${key}::text)`;
    switch (kind) {
      case 'text':
        return `(CASE WHEN jsonb_typeof(${value}) = 'string' THEN ${column} ->> ${key}::text END)`;
      case 'number':
        return `(CASE WHEN jsonb_typeof(${value}) = 'number' THEN ${value}::double precision END)`;
      case 'boolean':
        return `(CASE WHEN jsonb_typeof(${value}) = 'boolean' THEN ${value}::boolean END)`;
      default:
        return value;
    }
  }

  private column(side: Extract<Side, { type: 'column' }>): string {
    const { column, relation } = side.ref;
    if (!relation) return `${this.alias}.${quoteIdent(column)}`;
    const t = `${this.alias}_rel`;
    return `(SELECT ${t}.${quoteIdent(column)} FROM ${tableRef(relation.target.name)} ${t} WHERE ${t}."id" = ${this.alias}.${quoteIdent(relation.field)})`;
  }

  private constant(value: Normal | Normal[], kind: ValueKind): string {
    const type = SQL_TYPES[kind];
    // NULL is not a value worth a parameter, and an unused parameter would break the statement.
    if (value === null) return `NULL::${type}`;
    const bind = (v: Normal) => (kind === 'date' && typeof v === 'number' ? toIso(v) : v);
    if (Array.isArray(value)) return `${this.params.add(value.map(bind))}::${type}[]`;
    return `${this.params.add(bind(value))}::${type}`;
  }
}
