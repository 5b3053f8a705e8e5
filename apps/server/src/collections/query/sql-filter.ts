import type { BaseOp, Expr } from '@basalt/filter';
import { quoteIdent, tableRef } from '../schema/collection-schema.js';
import { compareResolved } from './compare-values.js';
import { assertSafeAlias, type FilterContext, type SqlParams } from './filter-context.js';
import { escapeLike, toIso } from './filter-values.js';
import { SQL_TYPES, type ValueKind } from './resolve-operand.js';
import { NO_ID, typeCompare, type Normal, type Side, type TypedCompare } from './type-compare.js';

/*
 * Semantics, identical here and in memory-filter.ts / compare-values.ts:
 * - `=` / `!=` are null-safe (IS [NOT] DISTINCT FROM). For text NULL and '' are one value, so
 *   `title = ''` and `title = null` both match a missing title. `''` compared with an id is "no
 *   id": it equals nothing, NULL included (so a guest's `author = @request.auth.id` is false).
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
 * - Two-valued logic: no comparison ever yields NULL, so `!` and `||` never meet it. In general
 *   that is COALESCE(<cmp>, false); a column against a constant is written `(col = $1 AND col IS
 *   NOT NULL)` and the like instead, which is as NULL-free but leaves the comparison visible to
 *   the planner, so indexes still serve rules such as `author = @request.auth.id`.
 * - A comparison of two constants (`@request.auth.id != ''`) is decided here, in JS, as TRUE/FALSE.
 * Values are always bind parameters; identifiers come from the schema through quoteIdent.
 */

/** Stands for NO_ID until scalar() decides the comparison; it is never left in the SQL. */
const NO_ID_SQL = '<no id>';

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

/**
 * Compiles a parsed filter to a boolean SQL expression over `app."<collection>" <alias>`. Never
 * yields NULL. Throws `invalid_filter` when the filter does not type-check against `ctx`.
 */
export function compileFilter(expr: Expr | null, ctx: FilterContext, params: SqlParams, alias = 'r'): string {
  assertSafeAlias(alias);
  const sql = new FilterCompiler(ctx, params, alias).expr(expr);
  // Cannot happen (no value or identifier can spell it), but a stray placeholder must never reach Postgres.
  if (sql.includes(NO_ID_SQL)) throw new Error('compileFilter left a "no id" placeholder in the SQL');
  return sql;
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
      if (list.type === 'constant' && !Array.isArray(list.value)) return 'FALSE'; // a missing list is empty
      let listSql: string;
      if (list.type === 'constant' && t.kind === 'uuid') {
        // NO_ID elements cannot be bound as uuids, and need not be: each equals nothing and differs from everything.
        const ids = (list.value as Normal[]).filter((id) => id !== NO_ID);
        if (ids.length < (list.value as Normal[]).length && t.op === '!=') return 'TRUE';
        if (ids.length === 0) return 'FALSE';
        listSql = this.constant(ids, t.kind);
      } else {
        listSql = this.side(list, t.kind);
      }
      const cmp =
        t.arraySide === 'left'
          ? this.scalar(t.op, t.kind, element, this.rightHand(t.op, t.kind, t.right))
          : this.scalar(t.op, t.kind, this.side(t.left, t.kind), isContains(t.op) ? likePattern(element) : element);
      return `EXISTS (SELECT 1 FROM unnest(${listSql}) AS ${this.alias}_el(v) WHERE ${cmp})`;
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
    if (kind === 'json' || (kind === 'uuid' && value === NO_ID)) return this.scalar(op, kind, col, this.constant(value, kind));
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
    if (kind === 'uuid' && (a === NO_ID_SQL || b === NO_ID_SQL)) return op === '=' ? 'FALSE' : 'TRUE';
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
    if (kind === 'uuid' && value === NO_ID) return NO_ID_SQL;
    const bind = (v: Normal) => (kind === 'date' && typeof v === 'number' ? toIso(v) : v);
    if (Array.isArray(value)) return `${this.params.add(value.map(bind))}::${type}[]`;
    return `${this.params.add(bind(value))}::${type}`;
  }
}
