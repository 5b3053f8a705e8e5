import { PGlite } from '@electric-sql/pglite';
import { AppError } from './app-error.js';
import { compileScalarFilter, type ScalarField } from './filter-sql.js';

const FIELDS: Record<string, ScalarField> = {
  method: { column: 'method', type: 'text' },
  path: { column: 'path', type: 'text' },
  status: { column: 'status', type: 'number' },
  principal: { column: 'principal', type: 'text' },
  cached: { column: 'cached', type: 'boolean' },
  createdAt: { column: 'created_at', type: 'date' },
};

const LIKE_PATTERN = (param: string) =>
  `'%' || replace(replace(replace(${param}::text, '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`;

/** The AppError a filter is refused with. */
function refusal(source: string): AppError {
  try {
    compileScalarFilter(source, FIELDS);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

describe('compileScalarFilter', () => {
  it.each(['', '   ', '\n\t'])('answers null for the empty filter %j', (source) => {
    expect(compileScalarFilter(source, FIELDS)).toBeNull();
  });

  it.each([
    ['status = 200', '(status = $1::double precision)', [200]],
    ['status != 200', '(status <> $1::double precision)', [200]],
    ['status > 399', '(status > $1::double precision)', [399]],
    ['status >= 400', '(status >= $1::double precision)', [400]],
    ['status < 300', '(status < $1::double precision)', [300]],
    ['status <= 299.5', '(status <= $1::double precision)', [299.5]],
    ['method = "GET"', '(method = $1::text)', ['GET']],
    ["method != 'POST'", '(method <> $1::text)', ['POST']],
    ['cached = true', '(cached = $1::boolean)', [true]],
    ['cached != false', '(cached <> $1::boolean)', [false]],
    ['createdAt < @now', '(created_at < now())', []],
    ['@now >= createdAt', '(now() >= created_at)', []],
    ['path ~ "admin"', `(path ILIKE ${LIKE_PATTERN('$1')})`, ['admin']],
    ['path !~ "admin"', `(path NOT ILIKE ${LIKE_PATTERN('$1')})`, ['admin']],
    ['"GET" = method', '($1::text = method)', ['GET']],
    ['-5 < status', '($1::double precision < status)', [-5]],
  ])('compiles %s', (source, sql, params) => {
    expect(compileScalarFilter(source, FIELDS)).toEqual({ sql, params });
  });

  it.each([
    ['principal = null', '(principal IS NULL)'],
    ['principal != null', '(principal IS NOT NULL)'],
    ['null = principal', '(principal IS NULL)'],
    ['null != status', '(status IS NOT NULL)'],
  ])('compiles the null comparison %s without a parameter', (source, sql) => {
    expect(compileScalarFilter(source, FIELDS)).toEqual({ sql, params: [] });
  });

  it('compiles and, or and not with their grouping', () => {
    expect(compileScalarFilter('status >= 500 || (method = "POST" && !(path ~ "x"))', FIELDS)).toEqual({
      sql: `((status >= $1::double precision) OR ((method = $2::text) AND (NOT COALESCE((path ILIKE ${LIKE_PATTERN('$3')}), false))))`,
      params: [500, 'POST', 'x'],
    });
  });

  it('keeps every value out of the SQL text', () => {
    const hostile = `'; DROP TABLE basalt.admins; --`;
    const compiled = compileScalarFilter(`path = "${hostile}" || path ~ "${hostile}" || principal != "$1"`, FIELDS)!;
    expect(compiled.sql).not.toContain('DROP');
    expect(compiled.sql).not.toContain(`"`);
    expect(compiled.params).toEqual([hostile, hostile, '$1']);
  });

  it('passes LIKE wildcards in the parameter unchanged and escapes them in SQL', () => {
    expect(compileScalarFilter('path ~ "50%_off\\\\now"', FIELDS)).toEqual({
      sql: `(path ILIKE ${LIKE_PATTERN('$1')})`,
      params: ['50%_off\\now'],
    });
  });

  it('numbers parameters after the caller’s own', () => {
    expect(compileScalarFilter('status = 1 && method = "GET" && path ~ "a"', FIELDS, 2)).toEqual({
      sql: `((status = $3::double precision) AND (method = $4::text) AND (path ILIKE ${LIKE_PATTERN('$5')}))`,
      params: [1, 'GET', 'a'],
    });
  });

  describe('refuses with invalid_filter and the position of the problem', () => {
    it.each([
      ['a number compared with text', 'status = "200"', 0, /cannot compare number with text/],
      ['text compared with a number', 'method = "GET" && path = 5', 18, /cannot compare text with number/],
      ['a boolean compared with a number', 'cached = 1', 0, /cannot compare boolean with number/],
      ['a date compared with a number', 'createdAt > 5', 0, /cannot compare date with number/],
      ['~ on a number', 'status ~ 5', 0, /operator ~ compares text/],
      ['!~ with null', 'path !~ null', 0, /operator !~ compares text/],
      ['< with null', 'status < null', 0, /only = and != compare with null/],
      ['an unknown field', 'method = "GET" && secret = "x"', 18, /unknown field secret; known: method, path, status/],
      ['a field from the object prototype', 'constructor = "x"', 0, /unknown field constructor/],
      ['a relation path', 'principal.email = "x"', 0, /unknown field principal\.email/],
      ['?= on a scalar field', 'method ?= "GET"', 0, /operator \?= needs a multi-valued field/],
      ['?~ on a scalar field', 'path ?~ "a"', 0, /operator \?~ needs a multi-valued field/],
      ['@request.auth', 'principal = @request.auth.id', 12, /@request is not allowed here/],
      ['@request.body', '@request.body.x = 1', 0, /@request is not allowed here/],
      ['an unbound parameter', 'status = {:code}', 9, /unbound parameter is not allowed here/],
      ['a missing operand', 'status =', 8, /expected/],
      ['a dangling &&', 'status = 1 &&', 13, /expected/],
      ['an unterminated string', 'path = "abc', 7, /unterminated string/],
      ['an unknown variable', 'createdAt < @today', 12, /unknown variable '@today'/],
      ['an unbalanced parenthesis', '(status = 1', 11, /expected/],
    ])('for %s', (_, source, position, message) => {
      const error = refusal(source);
      expect(error.code).toBe('invalid_filter');
      expect(error.status).toBe(400);
      expect(error.message).toMatch(message);
      expect(error.details).toEqual({ position: String(position) });
    });
  });
});

/** The compiled SQL run for real, so the escaping and casts are checked by Postgres itself. */
describe('compileScalarFilter on Postgres', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = new PGlite();
    await db.exec(`
      CREATE TABLE logs (path text, method text, status integer, principal text, cached boolean, created_at timestamptz);
      INSERT INTO logs VALUES
        ('/sale/50%off', 'GET', 200, 'admin:1', true, '2024-06-01T00:00:00Z'),
        ('/sale/50xoff', 'GET', 404, NULL, false, '2023-01-01T00:00:00Z'),
        ('/files/a_b', 'POST', 500, 'key:2', NULL, '2024-01-15T12:00:00Z'),
        ('/files/axb', 'POST', 201, NULL, false, '2022-05-05T00:00:00Z'),
        ('/win\\path', 'DELETE', 204, 'admin:1', true, '2025-03-01T00:00:00Z');
    `);
  });
  afterAll(async () => {
    await db?.close();
  });

  async function paths(filter: string): Promise<string[]> {
    const where = compileScalarFilter(filter, FIELDS, 1)!;
    const { rows } = await db.query<{ path: string }>(`SELECT path FROM logs WHERE ${where.sql} AND $1::int > 0 ORDER BY path`, [
      1,
      ...where.params,
    ]);
    return rows.map((r) => r.path);
  }

  it.each([
    ['path ~ "%"', ['/sale/50%off']],
    ['path ~ "50%off"', ['/sale/50%off']],
    ['path ~ "_"', ['/files/a_b']],
    ['path ~ "a_b"', ['/files/a_b']],
    ['path ~ "\\\\"', ['/win\\path']],
    ['path ~ "SALE"', ['/sale/50%off', '/sale/50xoff']],
    ['path !~ "_"', ['/files/axb', '/sale/50%off', '/sale/50xoff', '/win\\path']],
    ['status >= 400', ['/files/a_b', '/sale/50xoff']],
    ['status = 201 || method = "DELETE"', ['/files/axb', '/win\\path']],
    ['principal = null', ['/files/axb', '/sale/50xoff']],
    ['principal != null && cached = true', ['/sale/50%off', '/win\\path']],
    ['!(cached = true)', ['/files/a_b', '/files/axb', '/sale/50xoff']],
    ['createdAt < @now', ['/files/a_b', '/files/axb', '/sale/50%off', '/sale/50xoff', '/win\\path']],
  ])('%s selects the right rows', async (filter, expected) => {
    await expect(paths(filter)).resolves.toEqual(expected);
  });

  // A string compared with a date field is bound as a timestamp (Postgres has no timestamptz > text).
  it.each([
    ['createdAt > "2024-01-01"', ['/files/a_b', '/sale/50%off', '/win\\path']],
    ['createdAt <= "2023-01-01T00:00:00Z"', ['/files/axb', '/sale/50xoff']],
  ])('%s compares as timestamps', async (filter, expected) => {
    await expect(paths(filter)).resolves.toEqual(expected);
  });

  // A string is only read as a date when the other side is a date field.
  it('compares a text field with a date-looking string as text', async () => {
    await expect(paths('path = "2024-01-01" || path ~ "2024-01-01"')).resolves.toEqual([]);
  });
});
