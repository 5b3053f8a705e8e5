import { baseOp, type CompareExpr, type Expr, FilterError, isAnyOp, type Operand, parseFilter } from '@basalt/filter';
import { AppError } from './app-error.js';

export type ScalarType = 'text' | 'number' | 'date' | 'boolean';

/** A filterable field of a fixed system table: its SQL column (trusted) and type. */
export interface ScalarField {
  column: string;
  type: ScalarType;
}

export interface CompiledFilter {
  sql: string;
  params: unknown[];
}

const SQL_OPS: Record<string, string> = { '=': '=', '!=': '<>', '>': '>', '>=': '>=', '<': '<', '<=': '<=' };

/**
 * Compiles a filter over a fixed set of scalar columns (request logs and other system lists) to a
 * parameterised WHERE clause. Columns come only from `fields`; every value is a bind parameter.
 * `paramOffset` lets the caller number its own parameters first.
 */
export function compileScalarFilter(source: string, fields: Record<string, ScalarField>, paramOffset = 0): CompiledFilter | null {
  try {
    const expr = parseFilter(source);
    if (!expr) return null;
    const params: unknown[] = [];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${paramOffset + params.length}`;
    };
    return { sql: compileExpr(expr, fields, bind), params };
  } catch (e) {
    throw invalidFilter(e);
  }
}

function compileExpr(e: Expr, fields: Record<string, ScalarField>, bind: (v: unknown) => string): string {
  switch (e.type) {
    case 'or':
    case 'and':
      return `(${e.items.map((i) => compileExpr(i, fields, bind)).join(e.type === 'or' ? ' OR ' : ' AND ')})`;
    case 'not':
      return `(NOT COALESCE(${compileExpr(e.expr, fields, bind)}, false))`;
    case 'compare':
      return compileCompare(e, fields, bind);
  }
}

interface Side {
  sql: string;
  type: ScalarType | 'null';
  /** Set for a string literal: it is text unless the other side is a date field. */
  text?: string;
}

function compileCompare(e: CompareExpr, fields: Record<string, ScalarField>, bind: (v: unknown) => string): string {
  if (isAnyOp(e.op)) throw filterError(`operator ${e.op} needs a multi-valued field`, e.start);
  const left = operand(e.left, fields, bind);
  const right = operand(e.right, fields, bind);
  const op = baseOp(e.op);
  if (op === '~' || op === '!~') {
    if (left.type !== 'text' || right.type !== 'text') throw filterError(`operator ${op} compares text`, e.start);
    // `~` is a contains match: escape LIKE's wildcards so % and _ are literal.
    const pattern = `'%' || replace(replace(replace(${right.sql}, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;
    return `(${left.sql} ${op === '~' ? 'ILIKE' : 'NOT ILIKE'} ${pattern})`;
  }
  if (left.type === 'null' || right.type === 'null') {
    if (op !== '=' && op !== '!=') throw filterError(`only = and != compare with null`, e.start);
    const other = left.type === 'null' ? right : left;
    return `(${other.sql} IS ${op === '=' ? '' : 'NOT '}NULL)`;
  }
  const [l, r] = [asDateIfCompared(left, right, e.start), asDateIfCompared(right, left, e.start)];
  if (l.type !== r.type) throw filterError(`cannot compare ${l.type} with ${r.type}`, e.start);
  return `(${l.sql} ${SQL_OPS[op]} ${r.sql})`;
}

/** A string literal compared with a date field is read as a timestamp (and must be one). */
function asDateIfCompared(side: Side, other: Side, position: number): Side {
  if (side.text === undefined || other.type !== 'date') return side;
  if (Number.isNaN(Date.parse(side.text))) throw filterError(`${JSON.stringify(side.text)} is not a date`, position);
  return { sql: side.sql.replace(/::text$/, '::timestamptz'), type: 'date' };
}

function operand(o: Operand, fields: Record<string, ScalarField>, bind: (v: unknown) => string): Side {
  switch (o.type) {
    case 'field': {
      const name = o.path.join('.');
      const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (!field) throw filterError(`unknown field ${name}; known: ${Object.keys(fields).join(', ')}`, o.start);
      return { sql: field.column, type: field.type };
    }
    case 'literal': {
      const v = o.value;
      if (v === null) return { sql: 'NULL', type: 'null' };
      if (typeof v === 'number') return { sql: `${bind(v)}::double precision`, type: 'number' };
      if (typeof v === 'boolean') return { sql: `${bind(v)}::boolean`, type: 'boolean' };
      return { sql: `${bind(v)}::text`, type: 'text', text: v };
    }
    case 'now':
      return { sql: 'now()', type: 'date' };
    default:
      throw filterError(`${o.type === 'param' ? 'unbound parameter' : '@request'} is not allowed here`, o.start);
  }
}

function filterError(message: string, position: number): FilterError {
  return new FilterError(message, position);
}

export function invalidFilter(e: unknown): AppError {
  if (e instanceof FilterError) return new AppError('invalid_filter', e.message, { position: String(e.position) });
  throw e;
}
