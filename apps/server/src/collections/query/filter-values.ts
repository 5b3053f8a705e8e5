import { AppError } from '../../common/app-error.js';

/** Every problem with a filter leaves as `invalid_filter` with the offset of the offending node. */
export function invalidFilter(message: string, position: number): AppError {
  return new AppError('invalid_filter', `${message} at position ${position}`, { position: String(position) });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * ISO 8601 as clients write it: a date, or a date and time with an optional zone (none = UTC).
 * Parsed by hand because `Date.parse` rolls `2024-02-30` over to March and reads a time without
 * a zone as local time; Postgres would reject or read those differently, and both engines must
 * see the same instant.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Milliseconds since the epoch, or null when `text` is not a valid timestamp. Sub-millisecond digits are truncated. */
export function parseTimestamp(text: string): number | null {
  const m = TIMESTAMP.exec(text);
  if (!m) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
  if (year === undefined || month === undefined || day === undefined) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = zoneOffsetMinutes(m[8]);
  if (offset === null) return null;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear puts them back.
  const date = new Date(utc);
  date.setUTCFullYear(year);
  return date.getTime() - offset * 60_000;
}

/** A timestamp as Postgres and clients both read it back: ISO with milliseconds, UTC. */
export function toIso(millis: number): string {
  return new Date(millis).toISOString();
}

/** Reads a date value of a record (ISO string or Date); anything else is null. */
export function dateValue(value: unknown): number | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  return typeof value === 'string' ? parseTimestamp(value) : null;
}

function daysInMonth(year: number, month: number): number {
  const date = new Date(Date.UTC(2000, month, 0));
  date.setUTCFullYear(year, month, 0);
  return date.getUTCDate();
}

function zoneOffsetMinutes(zone: string | undefined): number | null {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return null;
  return (zone[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * Orders strings by Unicode code point, which is the byte order of their UTF-8 encoding and so
 * exactly what Postgres does under `COLLATE "C"`. Plain `<` on JS strings compares UTF-16 code
 * units, which disagrees for characters above U+FFFF versus U+E000..U+FFFF.
 */
export function compareText(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (0xD800-0xDFFF) starts a code point above 0xFFFF, so it outranks 0xE000-0xFFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * `~`: case-insensitive contains. SQL uses `lower()` and JS `toLowerCase()`; they agree on ASCII.
 * Outside ASCII they may not (Postgres folds by the database's locale, `C` folds only ASCII),
 * which is an accepted limit of the realtime evaluator.
 */
export function containsFolded(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

/** Makes `%`, `_` and `\` literal in a LIKE pattern written with `ESCAPE '\'`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Own properties only, so `__proto__` or `constructor` in a path never reaches the prototype. */
export function ownValue(source: unknown, key: string): unknown {
  if (source === null || typeof source !== 'object' || Array.isArray(source)) return undefined;
  return Object.hasOwn(source, key) ? (source as Record<string, unknown>)[key] : undefined;
}
