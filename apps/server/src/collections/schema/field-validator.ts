import { FIELD_TYPES, type Field, RESERVED_FIELD_NAMES } from '@basalt/contracts';
import { Errors } from '../../common/app-error.js';

export const FIELD_NAME = /^[a-z][a-zA-Z0-9_]{0,62}$/;
export const COLLECTION_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const MAX_FIELDS = 100;
const MAX_SELECT_VALUES = 500;
const COMMON_KEYS = ['id', 'name', 'type', 'required', 'unique', 'default', 'hidden', 'system'];
const OPTION_KEYS: Record<Field['type'], string[]> = {
  text: ['min', 'max', 'pattern', 'multiple'],
  number: ['min', 'max', 'integer'],
  boolean: [],
  date: ['min', 'max'],
  email: [],
  url: [],
  select: ['values', 'multiple'],
  relation: ['collection', 'multiple', 'onDelete'],
  file: ['bucket', 'multiple'],
  json: [],
};

type Problems = Record<string, string>;

/**
 * Checks one field definition as sent by an admin; returns it normalised (only known keys).
 * Problems are keyed like `fields.2.max` so the dashboard can place them.
 */
export function validateField(raw: unknown, at: string, problems: Problems): Field | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems[at] = 'must be an object';
    return null;
  }
  const f = raw as Record<string, unknown>;
  const bad = (key: string, problem: string) => {
    problems[`${at}.${key}`] = problem;
  };
  if (typeof f.name !== 'string' || !FIELD_NAME.test(f.name)) bad('name', 'must match ^[a-z][a-zA-Z0-9_]{0,62}$');
  else if ((RESERVED_FIELD_NAMES as readonly string[]).includes(f.name)) bad('name', `"${f.name}" is reserved`);
  if (typeof f.type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(f.type)) {
    bad('type', `must be one of ${FIELD_TYPES.join(', ')}`);
    return null;
  }
  const type = f.type as Field['type'];
  for (const key of Object.keys(f)) {
    if (!COMMON_KEYS.includes(key) && !OPTION_KEYS[type].includes(key)) bad(key, `is not an option of a ${type} field`);
  }
  for (const key of ['required', 'unique', 'hidden', 'multiple', 'integer'] as const) {
    if (f[key] !== undefined && typeof f[key] !== 'boolean') bad(key, 'must be true or false');
  }
  if (f.id !== undefined && (typeof f.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(f.id))) bad('id', 'must be the id the server gave this field');
  checkOptions(type, f, bad);
  const out: Record<string, unknown> = {};
  for (const key of [...COMMON_KEYS, ...OPTION_KEYS[type]]) if (f[key] !== undefined && key !== 'system') out[key] = f[key];
  return out as unknown as Field;
}

function checkOptions(type: Field['type'], f: Record<string, unknown>, bad: (key: string, problem: string) => void): void {
  const isCount = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
  switch (type) {
    case 'text':
      for (const k of ['min', 'max']) if (f[k] !== undefined && !isCount(f[k])) bad(k, 'must be a whole number, 0 or more');
      if (isCount(f.min) && isCount(f.max) && (f.min as number) > (f.max as number)) bad('min', 'must not be more than max');
      if (f.pattern !== undefined) {
        if (typeof f.pattern !== 'string' || f.pattern.length > 500) bad('pattern', 'must be a regular expression of at most 500 characters');
        else {
          try {
            new RegExp(f.pattern, 'u');
          } catch {
            bad('pattern', 'is not a valid regular expression');
          }
        }
      }
      break;
    case 'number':
      for (const k of ['min', 'max']) if (f[k] !== undefined && (typeof f[k] !== 'number' || !Number.isFinite(f[k]))) bad(k, 'must be a number');
      if (typeof f.min === 'number' && typeof f.max === 'number' && f.min > f.max) bad('min', 'must not be more than max');
      break;
    case 'date':
      for (const k of ['min', 'max']) if (f[k] !== undefined && (typeof f[k] !== 'string' || Number.isNaN(Date.parse(f[k] as string)))) bad(k, 'must be an ISO 8601 date');
      break;
    case 'select':
      if (!Array.isArray(f.values) || f.values.length === 0 || f.values.length > MAX_SELECT_VALUES) bad('values', `must list 1 to ${MAX_SELECT_VALUES} values`);
      else if (f.values.some((v) => typeof v !== 'string' || v.length === 0 || v.length > 200)) bad('values', 'must be strings of 1 to 200 characters');
      else if (new Set(f.values).size !== f.values.length) bad('values', 'must not repeat a value');
      break;
    case 'relation':
      if (typeof f.collection !== 'string' || !COLLECTION_NAME.test(f.collection)) bad('collection', 'must name a collection');
      if (f.onDelete !== undefined && !['cascade', 'setNull', 'restrict'].includes(f.onDelete as string)) bad('onDelete', 'must be cascade, setNull or restrict');
      break;
    case 'file':
      if (typeof f.bucket !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(f.bucket)) bad('bucket', 'must name a bucket');
      break;
  }
}

/**
 * Checks the list as a whole (count, duplicate names) and each field. Any problem so far, these or
 * ones the caller collected before, is thrown at once: later checks index fields by position, and
 * positions only mean something in a list where every entry is a field.
 */
export function validateFieldList(raw: unknown, problems: Problems): Field[] {
  if (!Array.isArray(raw)) {
    problems.fields = 'must be a list of fields';
    throw Errors.validation(problems);
  }
  if (raw.length > MAX_FIELDS) problems.fields = `must have at most ${MAX_FIELDS} fields`;
  const fields = raw.map((f, i) => validateField(f, `fields.${i}`, problems));
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    if (f && seen.has(f.name)) problems[`fields.${i}.name`] = `"${f.name}" is used twice`;
    if (f) seen.add(f.name);
  });
  if (Object.keys(problems).length) throw Errors.validation(problems);
  return fields as Field[];
}
