/**
 * The filter AST. Every node carries the `[start, end)` offsets of the source text it came from
 * (UTF-16 code units); a parenthesised expression's span includes its parentheses.
 */

export interface Span {
  readonly start: number;
  readonly end: number;
}

export const BASE_OPS = ['=', '!=', '>', '>=', '<', '<=', '~', '!~'] as const;
export type BaseOp = (typeof BASE_OPS)[number];
/** `?op`: the comparison holds for at least one element of an array or multi-valued field. */
export type AnyOp = `?${BaseOp}`;
export type CompareOp = BaseOp | AnyOp;

export const COMPARE_OPS: readonly CompareOp[] = [...BASE_OPS, ...BASE_OPS.map((op) => `?${op}` as const)];

export function isAnyOp(op: CompareOp): op is AnyOp {
  return op.startsWith('?');
}

/** `?>=` -> `>=`; a base operator is returned unchanged. */
export function baseOp(op: CompareOp): BaseOp {
  return isAnyOp(op) ? (op.slice(1) as BaseOp) : op;
}

export type LiteralValue = string | number | boolean | null;

export interface FieldOperand extends Span {
  readonly type: 'field';
  /** `author.name` -> `['author', 'name']`; each step after the first follows a relation. */
  readonly path: readonly string[];
}

export interface LiteralOperand extends Span {
  readonly type: 'literal';
  readonly value: LiteralValue;
}

export interface NowOperand extends Span {
  readonly type: 'now';
}

/** `@request.auth.id` -> `path: ['id']`. */
export interface AuthOperand extends Span {
  readonly type: 'auth';
  readonly path: readonly string[];
}

/** `@request.body.meta.x` -> `path: ['meta', 'x']`. */
export interface BodyOperand extends Span {
  readonly type: 'body';
  readonly path: readonly string[];
}

/** `{:name}`; replaced by a literal with `resolveParams` or `bindParams` before evaluation. */
export interface ParamOperand extends Span {
  readonly type: 'param';
  readonly name: string;
}

export type Operand = FieldOperand | LiteralOperand | NowOperand | AuthOperand | BodyOperand | ParamOperand;

export interface CompareExpr extends Span {
  readonly type: 'compare';
  readonly op: CompareOp;
  readonly left: Operand;
  readonly right: Operand;
}

/**
 * `a || b || c` is one node with three items (always at least two). Explicit parentheses are
 * kept: `(a || b) || c` is an `or` whose first item is another `or`.
 */
export interface OrExpr extends Span {
  readonly type: 'or';
  readonly items: readonly Expr[];
}

export interface AndExpr extends Span {
  readonly type: 'and';
  readonly items: readonly Expr[];
}

export interface NotExpr extends Span {
  readonly type: 'not';
  readonly expr: Expr;
}

export type Expr = OrExpr | AndExpr | NotExpr | CompareExpr;
