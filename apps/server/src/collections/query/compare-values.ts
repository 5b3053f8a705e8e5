import type { BaseOp } from '@basalt/filter';
import { compareText, containsFolded } from './filter-values.js';
import type { ValueKind } from './resolve-operand.js';
import type { Normal, TypedCompare } from './type-compare.js';

/**
 * The comparison semantics in JS; sql-filter.ts writes the same rules in SQL (see its header).
 * Values arrive normalized (type-compare.ts / memory-filter.ts): dates as epoch milliseconds,
 * uuids lowercased, a json value as `null` or any non-null marker.
 */
export function compareScalars(op: BaseOp, kind: ValueKind, a: Normal, b: Normal): boolean {
  if (kind === 'text') return compareTextValues(op, a as string | null, b as string | null);
  if (kind === 'json') {
    // json only compares with null: "is this value (or key) absent or JSON null".
    const bothNull = a === null && b === null;
    return op === '=' ? bothNull : !bothNull;
  }
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    default:
      return a !== null && b !== null && ordered(op, a < b ? -1 : a > b ? 1 : 0);
  }
}

/** NULL and '' are one value for = != ~ !~; ordering with a NULL side is false. */
function compareTextValues(op: BaseOp, a: string | null, b: string | null): boolean {
  switch (op) {
    case '=':
      return (a ?? '') === (b ?? '');
    case '!=':
      return (a ?? '') !== (b ?? '');
    case '~':
      return containsFolded(a ?? '', b ?? '');
    case '!~':
      return !containsFolded(a ?? '', b ?? '');
    default:
      return a !== null && b !== null && ordered(op, compareText(a, b));
  }
}

function ordered(op: BaseOp, sign: number): boolean {
  switch (op) {
    case '<':
      return sign < 0;
    case '<=':
      return sign <= 0;
    case '>':
      return sign > 0;
    case '>=':
      return sign >= 0;
    default:
      throw new Error(`not an ordering operator: ${op}`);
  }
}

/**
 * A whole typed comparison over resolved values. For `?op` the list side is an array (a NULL list
 * is empty) and the comparison holds when it holds for at least one element: an empty list never matches.
 */
export function compareResolved(t: TypedCompare, left: Normal | Normal[], right: Normal | Normal[]): boolean {
  if (t.arraySide === 'left') return asList(left).some((element) => compareScalars(t.op, t.kind, element, right as Normal));
  if (t.arraySide === 'right') return asList(right).some((element) => compareScalars(t.op, t.kind, left as Normal, element));
  return compareScalars(t.op, t.kind, left as Normal, right as Normal);
}

function asList(value: Normal | Normal[]): Normal[] {
  return Array.isArray(value) ? value : [];
}
