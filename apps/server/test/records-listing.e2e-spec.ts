import type { BaseRecord, Collection } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { type As, CollectionsKit, GUEST } from './support/collections-kit.js';

let k: CollectionsKit;
let orgs: Collection, people: Collection, labels: Collection, posts: Collection;
const id: Record<string, string> = {};

beforeAll(async () => {
  k = await CollectionsKit.start();
  orgs = await k.collection({ fields: [{ name: 'name', type: 'text' }, { name: 'public', type: 'boolean' }], rules: { list: 'public = true', view: 'public = true' } });
  people = await k.collection({ fields: [{ name: 'name', type: 'text' }, { name: 'org', type: 'relation', collection: orgs.name }], rules: { list: '', view: '' } });
  labels = await k.collection({ fields: [{ name: 'label', type: 'text' }, { name: 'shown', type: 'boolean' }], rules: { list: 'shown = true', view: 'shown = true' } });
  posts = await k.collection({
    fields: [
      { name: 'title', type: 'text' },
      { name: 'score', type: 'number' },
      { name: 'author', type: 'relation', collection: people.name },
      { name: 'labels', type: 'relation', collection: labels.name, multiple: true },
    ],
    rules: { list: '', view: '' },
  });
  id.openOrg = (await k.record(orgs.name, { name: 'Open', public: true })).id;
  id.closedOrg = (await k.record(orgs.name, { name: 'Closed', public: false })).id;
  id.alice = (await k.record(people.name, { name: 'Alice', org: id.openOrg })).id;
  id.bob = (await k.record(people.name, { name: 'Bob', org: id.closedOrg })).id;
  id.l1 = (await k.record(labels.name, { label: 'one', shown: true })).id;
  id.l2 = (await k.record(labels.name, { label: 'two', shown: false })).id;
  const rows = [
    { title: 'b', score: 2, author: id.alice, labels: [id.l1, id.l2] },
    { title: 'a', score: 2, author: id.bob },
    { title: 'c', score: 3 },
    { title: 'd', score: 1, author: id.alice },
    { title: 'e', score: null },
  ];
  for (const r of rows) id[r.title] = (await k.record(posts.name, r)).id;
});

afterAll(async () => {
  await k?.stop();
});

const titles = (items: BaseRecord[]) => items.map((r) => r.title);

describe('the list envelope', () => {
  it('answers {items, limit, nextCursor} with limit 30 by default and total only with count=true', async () => {
    const res = await k.list(posts.name);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: expect.any(Array), limit: 30, nextCursor: null });
    expect(res.body.items).toHaveLength(5);
    const counted = await k.list(posts.name, { count: true, limit: 2 });
    expect(counted.body).toMatchObject({ limit: 2, total: 5, nextCursor: expect.any(String) });
    expect(counted.body.items).toHaveLength(2);
    expect((await k.list(posts.name, { count: false })).body).not.toHaveProperty('total');
  });

  it.each([
    ['limit above 500', { limit: 501 }],
    ['limit 0', { limit: 0 }],
    ['a negative limit', { limit: -1 }],
    ['a limit that is not a number', { limit: 'ten' }],
    ['a negative offset', { offset: -1 }],
    ['offset together with cursor', { offset: 0, cursor: 'x' }],
    ['a cursor that is not one of ours', { cursor: 'bm90LWEtY3Vyc29y' }],
    ['count that is not a boolean', { count: 'maybe' }],
  ])('refuses %s with 400', async (_, params) => {
    const res = await k.list(posts.name, params);
    expect(res.status).toBe(400);
    expect(['validation_failed', 'invalid_filter']).toContain(errorOf(res).code);
  });

  it('accepts limit 500 and pages with offset', async () => {
    expect((await k.list(posts.name, { limit: 500 })).body.limit).toBe(500);
    const page = await k.list(posts.name, { sort: 'title', limit: 2, offset: 2 });
    expect(titles(page.body.items)).toEqual(['c', 'd']);
  });
});

describe('sort and fields', () => {
  it('sorts by several keys with - for descending', async () => {
    const res = await k.list(posts.name, { sort: '-score,title', filter: 'score != null' });
    expect(titles(res.body.items)).toEqual(['c', 'a', 'b', 'd']);
    const asc = await k.list(posts.name, { sort: 'score,-title', filter: 'score != null' });
    expect(titles(asc.body.items)).toEqual(['d', 'b', 'a', 'c']);
  });

  it.each([['an unknown field', 'nosuch'], ['SQL-style direction', 'title desc'], ['a path through a non-relation', 'title.name']])('refuses a sort on %s with 400', async (_, sort) => {
    expect((await k.list(posts.name, { sort })).status).toBe(400);
  });

  it('returns only the fields asked for, in lists and single records', async () => {
    const res = await k.list(posts.name, { fields: 'id,title', sort: 'title' });
    expect(res.status).toBe(200);
    for (const item of res.body.items) expect(Object.keys(item).sort()).toEqual(['id', 'title']);
    const one = await k.req<BaseRecord>('GET', `/api/collections/${posts.name}/records/${id.a}?fields=title,score`, GUEST);
    expect(one.body).toEqual({ title: 'a', score: 2 });
  });

  it('refuses fields that the collection does not have with 400', async () => {
    expect((await k.list(posts.name, { fields: 'id,nosuch' })).status).toBe(400);
  });
});

