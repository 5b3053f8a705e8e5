import type { CompareExpr, Expr, FieldOperand, Operand, ParamOperand } from './ast';

/** Every comparison, in source order. Accepts `null` (no filter) like everything that takes a parse result. */
export function* comparisons(expr: Expr | null): Generator<CompareExpr> {
  if (expr === null) return;
  switch (expr.type) {
    case 'or':
    case 'and':
      for (const item of expr.items) yield* comparisons(item);
      return;
    case 'not':
      yield* comparisons(expr.expr);
      return;
    case 'compare':
      yield expr;
  }
}

/** Every operand, in source order (left before right). */
export function collectOperands(expr: Expr | null): Operand[] {
  return [...comparisons(expr)].flatMap((compare) => [compare.left, compare.right]);
}

/** Every field reference, in source order, with its position, so the server can report unknown fields precisely. */
export function collectFields(expr: Expr | null): FieldOperand[] {
  return collectOperands(expr).filter((operand): operand is FieldOperand => operand.type === 'field');
}

/** Every `{:name}` placeholder, in source order; a name used twice appears twice. */
export function collectParams(expr: Expr | null): ParamOperand[] {
  return collectOperands(expr).filter((operand): operand is ParamOperand => operand.type === 'param');
}

export function countComparisons(expr: Expr | null): number {
  let count = 0;
  for (const _ of comparisons(expr)) count++;
  return count;
}

/** A copy of `expr` with every operand replaced by `replace(operand)`; the input is not changed. */
export function mapOperands(expr: Expr, replace: (operand: Operand) => Operand): Expr {
  switch (expr.type) {
    case 'or':
    case 'and':
      return { ...expr, items: expr.items.map((item) => mapOperands(item, replace)) };
    case 'not':
      return { ...expr, expr: mapOperands(expr.expr, replace) };
    case 'compare':
      return { ...expr, left: replace(expr.left), right: replace(expr.right) };
  }
}
