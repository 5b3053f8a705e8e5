import type { Field } from '@basalt/contracts';
import { AppError, Errors } from '../../common/app-error.js';
import { isUuid } from '../../common/ids.js';
import type { CollectionSchema } from '../schema/collection-schema.js';
import { checkFieldValue, isEmptyValue } from './field-values.js';
import { PROTECTED_AUTH_FIELDS } from './record-access.js';

export interface CheckedInput {
  /** Field name -> checked value (API shape), only for fields the body set or that take a default. */
  values: Map<Field, unknown>;
  /** A client-chosen id (create only). */
  id?: string;
}

const SYSTEM_KEYS = new Set(['createdAt', 'updatedAt', 'expand', 'collection']);

/**
 * Validates a create or update body against the schema, naming every bad field in `details`.
 * Unknown keys are refused; system fields are immutable; on create, defaults fill what is missing.
 */
export function checkRecordInput(schema: CollectionSchema, body: unknown, mode: 'create' | 'update', privileged: boolean): CheckedInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw Errors.validation({ body: 'must be a JSON object' });
  const input = body as Record<string, unknown>;
  // No prototype: a body key such as "__proto__" must land here as a plain entry and be refused.
  const problems: Record<string, string> = Object.create(null);
  const values = new Map<Field, unknown>();
  let id: string | undefined;
  const byName = new Map(schema.fields.map((f) => [f.name, f]));

  for (const [key, value] of Object.entries(input)) {
    if (key === 'id') {
      if (mode === 'update') {
        problems.id = 'cannot be changed';
      } else if (!isUuid(value)) {
        problems.id = 'must be a UUID';
      } else {
        id = value.toLowerCase();
      }
      continue;
    }
    if (SYSTEM_KEYS.has(key)) {
      problems[key] = 'is set by the server';
      continue;
    }
    const field = byName.get(key);
    if (!field) {
      problems[key] = `is not a field of ${schema.name}`;
      continue;
    }
    if (schema.kind === 'auth' && !privileged && PROTECTED_AUTH_FIELDS.includes(key)) {
      problems[key] = 'cannot be set here';
      continue;
    }
    const checked = checkFieldValue(field, value);
    if (checked.ok) values.set(field, checked.value);
    else problems[key] = checked.problem;
  }

  if (mode === 'create') {
    for (const field of schema.fields) {
      if (values.has(field) || problems[field.name]) continue;
      if (field.default !== undefined) values.set(field, structuredClone(field.default));
      else if (field.required) problems[field.name] = 'is required';
    }
  }
  for (const [field, value] of values) {
    if (field.required && isEmptyValue(value) && !problems[field.name]) problems[field.name] = 'is required';
  }
  if (Object.keys(problems).length) throw Errors.validation(problems);
  return { values, id };
}

/** A Postgres error raised by a write, as the API reports it. */
export function writeError(e: unknown, schema: CollectionSchema): AppError | null {
  const err = (e as { driverError?: { code?: string; detail?: string; constraint?: string } }).driverError;
  if (!err?.code) return null;
  // Postgres names the key's columns in the detail: Key (a, "b")=(...) already exists.
  const columns = (/Key \(([^)]+)\)=/.exec(err.detail ?? '')?.[1] ?? '').split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
  const known = columns.filter((c) => c === 'id' || schema.fields.some((f) => f.name === c));
  const field = known[0];
  if (err.code === '23505') {
    const details = known.length ? Object.fromEntries(known.map((c) => [c, known.length > 1 ? `must be unique together with ${known.filter((k) => k !== c).join(', ')}` : 'must be unique'])) : undefined;
    return new AppError('conflict', `${known.join(', ') || 'a value'}: must be unique; a record with this value already exists`, details);
  }
  if (err.code === '23503') {
    if (/still referenced/.test(err.detail ?? '')) return new AppError('conflict', 'other records still point at this record (their relation forbids deleting it)');
    if (field) return new AppError('validation_failed', `${field}: no record with that id`, { [field]: 'no record with that id' });
    return new AppError('validation_failed', 'a related record does not exist');
  }
  return null;
}
