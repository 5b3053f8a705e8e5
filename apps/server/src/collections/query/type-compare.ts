import { baseOp, isAnyOp, type BaseOp, type CompareExpr } from '@basalt/filter';
import type { FilterContext } from './filter-context.js';
import { invalidFilter, isUuid, parseTimestamp } from './filter-values.js';
import { resolveOperand, type ColumnRef, type ConstantValue, type ResolvedOperand, type ValueKind } from './resolve-operand.js';

/**
 * A value as both engines compare it: text, numbers and booleans as they are; dates as epoch
 * milliseconds; uuids lowercased (or NO_ID); json only as null or not (any non-null marker).
 */
export type Normal = string | number | boolean | null;

/**
 * `''` compared with an id: "no id", as a guest's `@request.auth.id` is. It equals no id and not
 * NULL either, so `author = @request.auth.id` matches nothing for a guest (rather than every
 * record without an author) and `!=` holds for every record. `author = null` tests for "empty".
 */
export const NO_ID = '';

export type Side =
  | {
      type: 'column';
      ref: ColumnRef;
      /** An array column: each element has the comparison's kind. */
      multi: boolean;
      /** `meta.key`: read one key of a json column, as the comparison's kind. */
      jsonKey?: string;
    }
  | { type: 'constant'; value: Normal | Normal[] };

/** One comparison, typed once; the SQL compiler and the in-memory evaluator both execute this. */
export interface TypedCompare {
  op: BaseOp;
  kind: ValueKind;
  /** For `?op`, the side holding the list; each element is compared with the other side. */
  arraySide: 'left' | 'right' | null;
  left: Side;
  right: Side;
}

const OPS_BY_KIND: Record<ValueKind, readonly BaseOp[]> = {
  text: ['=', '!=', '>', '>=', '<', '<=', '~', '!~'],
  number: ['=', '!=', '>', '>=', '<', '<='],
  date: ['=', '!=', '>', '>=', '<', '<='],
  boolean: ['=', '!='],
  uuid: ['=', '!='],
  json: ['=', '!='],
};

/** What a constant is before it meets the other side: a string may still become a date or a uuid. */
type ConstantClass = 'string' | 'number' | 'boolean' | 'date' | 'null';
type Shape = { type: 'kind'; kind: ValueKind } | { type: 'jsonKey' } | { type: 'constant'; of: ConstantClass };

/** Types `expr` against the context's collection, or throws `invalid_filter` at the offending node. */
export function typeCompare(expr: CompareExpr, ctx: FilterContext): TypedCompare {
  const left = resolveOperand(expr.left, ctx);
  const right = resolveOperand(expr.right, ctx);
  const arraySide = checkArrays(expr, left, right);
  const op = baseOp(expr.op);
  const kind = unify(shapeOf(left), shapeOf(right), op, left, right);
  if (!OPS_BY_KIND[kind].includes(op)) {
    throw invalidFilter(`operator ${expr.op} does not apply to ${kind} values`, expr.start);
  }
  return { op, kind, arraySide, left: toSide(left, kind), right: toSide(right, kind) };
}

function isList(operand: ResolvedOperand): boolean {
  return operand.type === 'column' ? operand.multi : operand.type === 'constant' && Array.isArray(operand.value);
}

function checkArrays(expr: CompareExpr, left: ResolvedOperand, right: ResolvedOperand): 'left' | 'right' | null {
  const [l, r] = [isList(left), isList(right)];
  if (l && r) throw invalidFilter(`both sides of ${expr.op} are lists; one side must be a single value`, expr.start);
  if (isAnyOp(expr.op)) {
    // A list the request does not carry (`@request.body.tags` left out, a user without labels) is
    // an empty list, so the rule is simply false instead of failing the request.
    if (!l && !r && isMissingContextValue(left)) return 'left';
    if (!l && !r && isMissingContextValue(right)) return 'right';
    if (!l && !r) {
      throw invalidFilter(`${expr.op} needs a multi-valued field or a list on one side, but ${describe(left)} and ${describe(right)} are single values`, expr.start);
    }
    return l ? 'left' : 'right';
  }
  const list = l ? left : r ? right : null;
  if (list) throw invalidFilter(`${describe(list)} holds several values; use ?${expr.op} to match any of them`, list.node.start);
  return null;
}

function isMissingContextValue(operand: ResolvedOperand): boolean {
  return operand.type === 'constant' && operand.value === null && (operand.node.type === 'auth' || operand.node.type === 'body');
}

function shapeOf(operand: ResolvedOperand): Shape {
  if (operand.type === 'column') return { type: 'kind', kind: operand.kind };
  if (operand.type === 'jsonKey') return { type: 'jsonKey' };
  const values = Array.isArray(operand.value) ? operand.value : [operand.value];
  const classes = new Set(values.map(classOf).filter((c) => c !== 'null'));
  if (classes.size > 1) throw invalidFilter(`${describe(operand)} mixes values of different types`, operand.node.start);
  return { type: 'constant', of: [...classes][0] ?? 'null' };
}

function classOf(value: ConstantValue): ConstantClass {
  if (value === null) return 'null';
  if (value instanceof Date) return 'date';
  return typeof value as 'string' | 'number' | 'boolean';
}

