import { evaluateFilter, relationFieldsUsed, type ApiRecord } from './memory-filter.js';
import { parseForCollection } from './parse-for-collection.js';
import { context } from './testing/query-fixtures.js';

const ctx = context({ allowHidden: true });

function matches(source: string, record: ApiRecord, related?: (field: string) => ApiRecord | null): boolean {
  return evaluateFilter(parseForCollection(source, ctx), record, ctx, related);
}

describe('evaluateFilter', () => {
  it('accepts every record when there is no filter', () => {
    expect(evaluateFilter(null, {}, ctx)).toBe(true);
  });

  it('reads a field the record leaves out as null', () => {
    expect(matches("title = ''", {})).toBe(true);
    expect(matches('score = null', {})).toBe(true);
    expect(matches("tags ?!= 'x'", {})).toBe(false);
  });

  it('reads only own properties, never the prototype chain', () => {
    const record = Object.create({ title: 'inherited' }) as ApiRecord;
    expect(matches("title = 'inherited'", record)).toBe(false);
    expect(matches("meta.toString = ''", { meta: {} })).toBe(true);
    expect(matches("meta.constructor = ''", { meta: { constructor: 'x' } })).toBe(false);
  });

  it('takes dates as ISO strings or Date objects, at millisecond precision', () => {
    expect(matches("publishedAt = '2024-01-01T00:00:00.000Z'", { publishedAt: new Date('2024-01-01T00:00:00.000Z') })).toBe(true);
    expect(matches("publishedAt = '2024-01-01T00:00:00.000Z'", { publishedAt: '2024-01-01T00:00:00.000Z' })).toBe(true);
    expect(matches("publishedAt > '2024-01-01'", { publishedAt: 'not a date' })).toBe(false);
  });

  it('compares ids case-insensitively, as Postgres compares uuids', () => {
    const id = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    expect(matches(`author = '${id.toUpperCase()}'`, { author: id })).toBe(true);
    expect(matches(`author = '${id}'`, { author: id.toUpperCase() })).toBe(true);
  });

  it('treats a stored value of the wrong type as missing rather than coercing it', () => {
    expect(matches('score = 5', { score: '5' })).toBe(false);
    expect(matches('score = null', { score: '5' })).toBe(true);
  });

  it('orders text by code point, as COLLATE "C" does (astral characters above U+FFFF come last)', () => {
    expect(matches("title > '\uffff'", { title: '\u{1F600}' })).toBe(true);
    expect(matches("title < 'a'", { title: 'Z' })).toBe(true);
  });

  it('follows a relation through the preloaded record, null when it is empty or gone', () => {
    const author = { id: 'u1', name: 'Ann' };
    expect(matches("author.name = 'Ann'", { author: 'u1' }, () => author)).toBe(true);
    expect(matches("author.name = ''", { author: 'u2' }, () => null)).toBe(true);
  });

  it('judges a filter parsed once again for each new caller, schema or instant (typing is kept only while they stay the same)', () => {
    const ann = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const bob = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
    const owned = parseForCollection('author = @request.auth.id', ctx);
    const post = { author: ann };
    const as = (id: string) => ({ ...ctx, auth: { id, roles: [] } });
    const annCtx = as(ann);
    expect(evaluateFilter(owned, post, annCtx)).toBe(true);
    expect(evaluateFilter(owned, post, { ...annCtx })).toBe(true);
    expect(evaluateFilter(owned, post, as(bob))).toBe(false);
    expect(evaluateFilter(owned, post, annCtx)).toBe(true);

    const due = parseForCollection('publishedAt < @now', ctx);
    const record = { publishedAt: '2024-06-01T00:00:00.000Z' };
    expect(evaluateFilter(due, record, { ...ctx, now: new Date('2024-05-01T00:00:00.000Z') })).toBe(false);
    expect(evaluateFilter(due, record, { ...ctx, now: new Date('2024-07-01T00:00:00.000Z') })).toBe(true);

    const hidden = parseForCollection("secret = 'x'", ctx);
    expect(evaluateFilter(hidden, { secret: 'x' }, ctx)).toBe(true);
    expect(() => evaluateFilter(hidden, { secret: 'x' }, { ...ctx, allowHidden: false })).toThrow(/secret/);
  });

  it('fails loudly when a relation it needs was not preloaded', () => {
    expect(() => matches("author.name = 'Ann'", { author: 'u1' })).toThrow("needs the related record of 'author'");
  });
});

describe('relationFieldsUsed', () => {
  it('lists each single relation a filter follows, once', () => {
    const expr = parseForCollection("author.name = 'x' && (meta.k = 1 || author.age > 1) && reviewers ?= '' && author = ''", ctx);
    expect(relationFieldsUsed(expr, ctx)).toEqual(['author']);
  });

  it('lists nothing when there is no filter or no relation path', () => {
    expect(relationFieldsUsed(null, ctx)).toEqual([]);
    expect(relationFieldsUsed(parseForCollection("title = 'x'", ctx), ctx)).toEqual([]);
  });
});
