import type { Field, FieldType, OnDelete } from '@basalt/contracts';
import { isoToLocalInput, localInputToIso } from '../../format';

/** One field as the editor holds it: every option as the text of its input, so half-typed values survive. */
export interface FieldDraft {
  /** React key and error anchor: the server id, or a local one for a new field. */
  key: string;
  id?: string;
  /** The field as loaded: built-in fields are sent back as they were, renames are detected against it. */
  original?: Field;
  system: boolean;
  name: string;
  type: FieldType;
  required: boolean;
  unique: boolean;
  hidden: boolean;
  /** '' = no default. Lists are comma-separated, json is JSON text, booleans 'true'/'false', dates datetime-local. */
  default: string;
  min: string;
  max: string;
  pattern: string;
  multiple: boolean;
  integer: boolean;
  /** Select values, comma-separated or one per line. */
  values: string;
  collection: string;
  onDelete: OnDelete | '';
  bucket: string;
}

/** Types whose values may be a list. */
export const MULTIPLE_TYPES: FieldType[] = ['text', 'select', 'relation', 'file'];

interface Options {
  min?: number | string;
  max?: number | string;
  pattern?: string;
  multiple?: boolean;
  integer?: boolean;
  values?: string[];
  collection?: string;
  onDelete?: OnDelete;
  bucket?: string;
}

let nextKey = 1;

export function newFieldDraft(type: FieldType = 'text'): FieldDraft {
  return {
    key: `new-${nextKey++}`, system: false, name: '', type, required: false, unique: false, hidden: false, default: '',
    min: '', max: '', pattern: '', multiple: false, integer: false, values: '', collection: '', onDelete: '', bucket: '',
  };
}

export function fieldToDraft(f: Field): FieldDraft {
  const o = f as Field & Options;
  const bound = (v: number | string | undefined) => (v === undefined ? '' : f.type === 'date' ? isoToLocalInput(String(v)) : String(v));
  return {
    ...newFieldDraft(f.type),
    key: f.id ?? `new-${nextKey++}`,
    id: f.id,
    original: f,
    system: f.system === true,
    name: f.name,
    required: f.required === true,
    unique: f.unique === true,
    hidden: f.hidden === true,
    default: defaultToText(f),
    min: bound(o.min),
    max: bound(o.max),
    pattern: o.pattern ?? '',
    multiple: o.multiple === true,
    integer: o.integer === true,
    values: (o.values ?? []).join(', '),
    collection: o.collection ?? '',
    onDelete: o.onDelete ?? '',
    bucket: o.bucket ?? '',
  };
}

function defaultToText(f: Field): string {
  const v = f.default;
  if (v === undefined || v === null) return '';
  if (f.type === 'json') return JSON.stringify(v);
  if (Array.isArray(v)) return v.join(', ');
  if (f.type === 'date') return isoToLocalInput(String(v));
  return String(v);
}

/** "a, b" or one per line: the list an admin meant, blanks dropped. */
export function splitList(text: string): string[] {
  return text.split(text.includes('\n') ? '\n' : ',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The field to send, or problems keyed like the server's (`fields.2.max`) for what cannot be
 * parsed here. Built-in fields go back as loaded, with only `hidden` changed.
 */
export function draftToField(d: FieldDraft, at: string, problems: Record<string, string>): Field {
  if (d.system && d.original) return { ...d.original, hidden: d.hidden };
  const out: Record<string, unknown> = { name: d.name.trim(), type: d.type };
  if (d.id) out.id = d.id;
  if (d.required) out.required = true;
  if (d.unique) out.unique = true;
  if (d.hidden) out.hidden = true;
  const number = (key: 'min' | 'max', whole: boolean) => {
    const text = d[key].trim();
    if (text === '') return;
    const n = Number(text);
    if (!Number.isFinite(n) || (whole && !Number.isInteger(n))) problems[`${at}.${key}`] = whole ? 'must be a whole number' : 'must be a number';
    else out[key] = n;
  };
  const multiple = () => {
    if (d.multiple) out.multiple = true;
  };
  switch (d.type) {
    case 'text':
      number('min', true);
      number('max', true);
      if (d.pattern !== '') out.pattern = d.pattern;
      multiple();
      break;
    case 'number':
      number('min', false);
      number('max', false);
      if (d.integer) out.integer = true;
      break;
    case 'date':
      if (d.min) out.min = localInputToIso(d.min);
      if (d.max) out.max = localInputToIso(d.max);
      break;
    case 'select':
      out.values = splitList(d.values);
      multiple();
      break;
    case 'relation':
      if (!d.collection) problems[`${at}.collection`] = 'choose the collection it points at';
      out.collection = d.collection;
      multiple();
      if (d.onDelete) out.onDelete = d.onDelete;
      break;
    case 'file':
      out.bucket = d.bucket.trim();
      multiple();
      break;
  }
  const parsed = parseDefault(d);
  if ('problem' in parsed) problems[`${at}.default`] = parsed.problem;
  else if (parsed.value !== undefined) out.default = parsed.value;
  return out as unknown as Field;
}

function parseDefault(d: FieldDraft): { value: unknown } | { problem: string } {
  const text = d.default.trim();
  if (text === '') return { value: undefined };
  if (d.multiple && MULTIPLE_TYPES.includes(d.type)) return { value: splitList(d.default) };
  switch (d.type) {
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? { value: n } : { problem: 'must be a number' };
    }
    case 'boolean':
      return { value: text === 'true' };
    case 'date':
      return { value: localInputToIso(text) };
    case 'json':
      try {
        return { value: JSON.parse(text) as unknown };
      } catch {
        return { problem: 'is not valid JSON' };
      }
    default:
      return { value: d.default };
  }
}