describe('expand', () => {
  const get = (recordId: string, expand: string, as: As = GUEST) =>
    k.req<BaseRecord>('GET', `/api/collections/${posts.name}/records/${recordId}?expand=${encodeURIComponent(expand)}`, as);

  it('fills expand with the related record, or null when there is none', async () => {
    const res = await k.list(posts.name, { expand: 'author', sort: 'title' });
    const byTitle = Object.fromEntries(res.body.items.map((r) => [r.title, r]));
    expect(byTitle.b!.expand?.author).toMatchObject({ id: id.alice, name: 'Alice', org: id.openOrg });
    expect(byTitle.a!.expand?.author).toMatchObject({ id: id.bob, name: 'Bob' });
    expect(byTitle.c!.expand?.author).toBeNull();
    expect(byTitle.b!.author).toBe(id.alice);
    expect((await k.list(posts.name)).body.items.every((r) => r.expand === undefined)).toBe(true);
  });

  it('fills a multi relation with an array of the records the caller may view', async () => {
    const admin = await get(id.b!, 'labels', k.asAdmin);
    expect((admin.body.expand?.labels as BaseRecord[]).map((l) => l.label).sort()).toEqual(['one', 'two']);
    const guest = await get(id.b!, 'labels');
    expect((guest.body.expand?.labels as BaseRecord[]).map((l) => l.label)).toEqual(['one']);
    expect(guest.body.labels).toEqual([id.l1, id.l2]);
    expect((await get(id.c!, 'labels')).body.expand?.labels).toEqual([]);
  });

  it('follows two levels and leaves out what the target view rule hides', async () => {
    const open = await get(id.b!, 'author,author.org');
    expect(open.body.expand?.author).toMatchObject({ id: id.alice, expand: { org: { id: id.openOrg, name: 'Open' } } });
    const closed = await get(id.a!, 'author,author.org');
    expect((closed.body.expand?.author as BaseRecord).expand?.org).toBeNull();
    expect(closed.text).not.toContain('Closed');
    const admin = await get(id.a!, 'author,author.org', k.asAdmin);
    expect((admin.body.expand?.author as BaseRecord).expand?.org).toMatchObject({ id: id.closedOrg, name: 'Closed' });
  });

  it('expands in lists the same way as in single records', async () => {
    const res = await k.list(posts.name, { expand: 'author,author.org,labels', filter: `id = '${id.a}'` }, GUEST);
    expect(res.body.items[0]!.expand).toMatchObject({ author: { id: id.bob, expand: { org: null } }, labels: [] });
  });

  it.each([['a field that is not a relation', 'title'], ['an unknown field', 'nosuch'], ['three levels', 'author.org.name']])(
    'refuses to expand %s with 400',
    async (_, expand) => {
      expect((await get(id.b!, expand)).status).toBe(400);
    },
  );
});

describe('cursor walks', () => {
  let walk: Collection;
  let seeded: string[];

  beforeAll(async () => {
    walk = await k.collection({ fields: [{ name: 'n', type: 'number' }, { name: 'grp', type: 'number' }], rules: { list: '' } });
    // grp has only four distinct values and one record in five has none.
    const rows = Array.from({ length: 1000 }, (_, n) => ({ n, grp: n % 5 === 0 ? null : n % 4 }));
    seeded = (await k.seed(walk.name, rows)).map((r) => r.id);
    expect(new Set(seeded).size).toBe(1000);
  });

  async function walkAll(params: Record<string, string>, between?: (page: number) => Promise<void>): Promise<BaseRecord[]> {
    const seen: BaseRecord[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page++) {
      const res = await k.list(walk.name, { ...params, limit: 37, cursor }, GUEST);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(37);
      seen.push(...res.body.items);
      if (!res.body.nextCursor) return seen;
      cursor = res.body.nextCursor;
      await between?.(page);
    }
    throw new Error('the walk did not end within 100 pages');
  }

  function expectEachSeededOnce(seen: BaseRecord[]): void {
    const ids = seen.map((r) => r.id);
    expect(ids.length).toBe(new Set(ids).size);
    const set = new Set(ids);
    expect(seeded.filter((s) => !set.has(s))).toEqual([]);
  }

  it('returns every record exactly once in the default order', async () => {
    const seen = await walkAll({});
    expectEachSeededOnce(seen);
    expect(seen).toHaveLength(1000);
  });

  it('returns every record exactly once while new records are inserted between pages', async () => {
    const seen = await walkAll({}, async (page) => {
      await k.record(walk.name, { n: 10_000 + page, grp: page % 4 });
    });
    expectEachSeededOnce(seen);
  });

  it.each(['grp', '-grp', 'grp,-n', '-grp,createdAt'])('returns every record exactly once sorted by %s (many duplicates and nulls)', async (sort) => {
    const seen = await walkAll({ sort, filter: 'n < 10000' });
    expectEachSeededOnce(seen);
    expect(seen).toHaveLength(1000);
    const grps = seen.map((r) => r.grp as number | null);
    const firstKey = sort.split(',')[0]!;
    const desc = firstKey.startsWith('-');
    // Records with the same key sit together and the keys are in order; where the nulls go is the server's choice, but consistent.
    const runs = grps.filter((g, i) => i === 0 || g !== grps[i - 1]);
    expect(runs).toHaveLength(5);
    const numbers = runs.filter((g): g is number => g !== null);
    expect(numbers).toEqual([...numbers].sort((a, b) => (desc ? b - a : a - b)));
    expect([runs[0], runs[4]]).toContain(null);
  });

  it('keeps a sort with inserts between pages: each seeded record once', async () => {
    const seen = await walkAll({ sort: '-grp' }, async (page) => {
      await k.record(walk.name, { n: 20_000 + page, grp: page % 2 === 0 ? null : 1 });
    });
    expectEachSeededOnce(seen);
  });
});
