import type { BaseRecord, Collection, Field } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { CollectionsKit, uniqueName } from './support/collections-kit.js';

/** Schema changes on collections that already hold data: nothing is lost that the change keeps. */
let k: CollectionsKit;

beforeAll(async () => {
  k = await CollectionsKit.start();
});

afterAll(async () => {
  await k?.stop();
});

/** A collection with `title` (text) and `score` (number) and 50 records t0..t49 / 0..49. */
async function seeded(extra: Field[] = []): Promise<{ col: Collection; records: BaseRecord[] }> {
  const col = await k.collection({ fields: [{ name: 'title', type: 'text' }, { name: 'score', type: 'number' }, ...extra] });
  const records = await k.seed(col.name, Array.from({ length: 50 }, (_, i) => ({ title: `t${i}`, score: i })));
  expect(records).toHaveLength(50);
  return { col, records };
}

async function all(name: string): Promise<BaseRecord[]> {
  const res = await k.list(name, { limit: 500, sort: 'createdAt' });
  expect(res.status).toBe(200);
  return res.body.items;
}

async function patch(name: string, body: Record<string, unknown>) {
  return k.req<Collection>('PATCH', `/api/collections/${name}`, k.asAdmin, body);
}

function byTitle(items: BaseRecord[]): Map<unknown, BaseRecord> {
  return new Map(items.map((r) => [r.title, r]));
}

describe('schema changes keep data', () => {
  it('adds a field with a default to every existing record, and one without as null', async () => {
    const { col } = await seeded();
    const res = await patch(col.name, {
      fields: [...col.fields, { name: 'status', type: 'select', values: ['draft', 'live'], default: 'draft' }, { name: 'note', type: 'text' }],
    });
    expect(res.status).toBe(200);
    const items = await all(col.name);
    expect(items).toHaveLength(50);
    for (const r of items) expect(r).toMatchObject({ status: 'draft', note: null, score: Number(String(r.title).slice(1)) });
    // New records get the default too.
    expect((await k.record(col.name, { title: 'new' })).status).toBe('draft');
  });

  it('renames a field and keeps its values under the new name', async () => {
    const { col, records } = await seeded();
    const [title, score] = col.fields;
    const res = await patch(col.name, { fields: [title, { ...score, name: 'points' }] });
    expect(res.status).toBe(200);
    expect(res.body.fields[1]).toMatchObject({ id: score!.id, name: 'points', type: 'number' });
    const items = byTitle(await all(col.name));
    for (const [i, r] of records.entries()) {
      const now = items.get(`t${i}`)!;
      expect(now).toMatchObject({ id: r.id, points: i, createdAt: r.createdAt });
      expect(now).not.toHaveProperty('score');
    }
    // The old name is gone from filters, the new one works.
    expect((await k.list(col.name, { filter: 'score = 3' })).status).toBe(400);
    expect((await k.list(col.name, { filter: 'points = 3' })).body.items.map((r) => r.title)).toEqual(['t3']);
  });

  it('removes a field and leaves the other values intact', async () => {
    const { col } = await seeded([{ name: 'extra', type: 'text' }]);
    const res = await patch(col.name, { fields: [col.fields[0], col.fields[2]] });
    expect(res.status).toBe(200);
    const items = await all(col.name);
    expect(items).toHaveLength(50);
    for (const r of items) {
      expect(r).not.toHaveProperty('score');
      expect(r.title).toMatch(/^t\d+$/);
    }
    // Adding a field with the old name starts empty: the dropped values do not come back.
    const readd = await patch(col.name, { fields: [...res.body.fields, { name: 'score', type: 'number' }] });
    expect(readd.status).toBe(200);
    expect((await all(col.name)).every((r) => r.score === null)).toBe(true);
  });

  it('adds and drops an index without touching the records', async () => {
    const { col } = await seeded();
    const added = await patch(col.name, { indexes: [{ fields: ['score'] }, { fields: ['title', 'score'] }] });
    expect(added.status).toBe(200);
    expect(added.body.indexes.map((i) => i.fields)).toEqual([['score'], ['title', 'score']]);
    expect((await k.list(col.name, { filter: 'score >= 45', sort: '-score' })).body.items.map((r) => r.score)).toEqual([49, 48, 47, 46, 45]);
    const dropped = await patch(col.name, { indexes: [{ fields: ['title', 'score'] }] });
    expect(dropped.status).toBe(200);
    expect(dropped.body.indexes.map((i) => i.fields)).toEqual([['title', 'score']]);
    expect(await all(col.name)).toHaveLength(50);
  });

  it('refuses a unique index over duplicate values with 409 and keeps the old indexes', async () => {
    const { col } = await seeded();
    await k.record(col.name, { title: 't1', score: 1000 });
    const res = await patch(col.name, { indexes: [{ fields: ['title'], unique: true }] });
    expect(res.status).toBe(409);
    expect((await k.getCollection(col.name)).indexes).toEqual([]);
  });

  it('renames the collection: records move to the new name and relations from other collections follow', async () => {
    const { col, records } = await seeded();
    const refs = await k.collection({ fields: [{ name: 'target', type: 'relation', collection: col.name }] });
    const ref = await k.record(refs.name, { target: records[7]!.id });
    const newName = uniqueName('renamed');
    const res = await patch(col.name, { name: newName });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: col.id, name: newName });
    expect((await k.req('GET', `/api/collections/${col.name}`, k.asAdmin)).status).toBe(404);
    expect((await k.list(col.name)).status).toBe(404);
    expect(await all(newName)).toHaveLength(50);
    expect((await k.truth(newName, records[7]!.id)).body).toMatchObject({ title: 't7', score: 7 });
    // The relation field now names the new collection, and expand and new links work.
    expect((await k.getCollection(refs.name)).fields[0]).toMatchObject({ type: 'relation', collection: newName });
    const expanded = await k.req<BaseRecord>('GET', `/api/collections/${refs.name}/records/${ref.id}?expand=target`, k.asAdmin);
    expect(expanded.body.expand?.target).toMatchObject({ id: records[7]!.id, title: 't7' });
    expect((await k.list(refs.name, { filter: "target.title = 't7'" })).body.items.map((r) => r.id)).toEqual([ref.id]);
    expect((await k.req('POST', `/api/collections/${refs.name}/records`, k.asAdmin, { target: records[8]!.id })).status).toBe(201);
  });
});

