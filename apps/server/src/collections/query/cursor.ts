import { AppError } from '../../common/app-error.js';
import { quoteIdent, SYSTEM_COLUMNS } from '../schema/collection-schema.js';
import { assertSafeAlias, type SqlParams } from './filter-context.js';
import { dateValue, isUuid } from './filter-values.js';
import { SQL_TYPES } from './resolve-operand.js';
import { sortSignature, type SortKey } from './sort.js';

/** A cursor is small (at most 8 keys plus id); anything much longer is not one of ours. */
const MAX_CURSOR_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

type CursorValue = string | number | boolean | null;

interface CursorPayload {
  /** The sort signature the cursor was made for. */
  s: string;
  /** The last row's value for each key, in key order. */
  v: CursorValue[];
}

/**
 * An opaque cursor after `row`, the last row of a page. `row` may be a pg row or an API record:
 * it must hold every sort key's column; dates may be Date or ISO strings. Dates are kept as ISO
 * strings, so they round-trip exactly only at the precision the row carries. pg hands timestamptz
 * over as a JS Date (milliseconds), so this relies on the records layer storing createdAt,
 * updatedAt and date fields truncated to milliseconds: a stored microsecond would put the cursor
 * just before its own row, which the next page would then repeat.
 */
export function encodeCursor(keys: readonly SortKey[], row: Record<string, unknown>): string {
  const values = keys.map((key) => {
    if (!Object.hasOwn(row, key.field)) throw new Error(`encodeCursor: the row has no '${key.field}' (sort columns must be selected)`);
    return cursorValue(key, row[key.field]);
  });
  const payload: CursorPayload = { s: sortSignature(keys), v: values };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/**
 * The keyset condition "strictly after the cursor row" under orderBySql's order (ASC NULLS LAST,
 * DESC NULLS FIRST). Written as an OR of "equal on the first i-1 keys and after on key i", because
 * a row-value comparison `(a, b) > ($1, $2)` is wrong with NULLs and with mixed directions.
 */
export function cursorCondition(keys: readonly SortKey[], cursor: string, params: SqlParams, alias = 'r'): string {
  assertSafeAlias(alias);
  const values = decodeCursor(keys, cursor);
  const bound = values.map((value, i) => (value === null ? null : `${params.add(value)}::${SQL_TYPES[keys[i].kind]}`));
  const equalSoFar: string[] = [];
  const branches: string[] = [];
  keys.forEach((key, i) => {
    const column = `${alias}.${quoteIdent(key.field)}`;
    const value = bound[i];
    // System columns are NOT NULL, which keeps their condition a plain range an index can serve.
    const after = afterCondition(column, value, key.desc, !(SYSTEM_COLUMNS as readonly string[]).includes(key.field));
    if (after !== null) branches.push([...equalSoFar, after].join(' AND '));
    equalSoFar.push(value === null ? `${column} IS NULL` : `${column} = ${value}`);
  });
  return branches.length === 0 ? 'FALSE' : `(${branches.map((branch) => `(${branch})`).join(' OR ')})`;
}

/** Rows ordered after `value` on one key; null when none can be (the cursor sits at the key's last NULLs). */
function afterCondition(column: string, value: string | null, desc: boolean, nullable: boolean): string | null {
  if (desc) return value === null ? `${column} IS NOT NULL` : `${column} < ${value}`;
  if (value === null) return null;
  return nullable ? `(${column} > ${value} OR ${column} IS NULL)` : `${column} > ${value}`;
}

function cursorValue(key: SortKey, value: unknown): CursorValue {
  if (value === null || value === undefined) return null;
  if (key.kind === 'date') {
    if (value instanceof Date) return value.toISOString();
    if (typeof value === 'string') return value;
  }
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  throw new Error(`encodeCursor: '${key.field}' holds a value a cursor cannot keep`);
}

function decodeCursor(keys: readonly SortKey[], cursor: string): CursorValue[] {
  if (typeof cursor !== 'string' || cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) throw cursorError('is malformed');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw cursorError('is malformed');
  }
  if (typeof payload !== 'object' || payload === null || typeof (payload as CursorPayload).s !== 'string' || !Array.isArray((payload as CursorPayload).v)) {
    throw cursorError('is malformed');
  }
  const { s, v } = payload as CursorPayload;
  if (s !== sortSignature(keys)) throw cursorError('was made for another sort order; start again without a cursor');
  if (v.length !== keys.length || !keys.every((key, i) => fits(key, v[i]))) throw cursorError('is malformed');
  return v;
}

/** A decoded value must be one the key could hold, so nothing odd is ever bound (or fails as a 500). */
function fits(key: SortKey, value: unknown): boolean {
  if (value === null) return key.field !== 'id';
  switch (key.kind) {
    case 'text':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'date':
      return typeof value === 'string' && dateValue(value) !== null;
    case 'uuid':
      return typeof value === 'string' && isUuid(value);
    case 'json':
      return false;
  }
}

function cursorError(problem: string): AppError {
  return new AppError('validation_failed', `cursor: ${problem}`, { cursor: problem });
}
