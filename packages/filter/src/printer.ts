import type { Expr, LiteralValue, Operand } from './ast';

/**
 * Prints canonical source: single spaces around operators, single-quoted strings, and only the
 * parentheses the AST needs. `parseFilter(print(ast))` gives back `ast` apart from positions;
 * `print(null)` is the empty filter.
 */
export function print(expr: Expr | null): string {
  return expr === null ? '' : printExpr(expr);
}

function printExpr(expr: Expr): string {
  switch (expr.type) {
    case 'or':
      // A nested `or` only exists if the source grouped it, so keep the group.
      return expr.items.map((item) => (item.type === 'or' ? group(item) : printExpr(item))).join(' || ');
    case 'and':
      return expr.items
        .map((item) => (item.type === 'or' || item.type === 'and' ? group(item) : printExpr(item)))
        .join(' && ');
    case 'not':
      // `!a = 1` already means `!(a = 1)`; the parentheses are only for the reader.
      return `!${expr.expr.type === 'not' ? printExpr(expr.expr) : group(expr.expr)}`;
    case 'compare':
      return `${printOperand(expr.left)} ${expr.op} ${printOperand(expr.right)}`;
  }
}

function group(expr: Expr): string {
  return `(${printExpr(expr)})`;
}

export function printOperand(operand: Operand): string {
  switch (operand.type) {
    case 'field':
      return operand.path.join('.');
    case 'literal':
      return printLiteral(operand.value);
    case 'now':
      return '@now';
    case 'auth':
      return `@request.auth.${operand.path.join('.')}`;
    case 'body':
      return `@request.body.${operand.path.join('.')}`;
    case 'param':
      return `{:${operand.name}}`;
  }
}

const STRING_ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\t': '\\t', '\r': '\\r' };

/** A literal as source text that lexes back to exactly `value`; the one place quoting happens. */
export function printLiteral(value: LiteralValue): string {
  if (typeof value === 'string') return `'${value.replace(/[\\'\n\t\r]/g, (char) => STRING_ESCAPES[char])}'`;
  if (typeof value === 'number') {
    // NaN and Infinity would print as field names; the parser never produces them.
    if (!Number.isFinite(value)) throw new RangeError(`cannot print the number ${value} as a filter literal`);
    // String(-0) is "0", which would parse back as a different number.
    return Object.is(value, -0) ? '-0' : String(value);
  }
  return String(value);
}
