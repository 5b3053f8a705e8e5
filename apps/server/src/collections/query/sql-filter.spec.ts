import { AppError } from '../../common/app-error.js';
import { SqlParams, type FilterContext } from './filter-context.js';
import { parseForCollection } from './parse-for-collection.js';
import { compileFilter } from './sql-filter.js';
import { quote } from './testing/random-filters.js';
import { context, posts, users } from './testing/query-fixtures.js';

const U1 = '00000000-0000-4000-8000-000000000001';

function compile(source: string, overrides: Partial<FilterContext> = {}, alias?: string): { sql: string; params: unknown[] } {
  const ctx = context(overrides);
  const params = new SqlParams();
  const sql = compileFilter(parseForCollection(source, ctx), ctx, params, alias);
  return { sql, params: params.values };
}

/** Every quoted identifier in `sql` is a column, table or schema name from the fixtures. */
function identifiers(sql: string): string[] {
  return [...sql.matchAll(/"((?:[^"]|"")*)"/g)].map((match) => match[1]);
}
const KNOWN = new Set(['id', 'createdAt', 'updatedAt', 'C', 'posts', 'users', ...posts.fields.map((f) => f.name), ...users.fields.map((f) => f.name)]);

describe('compileFilter', () => {
  it('compiles no filter to TRUE', () => {
    expect(compileFilter(null, context(), new SqlParams())).toBe('TRUE');
  });

  it.each([
    [`author = '${U1}'`, '(r."author" = $1::uuid AND r."author" IS NOT NULL)', [U1]],
    [`'${U1}' != author`, 'r."author" IS DISTINCT FROM $1::uuid', [U1]],
    ["author = ''", 'FALSE', []],
    ["author != ''", 'TRUE', []],
    ['author = null', 'r."author" IS NULL', []],
    ["reviewers ?!= ''", 'EXISTS (SELECT 1 FROM unnest(r."reviewers") AS r_el(v) WHERE TRUE)', []],
    ["title = ''", `(r."title" IS NULL OR r."title" = '')`, []],
    ['title != null', `(r."title" IS NOT NULL AND r."title" <> '')`, []],
    ['score > 5', '(r."score" > $1::double precision AND r."score" IS NOT NULL)', [5]],
    ['5 > score', '(r."score" < $1::double precision AND r."score" IS NOT NULL)', [5]],
    ['score > null', 'FALSE', []],
    ["title < 'm'", `(r."title" COLLATE "C" < $1::text COLLATE "C" AND r."title" IS NOT NULL)`, ['m']],
    ["publishedAt >= '2024-01-01T10:00:00+02:00'", '(r."publishedAt" >= $1::timestamptz AND r."publishedAt" IS NOT NULL)', ['2024-01-01T08:00:00.000Z']],
    ['publishedAt < @now', '(r."publishedAt" < $1::timestamptz AND r."publishedAt" IS NOT NULL)', ['2024-06-15T12:00:00.000Z']],
    ["title ~ '50%_off\\\\'", `lower(COALESCE(r."title", '')) LIKE lower($1::text) ESCAPE '\\'`, ['%50\\%\\_off\\\\%']],
    ["title !~ 'x'", `lower(COALESCE(r."title", '')) NOT LIKE lower($1::text) ESCAPE '\\'`, ['%x%']],
    ['published = true', '(r."published" = $1::boolean AND r."published" IS NOT NULL)', [true]],
    ['meta = null', `(COALESCE(jsonb_typeof(r."meta"), 'null') = 'null' AND COALESCE(jsonb_typeof(NULL::jsonb), 'null') = 'null')`, []],
    ["tags ?= 'news'", `EXISTS (SELECT 1 FROM unnest(r."tags") AS r_el(v) WHERE COALESCE(r_el.v, '') = COALESCE($1::text, ''))`, ['news']],
    [
      "author.name = 'Ann'",
      `COALESCE(COALESCE((SELECT r_rel."name" FROM app."users" r_rel WHERE r_rel."id" = r."author"), '') = COALESCE($1::text, ''), false)`,
      ['Ann'],
    ],
    [
      'meta.count > 1',
      `COALESCE((CASE WHEN jsonb_typeof((r."meta" -> $1::text)) = 'number' THEN (r."meta" -> $1::text)::double precision END) > $2::double precision, false)`,
      ['count', 1],
    ],
    ["!(score > 1 || title = 'a') && published = true", `((NOT ((r."score" > $1::double precision AND r."score" IS NOT NULL) OR (r."title" = $2::text AND r."title" IS NOT NULL))) AND (r."published" = $3::boolean AND r."published" IS NOT NULL))`, [1, 'a', true]],
  ])('compiles %s', (source, sql, params) => {
    expect(compile(source)).toEqual({ sql, params });
  });

  it('decides comparisons of two constants itself, so rules on @request cost nothing in SQL', () => {
    expect(compile("@request.auth.id != ''")).toEqual({ sql: 'FALSE', params: [] });
    expect(compile("@request.auth.roles ?= 'editor'", { auth: { id: U1, roles: ['editor'] } })).toEqual({ sql: 'TRUE', params: [] });
    expect(compile("@request.auth.id != '' && author = @request.auth.id").sql).toBe('(FALSE AND FALSE)');
    // A list the request does not carry is empty: no element can match.
    expect(compile('title ?= @request.body.tags')).toEqual({ sql: 'FALSE', params: [] });
  });

  it('binds @request values and @now as parameters', () => {
    const { sql, params } = compile('author = @request.auth.id && title = @request.body.title && score < @request.auth.age', {
      auth: { id: U1, roles: [], age: 40 },
      body: { title: 'T' },
    });
    expect(params).toEqual([U1, 'T', 40]);
    expect(sql).not.toContain(U1);
  });

  it('binds lists from the request as arrays', () => {
    expect(compile('status ?= @request.body.states', { body: { states: ['a', null] } })).toEqual({
      sql: `EXISTS (SELECT 1 FROM unnest($1::text[]) AS r_el(v) WHERE COALESCE(r."status", '') = COALESCE(r_el.v, ''))`,
      params: [['a', null]],
    });
  });

  it('uses the table alias it is given, and numbers parameters after an offset', () => {
    const ctx = context();
    const params = new SqlParams(3);
    const sql = compileFilter(parseForCollection("title = 'x' && author.name = 'y'", ctx), ctx, params, 'p');
    expect(sql).toContain('p."title" = $4::text');
    expect(sql).toContain('FROM app."users" p_rel WHERE p_rel."id" = p."author"');
    expect(sql).toContain('$5::text');
    expect(params.values).toEqual(['x', 'y']);
  });

  it.each(['r; DROP TABLE x', 'R', '"r"', 'r.x', ''])('refuses the unsafe alias %j', (alias) => {
    expect(() => compileFilter(null, context(), new SqlParams(), alias)).toThrow('unsafe table alias');
  });

  const HOSTILE = ["x' OR 1=1 --", "'; DROP TABLE app.posts; --", '$9', '\\', "\\' OR TRUE --", '%', '"x" OR "y"', 'é\u{1F600}'];

  it.each(HOSTILE)('never puts the value %j in the SQL text', (value) => {
    for (const template of ['title = V', 'title ~ V', "meta.k = V", 'V ?= tags', 'author.name != V', 'title < V']) {
      const source = template.replace('V', quote(value, value.includes("'")));
      const { sql, params } = compile(source);
      if (value.length > 1) expect(sql).not.toContain(value);
      expect(params.length).toBeGreaterThan(0);
      for (const name of identifiers(sql)) expect(KNOWN).toContain(name);
    }
  });

  it('binds a json key instead of writing it into the SQL', () => {
    const { sql, params } = compile('meta.drop_table = 1');
    expect(sql).not.toContain('drop_table');
    expect(params).toEqual(['drop_table', 1]);
  });

  it('reads a double-quoted name as a string, never as an identifier', () => {
    expect(compile('"title" = \'x\'')).toEqual({ sql: 'FALSE', params: [] });
    expect(compile('"title" = title')).toEqual({ sql: '(r."title" = $1::text AND r."title" IS NOT NULL)', params: ['title'] });
  });

  it.each(['__proto__ = 1', 'constructor = 1', 'author.__proto__ = 1', 'meta.__proto__.x = 1', 'title = {:q}'])('refuses %s as invalid_filter', (source) => {
    expect(() => compile(source)).toThrow(AppError);
  });

  it('checks types when compiling a filter that was never through parseForCollection', () => {
    const ctx = context();
    const expr = { type: 'compare', op: '=', left: { type: 'field', path: ['score'], start: 0, end: 5 }, right: { type: 'literal', value: 'x', start: 8, end: 11 }, start: 0, end: 11 } as const;
    expect(() => compileFilter(expr, ctx, new SqlParams())).toThrow(expect.objectContaining({ code: 'invalid_filter', details: { position: '8' } }));
  });
});
