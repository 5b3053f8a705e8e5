import { AppError } from '../../common/app-error.js';
import { quoteIdent } from '../schema/collection-schema.js';
import { assertSafeAlias, type FilterContext } from './filter-context.js';
import { columnInfo, type ValueKind } from './resolve-operand.js';

/** One ORDER BY term over a column of the collection's own table. */
export interface SortKey {
  field: string;
  desc: boolean;
  /** How the column's values look, so a cursor can check and cast them. */
  kind: ValueKind;
}

export const MAX_SORT_KEYS = 8;

/**
 * `sort=-score,title` -> keys, with `id` appended (ascending) unless the caller named it, so
 * the order is total and keyset cursors never skip or repeat rows that tie on every other key.
 * Only scalar fields sort: a list or a json value has no order a client could predict.
 */
export function compileSort(sort: string | undefined, ctx: FilterContext): SortKey[] {
  const keys: SortKey[] = [];
  const terms = sort === undefined || sort.trim() === '' ? [] : sort.split(',');
  if (terms.length > MAX_SORT_KEYS) throw sortError(`at most ${MAX_SORT_KEYS} keys`);
  for (const raw of terms) {
    const term = raw.trim();
    const desc = term.startsWith('-');
    const field = term.replace(/^[-+]/, '');
    if (field === '') throw sortError('has an empty key');
    const info = columnInfo(ctx.collection, field, ctx.allowHidden);
    if (!info) throw sortError(`unknown field '${field}'`);
    if (info.multi || info.kind === 'json') throw sortError(`cannot sort by '${field}': it holds ${info.multi ? 'several values' : 'json'}`);
    if (keys.some((key) => key.field === field)) throw sortError(`'${field}' appears twice`);
    keys.push({ field, desc, kind: info.kind });
  }
  if (!keys.some((key) => key.field === 'id')) keys.push({ field: 'id', desc: false, kind: 'uuid' });
  return keys;
}

/**
 * NULLS LAST ascending and NULLS FIRST descending (Postgres' defaults, so plain indexes serve
 * both directions), spelled out because cursor.ts builds its conditions on exactly this order.
 */
export function orderBySql(keys: readonly SortKey[], alias = 'r'): string {
  assertSafeAlias(alias);
  return keys.map((key) => `${alias}.${quoteIdent(key.field)} ${key.desc ? 'DESC NULLS FIRST' : 'ASC NULLS LAST'}`).join(', ');
}

/** `-score,title,id`: what a cursor is tagged with, so it is only accepted for the same order. */
export function sortSignature(keys: readonly SortKey[]): string {
  return keys.map((key) => `${key.desc ? '-' : ''}${key.field}`).join(',');
}

function sortError(problem: string): AppError {
  return new AppError('validation_failed', `sort: ${problem}`, { sort: problem });
}
