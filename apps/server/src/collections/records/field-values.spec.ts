import type { Field } from '@basalt/contracts';
import { checkFieldValue, fromColumn, toColumn } from './field-values.js';

const ID = '01930000-0000-7000-8000-000000000001';

describe('checkFieldValue', () => {
  it.each<[string, Field, unknown, unknown]>([
    ['text', { name: 'x', type: 'text', min: 2, max: 5 }, 'héllo', 'héllo'],
    ['text counted in characters, not UTF-16 units', { name: 'x', type: 'text', max: 2 }, '😀😀', '😀😀'],
    ['optional empty text below min', { name: 'x', type: 'text', min: 3 }, '', ''],
    ['number', { name: 'x', type: 'number', min: 0, max: 10, integer: true }, 10, 10],
    ['boolean', { name: 'x', type: 'boolean' }, false, false],
    ['date-only, to ISO', { name: 'x', type: 'date' }, '2026-02-03', '2026-02-03T00:00:00.000Z'],
    ['date-time with offset, to UTC', { name: 'x', type: 'date' }, '2026-02-03T10:00:00+02:00', '2026-02-03T08:00:00.000Z'],
    ['email, lowercased', { name: 'x', type: 'email' }, 'Ann@Example.COM', 'ann@example.com'],
    ['url', { name: 'x', type: 'url' }, 'https://example.com/a?b=1', 'https://example.com/a?b=1'],
    ['select', { name: 'x', type: 'select', values: ['a', 'b'] }, 'b', 'b'],
    ['multiple select', { name: 'x', type: 'select', values: ['a', 'b'], multiple: true }, ['b', 'a'], ['b', 'a']],
    ['relation id, lowercased', { name: 'x', type: 'relation', collection: 'c' }, ID.toUpperCase(), ID],
    ['empty single relation, cleared', { name: 'x', type: 'relation', collection: 'c' }, '', null],
    ['json', { name: 'x', type: 'json' }, { a: [1, null] }, { a: [1, null] }],
    ['null on an optional field', { name: 'x', type: 'number' }, null, null],
    ['multiple text (roles)', { name: 'x', type: 'text', multiple: true, max: 5 }, ['a', 'a'], ['a', 'a']],
  ])('accepts %s', (_, field, value, expected) => {
    expect(checkFieldValue(field, value)).toEqual({ ok: true, value: expected });
  });

  it.each<[string, Field, unknown, string]>([
    ['null on a required field', { name: 'x', type: 'text', required: true }, null, 'is required'],
    ['empty required text', { name: 'x', type: 'text', required: true }, '', 'is required'],
    ['empty required list', { name: 'x', type: 'select', values: ['a'], multiple: true, required: true }, [], 'is required'],
    ['text too short', { name: 'x', type: 'text', min: 3 }, 'ab', 'must be at least 3 characters'],
    ['text too long', { name: 'x', type: 'text', max: 3 }, 'abcd', 'must be at most 3 characters'],
    ['text not matching the pattern', { name: 'x', type: 'text', pattern: '^[a-z]+$' }, 'A1', 'must match ^[a-z]+$'],
    ['a number as text', { name: 'x', type: 'text' }, 5, 'must be a string'],
    ['a string as number', { name: 'x', type: 'number' }, '5', 'must be a number'],
    ['NaN-like input', { name: 'x', type: 'number' }, Number.POSITIVE_INFINITY, 'must be a number'],
    ['a fraction where whole numbers are required', { name: 'x', type: 'number', integer: true }, 1.5, 'must be a whole number'],
    ['a number under min', { name: 'x', type: 'number', min: 1 }, 0, 'must be at least 1'],
    ['a string as boolean', { name: 'x', type: 'boolean' }, 'true', 'must be true or false'],
    ['a date that is not ISO', { name: 'x', type: 'date' }, '03/02/2026', 'must be an ISO 8601 date'],
    ['an impossible date', { name: 'x', type: 'date' }, '2026-13-40', 'must be an ISO 8601 date'],
    ['a date before min', { name: 'x', type: 'date', min: '2026-01-01' }, '2025-12-31', 'must be on or after 2026-01-01'],
    ['a bad email', { name: 'x', type: 'email' }, 'not-an-email', 'must be an email address'],
    ['a javascript: url', { name: 'x', type: 'url' }, 'javascript:alert(1)', 'must be an http(s) URL'],
    ['a select value not listed', { name: 'x', type: 'select', values: ['a'] }, 'z', 'must be one of "a"'],
    ['a repeated multi value', { name: 'x', type: 'select', values: ['a'], multiple: true }, ['a', 'a'], 'must not repeat a value'],
    ['a single value for a multi field', { name: 'x', type: 'select', values: ['a'], multiple: true }, 'a', 'must be a list'],
    ['a relation id that is not a uuid', { name: 'x', type: 'relation', collection: 'c' }, "1' OR '1'='1", 'must be a record id'],
  ])('refuses %s', (_, field, value, problem) => {
    expect(checkFieldValue(field, value)).toEqual({ ok: false, problem });
  });
});

describe('toColumn / fromColumn', () => {
  it('sends json as text so pg does not turn arrays into Postgres arrays', () => {
    expect(toColumn({ name: 'j', type: 'json' }, [1, 2])).toBe('[1,2]');
    expect(toColumn({ name: 't', type: 'select', values: ['a'], multiple: true }, ['a'])).toEqual(['a']);
  });

  it('reads dates as ISO strings and a null multi field as an empty list', () => {
    expect(fromColumn(undefined, new Date(Date.UTC(2026, 0, 2)))).toBe('2026-01-02T00:00:00.000Z');
    expect(fromColumn({ name: 't', type: 'text', multiple: true }, null)).toEqual([]);
    expect(fromColumn({ name: 't', type: 'text' }, null)).toBeNull();
  });
});
