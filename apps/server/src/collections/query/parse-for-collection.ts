import { comparisons, FilterError, parseFilter, type Expr } from '@basalt/filter';
import type { FilterContext } from './filter-context.js';
import { invalidFilter } from './filter-values.js';
import { typeCompare } from './type-compare.js';

/**
 * Parses a filter or rule and type-checks every comparison against `ctx`, so a bad filter is
 * refused (`invalid_filter` with the offending position) before any SQL runs, and a realtime
 * subscription filter can be validated when it is made. `null` means "no filter".
 */
export function parseForCollection(source: string, ctx: FilterContext): Expr | null {
  // Postgres text cannot hold U+0000, so no literal containing it can ever match.
  // A query string can carry an array (`?filter=a&filter=b`); parseFilter refuses it as a bad filter.
  const nul = typeof source === 'string' ? source.indexOf('\u0000') : -1;
  if (nul >= 0) throw invalidFilter('filters must not contain NUL characters', nul);
  let expr: Expr | null;
  try {
    expr = parseFilter(source);
  } catch (error) {
    if (error instanceof FilterError) throw invalidFilter(error.message.replace(/ at position \d+$/, ''), error.position);
    throw error;
  }
  for (const compare of comparisons(expr)) typeCompare(compare, ctx);
  return expr;
}
