import type { Field } from '@basalt/contracts';
import type { FieldOperand, Operand } from '@basalt/filter';
import { fieldOf, isMulti, SYSTEM_COLUMNS, type CollectionSchema } from '../schema/collection-schema.js';
import type { FilterContext } from './filter-context.js';
import { invalidFilter, ownValue } from './filter-values.js';

/**
 * How a value compares. Text-like fields (text, email, url, select, file) are 'text'; ids and
 * relations 'uuid'; a whole json field 'json'. Multi-valued fields have the kind of their elements.
 */
export type ValueKind = 'text' | 'number' | 'boolean' | 'date' | 'uuid' | 'json';

/** The Postgres type a bound value of each kind is cast to (the column types of column-types.ts). */
export const SQL_TYPES: Readonly<Record<ValueKind, string>> = {
  text: 'text',
  number: 'double precision',
  boolean: 'boolean',
  date: 'timestamptz',
  uuid: 'uuid',
  json: 'jsonb',
};

/** A column of the filtered collection, or of the target of one single relation (`author.name`). */
export interface ColumnRef {
  column: string;
  relation?: { field: string; target: CollectionSchema };
}

/** A value known when the filter is compiled: a literal, `@now`, `@request.auth.*` or `@request.body.*`. */
export type ConstantValue = string | number | boolean | null | Date;

export type ResolvedOperand =
  | { type: 'column'; ref: ColumnRef; kind: ValueKind; multi: boolean; name: string; node: Operand }
  /** `meta.key`: one level into a json field; its kind is chosen by what it is compared with. */
  | { type: 'jsonKey'; ref: ColumnRef; key: string; name: string; node: Operand }
  | { type: 'constant'; value: ConstantValue | ConstantValue[]; node: Operand };

/**
 * Types one operand against the collection's schema, or throws `invalid_filter` at the offending
 * position. Both evaluators start from this, so they cannot disagree on what a name means.
 */
export function resolveOperand(node: Operand, ctx: FilterContext): ResolvedOperand {
  switch (node.type) {
    case 'field':
      return resolveField(node, ctx);
    case 'literal':
      return { type: 'constant', value: node.value, node };
    case 'now':
      return { type: 'constant', value: ctx.now, node };
    case 'auth':
      return { type: 'constant', value: contextValue(ctx.auth, node.path, node), node };
    case 'body':
      return { type: 'constant', value: contextValue(ctx.body, node.path, node), node };
    case 'param':
      throw invalidFilter(`parameter {:${node.name}} has no value`, node.start);
  }
}

interface ColumnInfo {
  kind: ValueKind;
  multi: boolean;
  field?: Field;
}

/** The system columns and the fields a caller may name; a hidden field is unknown to clients. */
export function columnInfo(schema: CollectionSchema, name: string, allowHidden: boolean): ColumnInfo | undefined {
  if ((SYSTEM_COLUMNS as readonly string[]).includes(name)) return { kind: name === 'id' ? 'uuid' : 'date', multi: false };
  const field = fieldOf(schema, name);
  if (!field || (field.hidden === true && !allowHidden)) return undefined;
  return { kind: kindOf(field), multi: isMulti(field), field };
}

export function kindOf(field: Field): ValueKind {
  switch (field.type) {
    case 'text':
    case 'email':
    case 'url':
    case 'select':
    case 'file':
      return 'text';
    case 'number':
    case 'boolean':
    case 'date':
    case 'json':
      return field.type;
    case 'relation':
      return 'uuid';
  }
}

function resolveField(node: FieldOperand, ctx: FilterContext): ResolvedOperand {
  const [name, next, ...rest] = node.path;
  const fullName = node.path.join('.');
  const own = columnInfo(ctx.collection, name, ctx.allowHidden);
  if (!own) throw invalidFilter(`unknown field '${name}' in collection '${ctx.collection.name}'`, node.start);
  if (next === undefined) return { type: 'column', ref: { column: name }, kind: own.kind, multi: own.multi, name: fullName, node };

  const nextAt = node.start + name.length + 1;
  if (rest.length > 0) {
    throw invalidFilter(`'${fullName}' goes too deep: a filter follows one relation or one json key`, nextAt + next.length + 1);
  }
  const field = own.field;
  if (field?.type === 'json') return { type: 'jsonKey', ref: { column: name }, key: next, name: fullName, node };
  if (field?.type !== 'relation') throw invalidFilter(`'${name}' is not a relation or json field, so '${fullName}' means nothing`, nextAt);
  if (field.multiple === true) {
    throw invalidFilter(`'${name}' holds several records and cannot be followed; compare its ids with ?=`, nextAt);
  }
  const target = ctx.schemas.get(field.collection);
  if (!target) throw invalidFilter(`the collection '${field.collection}' of '${name}' does not exist`, node.start);
  const info = columnInfo(target, next, ctx.allowHidden);
  if (!info) throw invalidFilter(`unknown field '${next}' in collection '${target.name}'`, nextAt);
  const ref: ColumnRef = { column: next, relation: { field: name, target } };
  return { type: 'column', ref, kind: info.kind, multi: info.multi, name: fullName, node };
}

/**
 * `@request.auth.x` / `@request.body.x.y`: read at compile time from the context. Missing is null;
 * arrays stay arrays (for `?=`); anything else that is not a plain value cannot be compared.
 */
function contextValue(source: unknown, path: readonly string[], node: Operand): ConstantValue | ConstantValue[] {
  let value: unknown = source;
  for (const key of path) value = ownValue(value, key);
  if (value === undefined || value === null) return null;
  if (isPlain(value)) return value;
  if (Array.isArray(value)) {
    if (value.every((item) => item === null || isPlain(item))) return value as ConstantValue[];
    throw invalidFilter(`the array at '${printPath(node, path)}' holds values that cannot be compared`, node.start);
  }
  throw invalidFilter(`'${printPath(node, path)}' is an object and cannot be compared`, node.start);
}

function isPlain(value: unknown): value is string | number | boolean | Date {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean' || value instanceof Date;
}

function printPath(node: Operand, path: readonly string[]): string {
  return `@request.${node.type}.${path.join('.')}`;
}
