import type { Field } from '@basalt/contracts';
import { formatDate, isoToLocalInput, localInputToIso, shortId } from '../../format';

/** What an input holds: text for most types, a flag for booleans, the chosen values of a multi-select. */
export type FormValue = string | boolean | string[];

const isMulti = (f: Field) => 'multiple' in f && f.multiple === true;

/** Lists of ids: comma, space or newline separated. Text lists: one per line (their items may hold commas). */
function splitIds(text: string): string[] {
  return text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

/** A stored value (or a field's default, for a new record) as its input shows it. */
export function toFormValue(field: Field, value: unknown): FormValue {
  if (field.type === 'boolean') return value === true;
  if (field.type === 'select' && isMulti(field)) return Array.isArray(value) ? value.map(String) : [];
  if (value === null || value === undefined) return '';
  if (field.type === 'json') return JSON.stringify(value, null, 2);
  if (field.type === 'date') return isoToLocalInput(String(value));
  if (Array.isArray(value)) return value.join(field.type === 'text' ? '\n' : ', ');
  return String(value);
}

/** The value to send for an input, or why it cannot be sent. Empty inputs become null (or [] for lists). */
export function fromFormValue(field: Field, input: FormValue): { value: unknown } | { problem: string } {
  if (typeof input === 'boolean' || Array.isArray(input)) return { value: input };
  const text = input.trim();
  if (isMulti(field)) {
    if (field.type === 'text') return { value: input.split('\n').filter((line) => line.trim() !== '') };
    return { value: splitIds(text) };
  }
  switch (field.type) {
    case 'number': {
      if (text === '') return { value: null };
      const n = Number(text);
      return Number.isFinite(n) ? { value: n } : { problem: 'must be a number' };
    }
    case 'date':
      return { value: text === '' ? null : localInputToIso(text) };
    case 'json':
      if (text === '') return { value: null };
      try {
        return { value: JSON.parse(text) as unknown };
      } catch (e) {
        return { problem: `is not valid JSON (${e instanceof Error ? e.message : 'parse error'})` };
      }
    case 'select':
    case 'relation':
    case 'file':
      return { value: text === '' ? null : text };
    default:
      return { value: input };
  }
}

/** Nothing entered: left out of a new record, so the server applies the default (or says it is required). */
export function isEmptyValue(value: unknown): boolean {
  return value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** A value in a table cell: short, one line. */
export function formatCell(field: Field | undefined, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((v) => formatCell(field, v)).join(', ');
  if (field?.type === 'boolean') return value ? 'true' : 'false';
  if (field?.type === 'date') return formatDate(String(value));
  if (field?.type === 'relation' || field?.type === 'file') return shortId(String(value));
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Whether the server can sort by a field: lists and json have no order. */
export function isSortable(field: Field): boolean {
  return field.type !== 'json' && !isMulti(field);
}
