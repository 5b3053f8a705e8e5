import { SqlParams, type FilterContext } from './filter-context.js';
import { evaluateFilter, relationFieldsUsed } from './memory-filter.js';
import { parseForCollection } from './parse-for-collection.js';
import { compileFilter } from './sql-filter.js';
import { context, posts, users } from './testing/query-fixtures.js';
import { complete, P1, P2, P3, P4, P5, POSTS, U1, U2, USERS } from './testing/semantics-data.js';
import { createCollectionTable, insertRecords, openTestDatabase, type TestDatabase } from './testing/test-database.js';

/**
 * The semantics, case by case, with answers worked out by hand; each case runs in both engines.
 * (filter-agreement.spec.ts then checks on random data that the engines agree everywhere.)
 */
const LABEL: Record<string, string> = { [P1]: 'P1', [P2]: 'P2', [P3]: 'P3', [P4]: 'P4', [P5]: 'P5' };
const postFields = posts.fields.map((field) => field.name);
const userFields = users.fields.map((field) => field.name);
const records = POSTS.map((post) => complete(post, postFields));
const usersById = new Map(USERS.map((user) => [user.id as string, complete(user, userFields)]));

const ann = { id: U1, roles: ['editor'], name: 'Ann', age: 30 };
const u2 = { id: U2, roles: [] };

type Case = [source: string, expected: string[], overrides?: Partial<FilterContext>];

