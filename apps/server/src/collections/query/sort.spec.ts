import { AppError } from '../../common/app-error.js';
import { compileSort, MAX_SORT_KEYS, orderBySql, sortSignature } from './sort.js';
import { context } from './testing/query-fixtures.js';

function refusal(sort: string, allowHidden = false): AppError {
  try {
    compileSort(sort, context({ allowHidden }));
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`expected sort ${JSON.stringify(sort)} to be refused`);
}

describe('compileSort', () => {
  it.each([undefined, '', '  '])('sorts by id alone when the sort is %j', (sort) => {
    expect(compileSort(sort, context())).toEqual([{ field: 'id', desc: false, kind: 'uuid' }]);
  });

  it('reads -field as descending and appends id as the tie-breaker', () => {
    expect(compileSort('-score, title ,+publishedAt', context())).toEqual([
      { field: 'score', desc: true, kind: 'number' },
      { field: 'title', desc: false, kind: 'text' },
      { field: 'publishedAt', desc: false, kind: 'date' },
      { field: 'id', desc: false, kind: 'uuid' },
    ]);
  });

  it('keeps id where the caller put it, in the direction given', () => {
    expect(compileSort('-id', context())).toEqual([{ field: 'id', desc: true, kind: 'uuid' }]);
    expect(compileSort('-id,title', context()).map((key) => key.field)).toEqual(['id', 'title']);
  });

  it('sorts by system columns, single relations and, for admins and rules, hidden fields', () => {
    expect(compileSort('createdAt,-updatedAt,author', context()).map((key) => key.kind)).toEqual(['date', 'date', 'uuid', 'uuid']);
    expect(compileSort('secret', context({ allowHidden: true }))[0]).toEqual({ field: 'secret', desc: false, kind: 'text' });
  });

  it(`accepts ${MAX_SORT_KEYS} keys`, () => {
    expect(compileSort('title,body,score,published,publishedAt,status,author,cover', context())).toHaveLength(MAX_SORT_KEYS + 1);
  });

  it.each([
    ['nope', "unknown field 'nope'"],
    ['secret', "unknown field 'secret'"],
    ['author.name', "unknown field 'author.name'"],
    ['__proto__', "unknown field '__proto__'"],
    ['tags', "cannot sort by 'tags': it holds several values"],
    ['reviewers', "cannot sort by 'reviewers': it holds several values"],
    ['meta', "cannot sort by 'meta': it holds json"],
    ['score,-score', "'score' appears twice"],
    ['title,,score', 'has an empty key'],
    ['-', 'has an empty key'],
    ['title,body,score,published,publishedAt,status,author,cover,link', `at most ${MAX_SORT_KEYS} keys`],
  ])('refuses %j', (sort, problem) => {
    const error = refusal(sort);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe(`sort: ${problem}`);
    expect(error.details).toEqual({ sort: problem });
  });
});

describe('orderBySql', () => {
  it('spells out NULLS LAST for ascending and NULLS FIRST for descending keys', () => {
    const keys = compileSort('-score,title', context());
    expect(orderBySql(keys)).toBe('r."score" DESC NULLS FIRST, r."title" ASC NULLS LAST, r."id" ASC NULLS LAST');
    expect(orderBySql(keys, 'p')).toBe('p."score" DESC NULLS FIRST, p."title" ASC NULLS LAST, p."id" ASC NULLS LAST');
  });

  it('refuses an unsafe alias', () => {
    expect(() => orderBySql([], 'r; --')).toThrow('unsafe table alias');
  });
});

describe('sortSignature', () => {
  it('is the same for sorts that order alike', () => {
    expect(sortSignature(compileSort('-score', context()))).toBe('-score,id');
    expect(sortSignature(compileSort('-score,+id', context()))).toBe('-score,id');
  });
});
