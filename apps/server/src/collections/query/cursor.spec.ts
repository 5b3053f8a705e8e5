import { AppError } from '../../common/app-error.js';
import { cursorCondition, encodeCursor } from './cursor.js';
import { SqlParams } from './filter-context.js';
import { compileSort } from './sort.js';
import { context } from './testing/query-fixtures.js';

const ID = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const keys = compileSort('-score,title,publishedAt', context());
const row = { id: ID, score: 2.5, title: null, publishedAt: new Date('2024-01-01T00:00:00.123Z'), body: 'not a key' };

function condition(cursor: string): { sql: string; params: unknown[] } {
  const params = new SqlParams();
  return { sql: cursorCondition(keys, cursor, params), params: params.values };
}

function refusal(cursor: string): AppError {
  try {
    condition(cursor);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`expected cursor ${JSON.stringify(cursor)} to be refused`);
}

function forge(payload: unknown): string {
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

describe('cursors', () => {
  it('build "strictly after the row" as an OR-chain that handles NULLs and mixed directions', () => {
    expect(condition(encodeCursor(keys, row))).toEqual({
      sql:
        '((r."score" < $1::double precision)' +
        ' OR (r."score" = $1::double precision AND r."title" IS NULL AND (r."publishedAt" > $2::timestamptz OR r."publishedAt" IS NULL))' +
        ' OR (r."score" = $1::double precision AND r."title" IS NULL AND r."publishedAt" = $2::timestamptz AND r."id" > $3::uuid))',
      params: [2.5, '2024-01-01T00:00:00.123Z', ID],
    });
  });

  it('after a NULL on a descending key, the non-NULL values of that key come next', () => {
    const desc = compileSort('-score', context());
    const params = new SqlParams(1);
    expect(cursorCondition(desc, encodeCursor(desc, { id: ID, score: null }), params, 'p')).toBe(
      '((p."score" IS NOT NULL) OR (p."score" IS NULL AND p."id" > $2::uuid))',
    );
  });

  it('keep values exactly: text, numbers, booleans and ISO dates', () => {
    const all = compileSort('title,score,published,publishedAt', context());
    const values = { id: ID, title: 'é "q" \\ %', score: 0.30000000000000004, published: false, publishedAt: '2024-01-01T00:00:00.123456Z' };
    const params = new SqlParams();
    cursorCondition(all, encodeCursor(all, values), params);
    expect(params.values).toEqual(['é "q" \\ %', 0.30000000000000004, false, '2024-01-01T00:00:00.123456Z', ID]);
  });

  it('are opaque base64url text', () => {
    expect(encodeCursor(keys, row)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('refuse a cursor made for another sort', () => {
    const other = compileSort('title', context());
    const error = refusal(encodeCursor(other, { id: ID, title: 'x' }));
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('cursor: was made for another sort order; start again without a cursor');
    expect(error.details).toEqual({ cursor: 'was made for another sort order; start again without a cursor' });
  });

  it.each([
    ['not base64url', 'abc+/='],
    ['empty', ''],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['JSON of the wrong shape', forge([1, 2])],
    ['too few values', forge({ s: '-score,title,publishedAt,id', v: [1, 'a', null] })],
    ['a string for a number', forge({ s: '-score,title,publishedAt,id', v: ['1', 'a', null, ID] })],
    ['a number for text', forge({ s: '-score,title,publishedAt,id', v: [1, 2, null, ID] })],
    ['a bad date', forge({ s: '-score,title,publishedAt,id', v: [1, 'a', 'yesterday', ID] })],
    ['a null id', forge({ s: '-score,title,publishedAt,id', v: [1, 'a', null, null] })],
    ['an id that is not a uuid', forge({ s: '-score,title,publishedAt,id', v: [1, 'a', null, "1' OR '1'='1"] })],
    ['a huge cursor', 'A'.repeat(10_000)],
  ])('refuse a cursor that is %s', (_, cursor) => {
    const error = refusal(cursor);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/^cursor: /);
  });

  it('need every sort column in the row', () => {
    expect(() => encodeCursor(keys, { id: ID, score: 1 })).toThrow("the row has no 'title'");
  });
});
