import type { BaseRecord, Collection } from '@basalt/contracts';
import type { ApiResponse } from '@basalt/testkit';
import { type As, CollectionsKit, GUEST, type TestUser } from './support/collections-kit.js';

/**
 * Hostile input in filter, sort, fields and expand: each is refused (400) or taken literally (200
 * with a plain match or no match) — never a 500, never slow (pg_sleep must not run), and the
 * table keeps its rows.
 */
let k: CollectionsKit;
let victims: Collection;
let user: TestUser;
const ROWS = 10;

beforeAll(async () => {
  k = await CollectionsKit.start();
  user = await k.user();
  const people = await k.collection({ fields: [{ name: 'name', type: 'text' }], rules: { list: '', view: '' } });
  const ann = await k.record(people.name, { name: 'Ann' });
  victims = await k.collection({
    fields: [
      { name: 'title', type: 'text' },
      { name: 'n', type: 'number' },
      { name: 'author', type: 'relation', collection: people.name },
      { name: 'secret', type: 'text', hidden: true },
    ],
    rules: { list: "title != 'never'", view: '' },
  });
  await k.seed(victims.name, Array.from({ length: ROWS }, (_, n) => ({ title: `row ${n}`, n, author: ann.id, secret: `s${n}` })));
});

afterAll(async () => {
  await k?.stop();
});

const who: Array<[string, () => As]> = [
  ['an admin', () => k.asAdmin],
  ['a user', () => user.as],
  ['a guest', () => GUEST],
];

async function hostile(params: Record<string, string>, as: As): Promise<ApiResponse<{ items: BaseRecord[] }>> {
  const started = performance.now();
  const res = await k.list(victims.name, params, as);
  const ms = performance.now() - started;
  // Named with its input, so a 500 says which request it was.
  expect({ params, status: res.status }).toEqual({ params, status: res.status === 200 ? 200 : 400 });
  expect(ms).toBeLessThan(2000);
  expect(res.text).not.toMatch(/syntax error at or near|(relation|column) ".*" does not exist|unterminated quoted|pg_catalog|at .*\.js:\d+/i);
  return res as ApiResponse<{ items: BaseRecord[] }>;
}

async function expectRowsIntact(): Promise<void> {
  const res = await k.list(victims.name, { limit: 500, count: true });
  expect(res.status).toBe(200);
  expect(res.body.total).toBe(ROWS);
  expect((await k.list('users', { limit: 500 })).body.items.map((u) => u.id)).toContain(user.id);
}

afterEach(async () => {
  await expectRowsIntact();
});

describe.each(who)('filters from %s', (_, as) => {
  it.each([
    "title = 'x' OR 1=1",
    "title = 'x' OR '1'='1'",
    "title = ''; DROP TABLE users; --",
    "n = 1; SELECT pg_sleep(5)",
    "n = 1 -- comment",
    "n = 1 /* comment */",
    'pg_sleep(5) = 1',
    'title = pg_sleep(5)',
    "n = (SELECT 1)",
    'title" = \'a\'',
    'title = "a" || "1"="1',
    '__proto__ = 1',
    'constructor = 1',
    'author.__proto__ = 1',
    'author.constructor = 1',
    '@request.auth.__proto__ = 1',
    '@request.body.constructor = 1',
    "title = 'a\\'; DROP TABLE users; --",
    'n = 1e999999',
    "title = $$x$$",
    'n = 1 UNION SELECT * FROM users',
  ])('refuses or takes literally %j', async (filter) => {
    const res = await hostile({ filter }, as());
    if (res.status === 200) expect(res.body.items.length).toBeLessThanOrEqual(ROWS);
  });

  it.each([
    "x' OR '1'='1",
    "'; DROP TABLE users; --",
    "'; SELECT pg_sleep(5); --",
    '\\"; DROP TABLE users; --',
    '%',
    "') OR ('1'='1",
    'row 1\u0000',
    '\u202e\ud83d\ude00',
  ])('compares the string %j literally and matches nothing', async (value) => {
    const quoted = `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    for (const filter of [`title = ${quoted}`, `title ~ ${quoted}`]) {
      const res = await hostile({ filter }, as());
      if (res.status === 200) expect(res.body.items).toEqual([]);
    }
  });

  it('matches a literal quote exactly when a record holds it', async () => {
    const rec = await k.record(victims.name, { title: "O'Brien \"quoted\"; --", n: 99 });
    try {
      const res = await hostile({ filter: `title = 'O\\'Brien "quoted"; --'` }, as());
      expect(res.status).toBe(200);
      expect(res.body.items.map((r) => r.id)).toEqual([rec.id]);
    } finally {
      expect((await k.req('DELETE', `/api/collections/${victims.name}/records/${rec.id}`, k.asAdmin)).status).toBe(204);
    }
  });
});

describe.each(who)('sort, fields and expand from %s', (_, as) => {
  it.each([
    'title; DROP TABLE users',
    'title DESC',
    '"title"',
    'title--',
    '-title/**/',
    'pg_sleep(5)',
    '(SELECT 1)',
    '1',
    '__proto__',
    'constructor',
    "title,'",
    'author.name; --',
  ])('refuses the sort %j with 400', async (sort) => {
    const res = await hostile({ sort }, as());
    expect(res.status).toBe(400);
  });

  it.each([
    'id,title;DROP TABLE users',
    '"title"',
    '__proto__',
    'constructor',
    '*',
    'title--',
    'pg_sleep(5)',
    "id,title') --",
  ])('refuses or ignores the fields %j', async (fields) => {
    const who = as();
    const res = await hostile({ fields }, who);
    const allowed = ['id', 'title', 'n', 'author', 'createdAt', 'updatedAt', ...(who.token === k.admin ? ['secret'] : [])];
    if (res.status === 200) for (const item of res.body.items) for (const key of Object.keys(item)) expect(allowed).toContain(key);
  });

  it.each(['author;DROP TABLE users', '__proto__', 'constructor', "author'--", 'pg_sleep(5)', 'author.__proto__', 'author.constructor'])(
    'refuses the expand %j with 400',
    async (expand) => {
      const res = await hostile({ expand }, as());
      expect(res.status).toBe(400);
    },
  );
});
