import type { Field } from '@basalt/contracts';
import { isUuid } from '../../common/ids.js';
import { isMulti } from '../schema/collection-schema.js';

export type Checked = { ok: true; value: unknown } | { ok: false; problem: string };

const EMAIL = /^[^\s@"<>()[\],;:\\]+@[^\s@"<>()[\],;:\\]+\.[^\s@"<>()[\],;:\\]+$/;
const MAX_TEXT = 100_000;
const MAX_JSON_BYTES = 512 * 1024;
const MAX_LIST = 1000;

const ok = (value: unknown): Checked => ({ ok: true, value });
const no = (problem: string): Checked => ({ ok: false, problem });

/** Empty for `required`: null, '', or an empty list. */
export function isEmptyValue(v: unknown): boolean {
  return v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * Checks and normalises one value for a field (emails lowercased, dates to ISO). `null` clears an
 * optional field. Returns the value in API shape; `toColumn` turns it into a bind parameter.
 */
export function checkFieldValue(field: Field, value: unknown): Checked {
  if (value === null) return field.required ? no('is required') : ok(null);
  if (isMulti(field)) {
    if (!Array.isArray(value)) return no('must be a list');
    if (value.length > MAX_LIST) return no(`must have at most ${MAX_LIST} items`);
    const out: unknown[] = [];
    for (const item of value) {
      const r = checkScalar(field, item);
      if (!r.ok) return r;
      out.push(r.value);
    }
    if (field.type !== 'text' && new Set(out).size !== out.length) return no('must not repeat a value');
    if (field.required && out.length === 0) return no('is required');
    return ok(out);
  }
  const r = checkScalar(field, value);
  if (r.ok && field.required && r.value === '') return no('is required');
  return r;
}

function checkScalar(field: Field, v: unknown): Checked {
  // Postgres text and jsonb cannot hold U+0000.
  if (typeof v === 'string' && v.includes('\u0000')) return no('must not contain NUL characters');
  switch (field.type) {
    case 'text': {
      if (typeof v !== 'string') return no('must be a string');
      const length = [...v].length;
      if (v.length > MAX_TEXT) return no(`must be at most ${MAX_TEXT} characters`);
      if (field.min !== undefined && length < field.min && !(length === 0 && !field.required)) return no(`must be at least ${field.min} characters`);
      if (field.max !== undefined && length > field.max) return no(`must be at most ${field.max} characters`);
      if (field.pattern && v !== '' && !new RegExp(field.pattern, 'u').test(v)) return no(`must match ${field.pattern}`);
      return ok(v);
    }
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return no('must be a number');
      if (field.integer && !Number.isSafeInteger(v)) return no('must be a whole number');
      if (field.min !== undefined && v < field.min) return no(`must be at least ${field.min}`);
      if (field.max !== undefined && v > field.max) return no(`must be at most ${field.max}`);
      return ok(v);
    case 'boolean':
      return typeof v === 'boolean' ? ok(v) : no('must be true or false');
    case 'date': {
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(v)) return no('must be an ISO 8601 date');
      const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
      if (Number.isNaN(t)) return no('must be an ISO 8601 date');
      if (field.min !== undefined && t < Date.parse(field.min)) return no(`must be on or after ${field.min}`);
      if (field.max !== undefined && t > Date.parse(field.max)) return no(`must be on or before ${field.max}`);
      return ok(new Date(t).toISOString());
    }
    case 'email':
      if (typeof v !== 'string') return no('must be a string');
      if (v === '') return ok('');
      return v.length <= 254 && EMAIL.test(v) ? ok(v.toLowerCase()) : no('must be an email address');
    case 'url': {
      if (typeof v !== 'string') return no('must be a string');
      if (v === '') return ok('');
      try {
        const u = new URL(v);
        return (u.protocol === 'http:' || u.protocol === 'https:') && v.length <= 2000 ? ok(v) : no('must be an http(s) URL');
      } catch {
        return no('must be an http(s) URL');
      }
    }
    case 'select':
      if (typeof v !== 'string') return no('must be a string');
      if (v === '' && !field.multiple) return ok('');
      return field.values.includes(v) ? ok(v) : no(`must be one of ${field.values.map((x) => JSON.stringify(x)).join(', ')}`);
    case 'relation':
      if (v === '' && !field.multiple) return ok(null);
      return isUuid(v) ? ok(v.toLowerCase()) : no('must be a record id');
    case 'file':
      if (v === '' && !field.multiple) return ok(null);
      return isUuid(v) ? ok(v.toLowerCase()) : no('must be a file id');
    case 'json': {
      const text = JSON.stringify(v);
      if (text === undefined) return no('must be a JSON value');
      if (hasNul(v)) return no('must not contain NUL characters');
      return Buffer.byteLength(text) <= MAX_JSON_BYTES ? ok(v) : no(`must be at most ${MAX_JSON_BYTES} bytes of JSON`);
    }
  }
}

/** Whether any string or key inside a JSON value holds U+0000. */
function hasNul(v: unknown): boolean {
  if (typeof v === 'string') return v.includes('\u0000');
  if (Array.isArray(v)) return v.some(hasNul);
  if (v && typeof v === 'object') return Object.entries(v).some(([k, x]) => k.includes('\u0000') || hasNul(x));
  return false;
}

/** The bind parameter for a checked value (jsonb is sent as text: pg would turn a JS array into a Postgres array). */
export function toColumn(field: Field, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === 'json') return JSON.stringify(value);
  return value;
}

/** A column value read back from pg, in API shape. */
export function fromColumn(field: Field | undefined, value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === null && field && isMulti(field)) return [];
  return value;
}