describe('type changes', () => {
  it.each<[string, Field, Field, unknown]>([
    ['number to text', { name: 'v', type: 'number' }, { name: 'v', type: 'text' }, 42],
    ['text to number', { name: 'v', type: 'text' }, { name: 'v', type: 'number' }, '42'],
    ['multiple select to single', { name: 'v', type: 'select', values: ['a', 'b'], multiple: true }, { name: 'v', type: 'select', values: ['a', 'b'] }, ['a', 'b']],
    ['multiple relation to single', { name: 'v', type: 'relation', collection: 'users', multiple: true }, { name: 'v', type: 'relation', collection: 'users' }, []],
    ['text to boolean', { name: 'v', type: 'text' }, { name: 'v', type: 'boolean' }, 'true'],
    ['date to number', { name: 'v', type: 'date' }, { name: 'v', type: 'number' }, '2024-05-01T00:00:00.000Z'],
  ])('refuses %s with 400 naming the field and keeps the data', async (_, from, to, value) => {
    const col = await k.collection({ fields: [{ name: 'title', type: 'text' }, from] });
    const rec = await k.record(col.name, { title: 'x', v: value });
    const res = await patch(col.name, { fields: [col.fields[0], { ...to, id: col.fields[1]!.id }] });
    expect(res.status).toBe(400);
    const err = errorOf(res);
    expect(err.code).toBe('validation_failed');
    expect(`${err.message} ${JSON.stringify(err.details)}`).toMatch(/fields\.1|\bv\b/);
    expect((await k.getCollection(col.name)).fields[1]).toMatchObject(from);
    expect((await k.truth(col.name, rec.id)).body).toMatchObject({ v: value });
  });

  it.each<[string, Field, Field, unknown, unknown]>([
    ['text to email', { name: 'v', type: 'text' }, { name: 'v', type: 'email' }, 'ann@example.com', 'ann@example.com'],
    ['text to url', { name: 'v', type: 'text' }, { name: 'v', type: 'url' }, 'https://example.com/a', 'https://example.com/a'],
    ['single select to multiple', { name: 'v', type: 'select', values: ['a', 'b'] }, { name: 'v', type: 'select', values: ['a', 'b'], multiple: true }, 'a', ['a']],
  ])('changes %s and keeps the data', async (_, from, to, value, after) => {
    const col = await k.collection({ fields: [from] });
    const rec = await k.record(col.name, { v: value });
    const empty = await k.record(col.name, {});
    // Read first, so the connections hold these reads as prepared statements of the old column type.
    for (let i = 0; i < 3; i++) expect((await k.truth(col.name, rec.id)).body.v).toEqual(value);
    const res = await patch(col.name, { fields: [{ ...to, id: col.fields[0]!.id }] });
    expect(res.status).toBe(200);
    expect(res.body.fields[0]).toMatchObject({ ...to, id: col.fields[0]!.id });
    expect((await k.truth(col.name, rec.id)).body.v).toEqual(after);
    expect((await k.truth(col.name, empty.id)).body.v).toEqual(Array.isArray(after) ? [] : null);
  });
});

describe('making a field unique', () => {
  it('refuses with 409 when existing records hold duplicates, and changes nothing', async () => {
    const col = await k.collection({ fields: [{ name: 'code', type: 'text' }] });
    await k.seed(col.name, [{ code: 'a' }, { code: 'b' }, { code: 'a' }]);
    const res = await patch(col.name, { fields: [{ ...col.fields[0], unique: true }] });
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
    expect((await k.getCollection(col.name)).fields[0]!.unique ?? false).toBe(false);
    expect((await k.req('POST', `/api/collections/${col.name}/records`, k.asAdmin, { code: 'a' })).status).toBe(201);
  });

  it('enforces uniqueness from then on when the values are distinct', async () => {
    const col = await k.collection({ fields: [{ name: 'code', type: 'text' }] });
    await k.seed(col.name, [{ code: 'a' }, { code: 'b' }]);
    expect((await patch(col.name, { fields: [{ ...col.fields[0], unique: true }] })).status).toBe(200);
    const dup = await k.req('POST', `/api/collections/${col.name}/records`, k.asAdmin, { code: 'b' });
    expect(dup.status).toBe(409);
    expect(errorOf(dup).details).toHaveProperty('code');
  });
});
