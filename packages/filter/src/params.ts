import type { Expr, LiteralOperand, LiteralValue, ParamOperand } from './ast';
import { FilterError } from './errors';
import type { FilterOptions } from './limits';
import { parseFilter } from './parser';
import { printLiteral } from './printer';
import { collectParams, mapOperands } from './visit';

export type FilterParamValue = string | number | boolean | null | Date;
export type FilterParams = Readonly<Record<string, FilterParamValue>>;

/**
 * Replaces each `{:name}` in `source` with `params[name]` printed as a quoted literal, keeping the
 * rest of the text as written: `bindParams('title ~ {:q}', { q: "x' || 1=1" })` is
 * `title ~ 'x\' || 1=1'`. The source is parsed first, so only real placeholders are replaced
 * (never a `{:q}` inside a string) and a value can never change the shape of the expression.
 */
export function bindParams(source: string, params: FilterParams, options?: FilterOptions): string {
  let bound = '';
  let copied = 0;
  for (const param of collectParams(parseFilter(source, options))) {
    bound += source.slice(copied, param.start) + printLiteral(paramValue(param, params));
    copied = param.end;
  }
  return bound + source.slice(copied);
}

/** Replaces every param operand of a parsed filter with a literal; the literal keeps the param's span. */
export function resolveParams(expr: Expr, params: FilterParams): Expr;
export function resolveParams(expr: Expr | null, params: FilterParams): Expr | null;
export function resolveParams(expr: Expr | null, params: FilterParams): Expr | null {
  if (expr === null) return null;
  return mapOperands(expr, (operand) => (operand.type === 'param' ? toLiteral(operand, params) : operand));
}

function toLiteral(param: ParamOperand, params: FilterParams): LiteralOperand {
  return { type: 'literal', value: paramValue(param, params), start: param.start, end: param.end };
}

/** Values come from app code at runtime, so types are checked here rather than trusted. */
function paramValue(param: ParamOperand, params: FilterParams): LiteralValue {
  const value: unknown = Object.hasOwn(params, param.name) ? params[param.name] : undefined;
  if (value === undefined) throw new FilterError(`missing value for parameter '${param.name}'`, param.start);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new FilterError(`parameter '${param.name}' is not a finite number`, param.start);
  }
  if (value instanceof Date) {
    if (!Number.isNaN(value.getTime())) return value.toISOString();
    throw new FilterError(`parameter '${param.name}' is an invalid date`, param.start);
  }
  throw new FilterError(`parameter '${param.name}' must be a string, number, boolean, null or Date`, param.start);
}
