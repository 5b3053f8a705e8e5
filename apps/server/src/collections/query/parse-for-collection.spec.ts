import { AppError } from '../../common/app-error.js';
import type { FilterContext } from './filter-context.js';
import { parseForCollection } from './parse-for-collection.js';
import { collection, context, posts, schemas, users } from './testing/query-fixtures.js';

/** The AppError a filter is refused with. */
function refusal(source: string, overrides: Partial<FilterContext> = {}): AppError {
  try {
    parseForCollection(source, context(overrides));
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error(`expected ${JSON.stringify(source)} to be refused`);
}

type Refusal = [source: string, position: number, message: string, overrides?: Partial<FilterContext>];

describe('parseForCollection', () => {
  it.each(['', '  ', '\n'])('answers null (no filter) for %j', (source) => {
    expect(parseForCollection(source, context())).toBeNull();
  });

  it('refuses a NUL character, which no Postgres text can hold, at its position', () => {
    expect(refusal("title = 'a\u0000b'").details).toEqual({ position: '10' });
  });

  it('refuses a filter that is not a string (a repeated query parameter) as invalid_filter', () => {
    const error = refusal(['a', 'b'] as unknown as string);
    expect(error.code).toBe('invalid_filter');
    expect(error.details).toEqual({ position: '0' });
  });

  it('returns the parsed expression of a filter that type-checks', () => {
    const expr = parseForCollection("title ~ 'x' && author.name = @request.auth.name", context());
    expect(expr).toMatchObject({ type: 'and', items: [{ type: 'compare', op: '~' }, { type: 'compare', op: '=' }] });
  });

  it.each<Refusal>([
    // syntax errors keep the parser's position
    ['title =', 7, "expected a field or value but found end of input"],
    ["title = 'x' &&", 14, 'expected a field or value'],
    ['(title = 1', 10, "expected ')'"],
    // names
    ['nope = 1', 0, "unknown field 'nope' in collection 'posts'"],
    ["secret = 'x'", 0, "unknown field 'secret'"],
    ["author.secret = 'x'", 7, "unknown field 'secret' in collection 'users'"],
    ['__proto__ = 1', 0, "unknown field '__proto__'"],
    ['constructor = 1', 0, "unknown field 'constructor'"],
    ['author.__proto__ = 1', 7, "unknown field '__proto__' in collection 'users'"],
    ["author.nope = 'x'", 7, "unknown field 'nope' in collection 'users'"],
    ["author.name.first = 'x'", 12, 'goes too deep'],
    ["meta.a.b = 'x'", 7, 'goes too deep'],
    ["title.x = 'x'", 6, "'title' is not a relation or json field"],
    ["reviewers.name = 'x'", 10, "'reviewers' holds several records and cannot be followed"],
    ['title = {:q}', 8, 'parameter {:q} has no value'],
    ['@request.nope = 1', 0, "unknown variable '@request.nope'"],
    // kinds
    ['title = 1', 8, "cannot compare text field 'title' with a number"],
    ['1 = title', 0, "cannot compare a number with text field 'title'"],
    ["score = 'x'", 8, "cannot compare number field 'score' with a string"],
    ['score = title', 8, "cannot compare number field 'score' with text field 'title'"],
    ['author = 5', 9, "cannot compare uuid field 'author' with a number"],
    ["published = 'true'", 12, 'cannot compare boolean field'],
    ['createdAt = true', 12, 'cannot compare date field'],
    ['@now = 1', 7, 'cannot compare a date with a number'],
    ["'a' = 1", 6, 'cannot compare a string with a number'],
    ['meta = 1', 7, "cannot compare json field 'meta' with a number"],
    ['meta = meta', 7, "cannot compare json field 'meta' with json field 'meta'"],
    ['meta.a = meta.b', 9, 'cannot compare two json keys'],
    ['meta.a = @now', 9, "cannot compare a json key with a date"],
    // a json key or a constant is what fails to fit a field, so the position is theirs
    ['meta.a = createdAt', 0, "cannot compare json key 'meta.a' with date field 'createdAt'"],
    // operators that do not apply
    ['published > true', 0, 'operator > does not apply to boolean values'],
    ["author < ''", 0, 'operator < does not apply to uuid values'],
    ["id >= 'x'", 0, 'operator >= does not apply to uuid values'],
    ['meta.a > null', 0, 'operator > does not apply to json values'],
    ['score ~ 1', 0, "~ compares text, but number field 'score' is not text"],
    ["meta ~ 'x'", 0, "~ compares text, but json field 'meta' is not text"],
    ["publishedAt !~ '2024'", 0, '!~ compares text'],
    // lists need ?op, single values refuse it, two lists are refused
    ["tags = 'news'", 0, "multi-valued text field 'tags' holds several values; use ?= to match any of them"],
    ["'news' != tags", 10, "multi-valued text field 'tags' holds several values; use ?!="],
    ["reviewers = ''", 0, "multi-valued uuid field 'reviewers' holds several values"],
    ["title ?= 'x'", 0, "?= needs a multi-valued field or a list on one side, but text field 'title' and a string are single values"],
    ['tags ?= attachments', 0, 'both sides of ?= are lists'],
    ["title = @request.auth.roles", 8, '@request.auth.roles (a list) holds several values'],
    ["tags ?= @request.auth.roles", 0, 'both sides of ?= are lists'],
    ['tags ?> 1', 8, "cannot compare multi-valued text field 'tags' with a number"],
    // values that must parse as the other side's kind
    ["publishedAt > 'yesterday'", 14, '"yesterday" is not a valid date'],
    ["publishedAt > '2024-02-30'", 14, 'is not a valid date'],
    ["publishedAt > '2024-01-01T25:00'", 14, 'is not a valid date'],
    ["author = 'nope'", 9, '"nope" is not a valid id'],
    ["reviewers ?= 'nope'", 13, '"nope" is not a valid id'],
    // context values are typed by what they hold
    ['title = @request.body.obj', 8, "'@request.body.obj' is an object and cannot be compared", { body: { obj: { a: 1 } } }],
    ['tags ?= @request.body.mixed', 0, 'both sides of ?= are lists', { body: { mixed: ['a', 1] } }],
    ["'a' ?= @request.body.mixed", 7, '@request.body.mixed (a list) mixes values of different types', { body: { mixed: ['a', 1] } }],
    ['title = @request.body.n', 8, "cannot compare text field 'title' with @request.body.n (a number)", { body: { n: 1 } }],
    ['author = @request.auth.id', 9, 'is not a valid id', { auth: { id: 'not-a-uuid', roles: [] } }],
    ['@request.auth.roles ?= 1', 23, 'cannot compare @request.auth.roles (a list) with a number', { auth: { id: '', roles: ['x'] } }],
  ])('refuses %s at position %d', (...[source, position, message, overrides]: Refusal) => {
    const error = refusal(source, overrides);
    expect(error.code).toBe('invalid_filter');
    expect(error.details).toEqual({ position: String(position) });
    expect(error.message).toContain(message);
  });

  it('refuses a relation whose target collection does not exist', () => {
    const orphan = collection('orphans', [{ name: 'owner', type: 'relation', collection: 'gone' }]);
    const error = refusal("owner.name = 'x'", { collection: orphan });
    expect(error.details).toEqual({ position: '0' });
    expect(error.message).toContain("the collection 'gone' of 'owner' does not exist");
  });

  it.each([["secret = 'x'"], ["author.secret = 'x'"], ['author.prefs = null'], ['meta.any = 1']])(
    'accepts %s from an admin or in a rule (allowHidden)',
    (source) => {
      expect(parseForCollection(source, context({ allowHidden: true }))).not.toBeNull();
    },
  );

  it.each(['score ?> @request.body.list', "'x' ?= @request.body.list", 'publishedAt ?< @request.body.list', 'author ?= @request.body.list'])(
    'accepts %s when the list is empty, whatever the other side',
    (source) => {
      expect(parseForCollection(source, context({ body: { list: [] } }))).not.toBeNull();
    },
  );

  it('reads a @request value that is missing, next to ?op, as an empty list (so rules can be saved and are false)', () => {
    expect(parseForCollection("@request.body.tags ?= 'x'", context())).not.toBeNull();
    expect(parseForCollection("@request.auth.labels ?= 'x'", context())).not.toBeNull();
    expect(parseForCollection('tags ?= @request.body.missing', context())).not.toBeNull();
    expect(refusal("title ?= null").details).toEqual({ position: '0' });
  });

  it('types every comparison, not only the first', () => {
    expect(refusal("title = 'a' || score = 'b'").details).toEqual({ position: '23' });
    expect(refusal("!(title = 'a' && (published = true || nope = 1))").details).toEqual({ position: '38' });
  });

  it('uses the schemas it is given for relation targets', () => {
    expect(schemas.get('users')).toBe(users);
    expect(parseForCollection("author.email ~ '@example.com'", context({ collection: posts }))).not.toBeNull();
  });
});
