import { randomBytes } from 'node:crypto';
import type { CollectionIndex, CollectionRules, RuleName } from '@basalt/contracts';
import { AppError, Errors } from '../../common/app-error.js';
import { uuidv7 } from '../../common/ids.js';
import { parseForCollection } from '../query/parse-for-collection.js';
import { checkFieldValue } from '../records/field-values.js';
import type { CollectionSchema, SchemaLookup } from './collection-schema.js';
import { COLLECTION_NAME, FIELD_NAME, validateFieldList } from './field-validator.js';

export interface SchemaInput {
  name?: unknown;
  fields?: unknown;
  indexes?: unknown;
  rules?: unknown;
}

const RULE_NAMES: RuleName[] = ['list', 'view', 'create', 'update', 'delete'];
const MAX_INDEXES = 20;
const SYSTEM_COLUMNS = ['id', 'createdAt', 'updatedAt'];

/** A new collection: admins-only rules until the admin opens them. */
export function buildNewSchema(input: SchemaInput, registry: SchemaLookup): CollectionSchema {
  const problems: Record<string, string> = {};
  const name = checkName(input.name, problems);
  if (name && registry.get(name)) throw Errors.conflict(`a collection named ${name} already exists`);
  const fields = validateFieldList(input.fields ?? [], problems).map((f) => ({ ...f, id: newFieldId() }));
  const now = new Date();
  const draft: CollectionSchema = {
    id: uuidv7(),
    name: name ?? '',
    kind: 'base',
    fields,
    indexes: [],
    rules: { list: null, view: null, create: null, update: null, delete: null },
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  return finish(draft, input, registry, problems);
}

/** A change to an existing collection: fields matched by id; system fields stay as they are. */
export function buildChangedSchema(current: CollectionSchema, input: SchemaInput, registry: SchemaLookup): CollectionSchema {
  const problems: Record<string, string> = {};
  let name = current.name;
  if (input.name !== undefined) {
    name = checkName(input.name, problems) ?? current.name;
    if (name !== current.name && current.kind === 'auth') problems.name = `the ${current.name} collection cannot be renamed`;
    else if (name !== current.name && registry.get(name)) throw Errors.conflict(`a collection named ${name} already exists`);
  }
  let fields = current.fields;
  if (input.fields !== undefined) {
    const byId = new Map(current.fields.map((f) => [f.id!, f]));
    const incoming = validateFieldList(input.fields, problems);
    incoming.forEach((f, i) => {
      if (f.id !== undefined && !byId.has(f.id)) problems[`fields.${i}.id`] = 'is not a field of this collection';
      const old = f.id ? byId.get(f.id) : undefined;
      if (old?.system && (f.name !== old.name || f.type !== old.type)) problems[`fields.${i}`] = `${old.name} is built in: it cannot be renamed or retyped`;
    });
    const keptIds = new Set(incoming.map((f) => f.id).filter(Boolean));
    current.fields.filter((f) => f.system && !keptIds.has(f.id)).forEach((f) => (problems[`fields`] = `${f.name} is built in and cannot be removed`));
    fields = incoming.map((f) => {
      const old = f.id ? byId.get(f.id) : undefined;
      // Built-in fields keep their definition except what an admin may tune on them.
      if (old?.system) return { ...old, hidden: f.hidden ?? old.hidden };
      return { ...f, id: f.id ?? newFieldId() };
    });
  }
  const draft: CollectionSchema = { ...current, name, fields, version: current.version + 1, updatedAt: new Date() };
  return finish(draft, { ...input, indexes: input.indexes ?? current.indexes, rules: { ...current.rules, ...(input.rules as object) } }, registry, problems);
}

function finish(draft: CollectionSchema, input: SchemaInput, registry: SchemaLookup, problems: Record<string, string>): CollectionSchema {
  const lookup: SchemaLookup = { get: (n) => (n === draft.name ? draft : registry.get(n)) };
  draft.fields.forEach((f, i) => {
    if (f.type === 'relation' && !lookup.get(f.collection)) problems[`fields.${i}.collection`] = `no collection named ${f.collection}`;
    if (f.default !== undefined) {
      const checked = checkFieldValue(f, f.default);
      if (!checked.ok) problems[`fields.${i}.default`] = checked.problem;
    }
  });
  draft.indexes = checkIndexes(input.indexes ?? [], draft, problems);
  if (Object.keys(problems).length) throw Errors.validation(problems);
  draft.rules = checkRules(input.rules ?? {}, draft, lookup);
  return draft;
}

function checkName(raw: unknown, problems: Record<string, string>): string | null {
  if (typeof raw !== 'string' || !COLLECTION_NAME.test(raw)) {
    problems.name = 'must match ^[a-z][a-z0-9_]{0,62}$';
    return null;
  }
  return raw;
}

function checkIndexes(raw: unknown, s: CollectionSchema, problems: Record<string, string>): CollectionIndex[] {
  if (!Array.isArray(raw) || raw.length > MAX_INDEXES) {
    problems.indexes = `must be a list of at most ${MAX_INDEXES} indexes`;
    return [];
  }
  const names = new Set([...SYSTEM_COLUMNS, ...s.fields.map((f) => f.name)]);
  return raw.flatMap((ix: unknown, i) => {
    const o = ix as { fields?: unknown; unique?: unknown };
    const ok =
      typeof ix === 'object' && ix !== null && Array.isArray(o.fields) && o.fields.length > 0 && o.fields.length <= 8 &&
      o.fields.every((f) => typeof f === 'string' && FIELD_NAME.test(f) && names.has(f)) && new Set(o.fields).size === o.fields.length &&
      (o.unique === undefined || typeof o.unique === 'boolean') && Object.keys(o).every((k) => k === 'fields' || k === 'unique');
    if (!ok) {
      problems[`indexes.${i}`] = 'must be {fields: [1 to 8 field names of this collection], unique?: boolean}';
      return [];
    }
    return [{ fields: o.fields as string[], ...(o.unique ? { unique: true } : {}) }];
  });
}

function checkRules(raw: unknown, s: CollectionSchema, schemas: SchemaLookup): CollectionRules {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw Errors.validation({ rules: 'must be an object' });
  const input = raw as Record<string, unknown>;
  const rules = { ...s.rules };
  for (const key of Object.keys(input)) {
    if (!RULE_NAMES.includes(key as RuleName)) throw Errors.validation({ [`rules.${key}`]: 'is not a rule: use list, view, create, update or delete' });
    const value = input[key];
    if (value !== null && typeof value !== 'string') throw Errors.validation({ [`rules.${key}`]: 'must be null, "" or a filter expression' });
    if (typeof value === 'string') {
      try {
        parseForCollection(value, { collection: s, schemas, auth: { id: '', roles: [] }, body: {}, now: new Date(), allowHidden: true });
      } catch (e) {
        if (e instanceof AppError && e.code === 'invalid_filter') {
          throw new AppError('invalid_filter', `rules.${key}: ${e.message}`, { ...e.details, rule: key });
        }
        throw e;
      }
    }
    rules[key as RuleName] = value as string | null;
  }
  return rules;
}

function newFieldId(): string {
  return `f_${randomBytes(6).toString('hex')}`;
}