/** The kinds a constant of each class may take. */
const FITS: Record<ConstantClass, readonly ValueKind[]> = {
  string: ['text', 'date', 'uuid'],
  number: ['number'],
  boolean: ['boolean'],
  date: ['date'],
  null: ['text', 'number', 'boolean', 'date', 'uuid', 'json'],
};
/** A json key is read as text, a number or a boolean (or tested for null) to suit the other side. */
const JSON_KEY_KINDS: readonly ValueKind[] = ['text', 'number', 'boolean'];

function unify(a: Shape, b: Shape, op: BaseOp, left: ResolvedOperand, right: ResolvedOperand): ValueKind {
  if (op === '~' || op === '!~') {
    // Contains is a text operation whatever the operands look like.
    for (const [shape, operand] of [[a, left], [b, right]] as const) {
      if (!fits(shape, 'text')) throw mismatch(`${op} compares text, but ${describe(operand)} is not text`, operand);
    }
    return 'text';
  }
  if (a.type === 'kind' && b.type === 'kind') {
    if (a.kind !== b.kind || a.kind === 'json') throw mismatch(`cannot compare ${describe(left)} with ${describe(right)}`, right);
    return a.kind;
  }
  if (a.type === 'kind' || b.type === 'kind') {
    const [fixed, other, otherOperand] = a.type === 'kind' ? [a.kind, b, right] : [(b as { kind: ValueKind }).kind, a, left];
    if (!fits(other, fixed)) throw mismatch(`cannot compare ${describe(left)} with ${describe(right)}`, otherOperand);
    return fixed;
  }
  if (a.type === 'jsonKey' && b.type === 'jsonKey') throw mismatch(`cannot compare two json keys`, right);
  if (a.type === 'jsonKey' || b.type === 'jsonKey') {
    const [constant, operand] = a.type === 'constant' ? [a.of, left] : [(b as { of: ConstantClass }).of, right];
    if (constant === 'null') return 'json';
    const kind = constant === 'string' ? 'text' : constant;
    if (!JSON_KEY_KINDS.includes(kind)) throw mismatch(`cannot compare a json key with ${describe(operand)}`, operand);
    return kind;
  }
  return constantsKind((a as { of: ConstantClass }).of, (b as { of: ConstantClass }).of, left, right);
}

/** Two constants (folded before any SQL runs): a string meets a date as a timestamp. */
function constantsKind(a: ConstantClass, b: ConstantClass, left: ResolvedOperand, right: ResolvedOperand): ValueKind {
  if (a === 'null' && b === 'null') return 'text';
  if (a === 'null') return kindOfClass(b as Exclude<ConstantClass, 'null'>);
  if (b === 'null' || a === b) return kindOfClass(a);
  if ((a === 'string' && b === 'date') || (a === 'date' && b === 'string')) return 'date';
  throw mismatch(`cannot compare ${describe(left)} with ${describe(right)}`, right);
}

function kindOfClass(c: Exclude<ConstantClass, 'null'>): ValueKind {
  return c === 'string' ? 'text' : c;
}

function fits(shape: Shape, kind: ValueKind): boolean {
  if (shape.type === 'kind') return shape.kind === kind;
  if (shape.type === 'jsonKey') return JSON_KEY_KINDS.includes(kind);
  return FITS[shape.of].includes(kind);
}

function toSide(operand: ResolvedOperand, kind: ValueKind): Side {
  if (operand.type === 'column') return { type: 'column', ref: operand.ref, multi: operand.multi };
  if (operand.type === 'jsonKey') return { type: 'column', ref: operand.ref, multi: false, jsonKey: operand.key };
  const value = operand.value;
  return { type: 'constant', value: Array.isArray(value) ? value.map((v) => normalize(v, kind, operand)) : normalize(value, kind, operand) };
}

function normalize(value: ConstantValue, kind: ValueKind, operand: ResolvedOperand): Normal {
  if (value === null) return null;
  if (kind === 'date') {
    const millis = value instanceof Date ? value.getTime() : parseTimestamp(value as string);
    if (millis === null || Number.isNaN(millis)) throw mismatch(`${JSON.stringify(value)} is not a valid date`, operand);
    return millis;
  }
  if (kind === 'uuid') {
    const text = value as string;
    if (text === '') return NO_ID;
    if (!isUuid(text)) throw mismatch(`${JSON.stringify(text)} is not a valid id`, operand);
    return text.toLowerCase();
  }
  return value as Normal;
}

function mismatch(message: string, operand: ResolvedOperand) {
  return invalidFilter(message, operand.node.start);
}

function describe(operand: ResolvedOperand): string {
  if (operand.type === 'column') return `${operand.multi ? 'multi-valued ' : ''}${operand.kind} field '${operand.name}'`;
  if (operand.type === 'jsonKey') return `json key '${operand.name}'`;
  const node = operand.node;
  const what = Array.isArray(operand.value) ? 'a list' : operand.value === null ? 'null' : `a ${classOf(operand.value)}`;
  if (node.type === 'auth' || node.type === 'body') return `@request.${node.type}.${node.path.join('.')} (${what})`;
  return what;
}