const CASES: Case[] = [
  // text: NULL and '' are one value for = and !=; = is case-sensitive
  ["title = ''", ['P2', 'P3']],
  ['title = null', ['P2', 'P3']],
  ["title != ''", ['P1', 'P4', 'P5']],
  ['title != null', ['P1', 'P4', 'P5']],
  ["title = 'hello'", ['P4']],
  ["'hello' = title", ['P4']],
  ['title = body', ['P2']],
  // ordering by code point; a NULL side is false
  ["title > 'Z'", ['P4', 'P5']],
  ["title < 'a'", ['P1', 'P3', 'P5']],
  ["'a' > title", ['P1', 'P3', 'P5']],
  ['title > null', []],
  // contains: case-insensitive, % _ \ and quotes literal, NULL is ''
  ["title ~ 'HELLO'", ['P1', 'P4']],
  ["title !~ 'hello'", ['P2', 'P3', 'P5']],
  ["body ~ '%'", ['P3']],
  ["body ~ '_'", ['P3']],
  ["body ~ 'a%b_c\\\\d'", ['P3']],
  ["body ~ '\\\\'", ['P3']],
  ['body ~ "\'"', ['P4']],
  ["body ~ ''", ['P1', 'P2', 'P3', 'P4', 'P5']],
  ['title ~ body', ['P1', 'P2', 'P5']],
  ["'hello world!' ~ title", ['P1', 'P2', 'P3', 'P4']],
  // numbers
  ['score > 0', ['P1', 'P4']],
  ['score >= 0', ['P1', 'P4', 'P5']],
  ['0 <= score', ['P1', 'P4', 'P5']],
  ['score < 0', ['P3']],
  ['score = null', ['P2']],
  ['score != 10', ['P2', 'P3', 'P5']],
  ['score > null', []],
  ['!(score > 0)', ['P2', 'P3', 'P5']],
  ['score = -2.5', ['P3']],
  // booleans: null-safe
  ['published = true', ['P1', 'P4']],
  ['published != true', ['P2', 'P3', 'P5']],
  ['published = null', ['P2', 'P5']],
  ['published = false', ['P3']],
  // dates: strings are timestamps, @now is the context's instant
  ["publishedAt > '2024-06-01'", ['P3', 'P4']],
  ['publishedAt = @now', ['P4']],
  ['publishedAt < @now', ['P1']],
  ["publishedAt = '2024-01-01'", ['P1']],
  ["publishedAt = '2024-01-01T01:00:00+01:00'", ['P1']],
  ['publishedAt = null', ['P2', 'P5']],
  ["createdAt < '2024-01-01T00:00:00.001Z'", ['P1', 'P2', 'P3', 'P4', 'P5']],
  // multi-valued fields and lists need ?op; an empty or NULL list matches nothing
  ["tags ?= 'news'", ['P1']],
  ["tags ?!= 'news'", ['P1', 'P4']],
  ["tags ?~ '%'", ['P4']],
  ["tags ?> 'p'", ['P1']],
  ["!(tags ?= 'news')", ['P2', 'P3', 'P4', 'P5']],
  ["'news' ?= tags", ['P1']],
  ['attachments ?= null', []],
  [`reviewers ?= '${U2}'`, ['P1']],
  ['reviewers ?= @request.auth.id', ['P1'], { auth: u2 }],
  ['reviewers ?= @request.auth.id', [], { auth: { id: '', roles: [] } }],
  ["@request.auth.roles ?= 'editor'", ['P1', 'P2', 'P3', 'P4', 'P5'], { auth: ann }],
  ["@request.auth.roles ?= 'editor'", []],
  ['@request.body.tags ?= status', ['P1', 'P3'], { body: { tags: ['live', 'draft'] } }],
  ['@request.body.tags ?= status', [], { body: { tags: [] } }],
  // ids and relations; '' is "no id": it equals no id and not NULL either
  [`author = '${U1}'`, ['P1']],
  [`author = '${U1.toUpperCase()}'`, ['P1']],
  ["author = ''", []],
  ["author != ''", ['P1', 'P2', 'P3', 'P4', 'P5']],
  ['author = null', ['P2', 'P5']],
  ['author != null', ['P1', 'P3', 'P4']],
  ["author.id = ''", []],
  ["reviewers ?= ''", []],
  ["reviewers ?!= ''", ['P1']],
  ['@request.body.ids ?= author', ['P1'], { body: { ids: ['', U1] } }],
  ['@request.body.ids ?!= author', ['P1', 'P2', 'P3', 'P4', 'P5'], { body: { ids: [''] } }],
  ['@request.body.ids ?= author', [], { body: { ids: [''] } }],
  ['author = @request.auth.id', ['P1'], { auth: ann }],
  ['author = @request.auth.id', []],
  ['author != @request.auth.id', ['P1', 'P2', 'P3', 'P4', 'P5']],
  ["@request.auth.id != '' && author = @request.auth.id", []],
  ["@request.auth.id != ''", ['P1', 'P2', 'P3', 'P4', 'P5'], { auth: ann }],
  [`id = '${P3}'`, ['P3']],
  // one hop through a single relation; an empty or dangling relation reads as NULL
  ["author.name = 'Ann'", ['P1']],
  ["author.name = ''", ['P2', 'P3', 'P4', 'P5']],
  ['author.age > 18', ['P1']],
  ['author.active = true', ['P1']],
  ['author.id = author', ['P1', 'P2', 'P3', 'P5']],
  ["author.role ~ 'ADM'", ['P1']],
  ["author.labels ?= 'b'", ['P1']],
  ['author.prefs = null', ['P2', 'P3', 'P4', 'P5']],
  ['author.secret = null', ['P2', 'P3', 'P4', 'P5'], { allowHidden: true }],
  // json: one key, read as the type of the other side; anything else is null
  ['meta.n = 5', ['P1']],
  ["meta.n = '5'", ['P3']],
  ['meta.n > 1', ['P1']],
  ['meta.n != 5', ['P2', 'P3', 'P4', 'P5']],
  ["meta.s = 'five'", ['P1']],
  ["meta.s ~ 'IV'", ['P1']],
  ['meta.b = true', ['P1']],
  ['meta.n = null', ['P2', 'P4', 'P5']],
  ['meta.o = null', ['P2', 'P3', 'P4', 'P5']],
  ["meta.o = ''", ['P1', 'P2', 'P3', 'P4', 'P5']],
  ['meta = null', ['P2']],
  ['meta != null', ['P1', 'P3', 'P4', 'P5']],
  ['meta.s = title', ['P2', 'P3']],
  // precedence: ! binds tightest, then &&, then ||
  ["score = 10 || score = 0 && title = 'Zebra'", ['P1', 'P4', 'P5']],
  ["(score = 10 || score = 0) && title = 'Zebra'", ['P5']],
  ["!published = true || score = 0", ['P2', 'P3', 'P5']],
  ["!(published = true || score = 0)", ['P2', 'P3']],
  ['!!(score > 0)', ['P1', 'P4']],
  // context values
  ['title = @request.body.title', ['P4'], { body: { title: 'hello' } }],
  ['title = @request.body.missing', ['P2', 'P3']],
  ['score < @request.body.limit', ['P3', 'P5'], { body: { limit: 5 } }],
  ['author.age = @request.auth.age', ['P1'], { auth: ann }],
  ['1 = 1', ['P1', 'P2', 'P3', 'P4', 'P5']],
  ["'a' = 'b'", []],
  ['null = null', ['P1', 'P2', 'P3', 'P4', 'P5']],
  // values never reach the SQL text
  ['title = "x\' OR 1=1 --"', []],
  ["title ~ \"' OR ''='\"", []],
  ["author.name != \"'); DROP TABLE app.posts; --\"", ['P1', 'P2', 'P3', 'P4', 'P5']],
  // hidden fields, for rules and admins
  ["secret = 'top'", ['P1'], { allowHidden: true }],
];

describe('filter semantics, in SQL and in memory', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await openTestDatabase();
    await createCollectionTable(db, users);
    await createCollectionTable(db, posts);
    await insertRecords(db, users, USERS);
    await insertRecords(db, posts, POSTS);
  }, 60_000);

  afterAll(() => db?.close());

  // A rest parameter, so Jest does not take an optional third element for a `done` callback.
  it.each(CASES)('%s matches %j', async (...[source, expected, overrides]: Case) => {
    const ctx = context(overrides);
    const expr = parseForCollection(source, ctx);
    const preload = relationFieldsUsed(expr, ctx);
    const inMemory = records.filter((record) =>
      evaluateFilter(expr, record, ctx, (field) => {
        expect(preload).toContain(field);
        return usersById.get(record[field] as string) ?? null;
      }),
    );
    const params = new SqlParams();
    const where = compileFilter(expr, ctx, params);
    const rows = await db.query<{ id: string }>(`SELECT r.id FROM app.posts r WHERE ${where}`, params.values);

    const labels = (ids: string[]) => ids.map((id) => LABEL[id]).sort();
    expect(labels(inMemory.map((record) => record.id as string))).toEqual(expected);
    expect(labels(rows.map((row) => row.id))).toEqual(expected);
  });
});
