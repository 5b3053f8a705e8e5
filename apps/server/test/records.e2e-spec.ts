import type { BaseRecord, Collection } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { randomUUID } from 'node:crypto';
import { CollectionsKit, ISO, UUID } from './support/collections-kit.js';

let k: CollectionsKit;
/** One collection with a field of every validated kind. */
let things: Collection;
let ownerId: string;

beforeAll(async () => {
  k = await CollectionsKit.start();
  ownerId = (await k.user()).id;
  things = await k.collection({
    fields: [
      { name: 'title', type: 'text', required: true, min: 2, max: 10, pattern: '^[A-Za-z ]+$' },
      { name: 'score', type: 'number', min: 0, max: 100, integer: true },
      { name: 'ratio', type: 'number' },
      { name: 'flag', type: 'boolean' },
      { name: 'when', type: 'date' },
      { name: 'mail', type: 'email' },
      { name: 'site', type: 'url' },
      { name: 'kind', type: 'select', values: ['a', 'b'] },
      { name: 'tags', type: 'select', values: ['x', 'y', 'z'], multiple: true },
      { name: 'owner', type: 'relation', collection: 'users' },
      { name: 'friends', type: 'relation', collection: 'users', multiple: true },
      { name: 'meta', type: 'json' },
      { name: 'code', type: 'text', unique: true },
      { name: 'secret', type: 'text', hidden: true },
    ],
    rules: { list: '', view: '', create: '', update: '', delete: '' },
  });
});

afterAll(async () => {
  await k?.stop();
});

const path = (id?: string) => `/api/collections/${things.name}/records${id ? `/${id}` : ''}`;

describe('creating and reading records', () => {
  it('creates a record with system fields, arrays for multi fields and ISO dates', async () => {
    const res = await k.req<BaseRecord>('POST', path(), k.asAdmin, {
      title: 'Hello', score: 7, ratio: 0.5, flag: true, when: '2024-05-01T10:20:30Z', mail: 'Ann@Example.com', site: 'https://example.com/x',
      kind: 'a', tags: ['x', 'z'], owner: ownerId, meta: { nested: [1, 'two', null] },
    });
    expect(res.status).toBe(201);
    const r = res.body;
    expect(r.id).toMatch(UUID);
    expect(r.createdAt).toMatch(ISO);
    expect(r.updatedAt).toMatch(ISO);
    expect(r).toMatchObject({ title: 'Hello', score: 7, ratio: 0.5, flag: true, kind: 'a', tags: ['x', 'z'], owner: ownerId, friends: [], meta: { nested: [1, 'two', null] } });
    expect(new Date(r.when as string).toISOString()).toBe('2024-05-01T10:20:30.000Z');
    expect(r.when).toMatch(ISO);
    expect(String(r.mail).toLowerCase()).toBe('ann@example.com');
    const got = await k.req<BaseRecord>('GET', path(r.id), k.asAdmin);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r);
  });

  it('returns [] for an empty multi field and null for an empty single one', async () => {
    const r = await k.record(things.name, { title: 'Empty' });
    expect(r).toMatchObject({ tags: [], friends: [], score: null, owner: null, meta: null });
  });

  it('accepts a client-chosen UUID and answers a second create with the same id with 409', async () => {
    const id = randomUUID();
    const first = await k.req<BaseRecord>('POST', path(), k.asAdmin, { id, title: 'Mine' });
    expect(first.status).toBe(201);
    expect(first.body.id).toBe(id);
    const second = await k.req('POST', path(), k.asAdmin, { id, title: 'Again' });
    expect(second.status).toBe(409);
    expect(errorOf(second).code).toBe('conflict');
    expect((await k.truth(things.name, id)).body.title).toBe('Mine');
  });

  it.each([
    ['an id that is not a UUID on create', 'POST', { id: 'abc', title: 'Nope' }, 'id'],
    ['createdAt on create', 'POST', { title: 'Nope', createdAt: '2020-01-01T00:00:00Z' }, 'createdAt'],
    ['updatedAt on create', 'POST', { title: 'Nope', updatedAt: '2020-01-01T00:00:00Z' }, 'updatedAt'],
    ['an unknown field on create', 'POST', { title: 'Nope', nosuch: 1 }, 'nosuch'],
    ['id on update', 'PATCH', { id: randomUUID() }, 'id'],
    ['createdAt on update', 'PATCH', { createdAt: '2020-01-01T00:00:00Z' }, 'createdAt'],
    ['updatedAt on update', 'PATCH', { updatedAt: '2020-01-01T00:00:00Z' }, 'updatedAt'],
    ['an unknown field on update', 'PATCH', { title: 'Fine', nosuch: 1 }, 'nosuch'],
    ['__proto__ on update', 'PATCH', JSON.parse('{"__proto__": {"title": "Polluted"}}'), '__proto__'],
  ])('refuses %s with 400 naming it and stores nothing', async (_, method, body, key) => {
    const base = await k.record(things.name, { title: 'Base' });
    const before = await k.ids(things.name);
    const res = await k.req(method, method === 'POST' ? path() : path(base.id), k.asAdmin, body);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('validation_failed');
    expect(Object.keys(errorOf(res).details ?? {})).toContain(key);
    expect(await k.ids(things.name)).toEqual(before);
    expect((await k.truth(things.name, base.id)).body).toEqual(base);
  });

  it.each([
    ['a missing record', () => randomUUID()],
    ['an id that is not a UUID', () => 'not-a-uuid'],
    ['an id with SQL in it', () => "1' OR '1'='1"],
  ])('answers %s with 404 on get, update and delete', async (_, id) => {
    const target = path(encodeURIComponent(id()));
    for (const [method, body] of [['GET'], ['PATCH', { title: 'Zed' }], ['DELETE']] as const) {
      const res = await k.req(method, target, k.asAdmin, body);
      expect(res.status).toBe(404);
      expect(errorOf(res).code).toBe('not_found');
    }
  });

  it('answers records of an unknown collection with 404', async () => {
    expect((await k.req('GET', '/api/collections/nope_nothing_here/records', k.asAdmin)).status).toBe(404);
    expect((await k.req('POST', '/api/collections/nope_nothing_here/records', k.asAdmin, { a: 1 })).status).toBe(404);
  });
});

describe('validation', () => {
  const friendly = { title: 'Valid' };

  it('answers a malformed or oversized body in the error envelope, with the request id', async () => {
    for (const method of ['POST', 'PATCH']) {
      const url = method === 'POST' ? path() : path((await k.record(things.name, friendly)).id);
      const malformed = await k.api(method, url, { token: k.admin, rawBody: '{"title": ' });
      expect(errorOf(malformed)).toMatchObject({ status: 400, code: 'validation_failed', message: 'request body is not valid JSON' });
      expect(errorOf(malformed).requestId).toBe(malformed.headers.get('x-request-id'));
      const oversized = await k.api(method, url, { token: k.admin, rawBody: JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }) });
      expect(oversized.status).toBe(413);
      expect(errorOf(oversized).code).toBe('payload_too_large');
    }
  });
  /** Sent on create, and (except a missing required field, which a partial update may leave out) on update. */
  it.each<[string, Record<string, unknown>, string]>([
    ['a missing required field', { score: 1 }, 'title'],
    ['an empty required field', { title: '' }, 'title'],
    ['null in a required field', { title: null }, 'title'],
    ['text shorter than min', { title: 'a' }, 'title'],
    ['text longer than max', { title: 'abcdefghijk' }, 'title'],
    ['text not matching the pattern', { title: 'abc1' }, 'title'],
    ['text that is a number', { title: 12 }, 'title'],
    ['a number below min', { ...friendly, score: -1 }, 'score'],
    ['a number above max', { ...friendly, score: 101 }, 'score'],
    ['a fraction in an integer field', { ...friendly, score: 1.5 }, 'score'],
    ['a number sent as a string', { ...friendly, ratio: '5' }, 'ratio'],
    ['a boolean sent as a string', { ...friendly, flag: 'yes' }, 'flag'],
    ['a boolean sent as 1', { ...friendly, flag: 1 }, 'flag'],
    ['a date that is not a date', { ...friendly, when: 'yesterday' }, 'when'],
    ['a date with month 13', { ...friendly, when: '2024-13-01T00:00:00Z' }, 'when'],
    ['a date as a number', { ...friendly, when: 1714557600000 }, 'when'],
    ['an email without @', { ...friendly, mail: 'ann.example.com' }, 'mail'],
    ['an email with spaces', { ...friendly, mail: 'ann @example.com' }, 'mail'],
    ['a url that is not one', { ...friendly, site: 'not a url' }, 'site'],
    ['a select value not in values', { ...friendly, kind: 'c' }, 'kind'],
    ['a multi select with a value not in values', { ...friendly, tags: ['x', 'w'] }, 'tags'],
    ['a relation id that does not exist', { ...friendly, owner: randomUUID() }, 'owner'],
    ['a relation id that is not a uuid', { ...friendly, owner: 'bob' }, 'owner'],
    ['a multi relation with an id that does not exist', { ...friendly, friends: [randomUUID()] }, 'friends'],
    ['a multi relation with an id that is not a uuid', { ...friendly, friends: ["'; DROP TABLE users; --"] }, 'friends'],
    // Postgres text and jsonb cannot hold U+0000: a client sending one must get a 400, not a 500.
    ['text containing a NUL character', { ...friendly, code: 'a\u0000b' }, 'code'],
    ['json containing a NUL character', { ...friendly, meta: { k: 'a\u0000b' } }, 'meta'],
  ])('refuses %s with 400 naming the field, on create and on update', async (name, body, field) => {
    const before = await k.ids(things.name);
    const created = await k.req('POST', path(), k.asAdmin, body);
    expect(created.status).toBe(400);
    expect(errorOf(created).code).toBe('validation_failed');
    expect(Object.keys(errorOf(created).details ?? {})).toContain(field);
    expect(await k.ids(things.name)).toEqual(before);
    if (name === 'a missing required field') return;

    const base = await k.record(things.name, { title: 'Base' });
    const updated = await k.req('PATCH', path(base.id), k.asAdmin, body);
    expect(updated.status).toBe(400);
    expect(Object.keys(errorOf(updated).details ?? {})).toContain(field);
    expect((await k.truth(things.name, base.id)).body).toEqual(base);
  });

  it('keeps any JSON value in a json field as sent, and refuses null in a required one', async () => {
    const docs = await k.collection({ fields: [{ name: 'doc', type: 'json', required: true }] });
    for (const doc of ['42', 42, false, [1, [2]], { a: { b: null } }, 'with "quotes" and \\ backslash']) {
      const r = await k.record(docs.name, { doc });
      expect((await k.truth(docs.name, r.id)).body.doc).toEqual(doc);
    }
    for (const body of [{}, { doc: null }]) {
      const res = await k.req('POST', `/api/collections/${docs.name}/records`, k.asAdmin, body);
      expect(res.status).toBe(400);
      expect(Object.keys(errorOf(res).details ?? {})).toContain('doc');
    }
  });

  it('names every bad field at once', async () => {
    const res = await k.req('POST', path(), k.asAdmin, { title: 'a', score: 1000, kind: 'zz' });
    expect(res.status).toBe(400);
    expect(Object.keys(errorOf(res).details ?? {}).sort()).toEqual(['kind', 'score', 'title']);
  });

  it('answers a duplicate unique value with 409 naming the field', async () => {
    await k.record(things.name, { title: 'Uniq', code: 'abc-1' });
    const res = await k.req('POST', path(), k.asAdmin, { title: 'Uniq', code: 'abc-1' });
    expect(res.status).toBe(409);
    expect(errorOf(res)).toMatchObject({ code: 'conflict', details: { code: expect.any(String) } });
    const other = await k.record(things.name, { title: 'Other', code: 'abc-2' });
    const upd = await k.req('PATCH', path(other.id), k.asAdmin, { code: 'abc-1' });
    expect(upd.status).toBe(409);
    expect(errorOf(upd).details).toHaveProperty('code');
    expect((await k.truth(things.name, other.id)).body.code).toBe('abc-2');
  });
});

describe('unique indexes over several fields', () => {
  it('answers a clash with 409 naming every field of the index', async () => {
    const pairs = await k.collection({ fields: [{ name: 'label', type: 'text' }, { name: 'kind', type: 'text' }], indexes: [{ fields: ['label', 'kind'], unique: true }] });
    await k.record(pairs.name, { label: 'item b', kind: 'veg' });
    expect((await k.req('POST', `/api/collections/${pairs.name}/records`, k.asAdmin, { label: 'item b', kind: 'fruit' })).status).toBe(201);
    const res = await k.req('POST', `/api/collections/${pairs.name}/records`, k.asAdmin, { label: 'item b', kind: 'veg' });
    expect(res.status).toBe(409);
    expect(errorOf(res).details).toEqual({ label: 'must be unique together with kind', kind: 'must be unique together with label' });
  });
});

describe('updating and deleting', () => {
  it('changes only the fields sent and moves updatedAt forward', async () => {
    const r = await k.record(things.name, { title: 'Before', score: 3, tags: ['x'] });
    await new Promise((res) => setTimeout(res, 5));
    const res = await k.req<BaseRecord>('PATCH', path(r.id), k.asAdmin, { score: 4 });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: r.id, title: 'Before', score: 4, tags: ['x'], createdAt: r.createdAt });
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThan(Date.parse(r.updatedAt));
    expect((await k.truth(things.name, r.id)).body).toEqual(res.body);
  });

  it('deletes a record with 204 and then answers 404', async () => {
    const r = await k.record(things.name, { title: 'Gone' });
    expect((await k.req('DELETE', path(r.id), k.asAdmin)).status).toBe(204);
    expect((await k.truth(things.name, r.id)).status).toBe(404);
    expect((await k.req('DELETE', path(r.id), k.asAdmin)).status).toBe(404);
  });
});

describe('ETag and If-Match', () => {
  it('sends an ETag, updates when If-Match is current and answers 409 when it is stale', async () => {
    const r = await k.record(things.name, { title: 'Tagged', score: 1 });
    const got = await k.req('GET', path(r.id), k.asAdmin);
    const etag = got.headers.get('etag');
    expect(etag).toBeTruthy();
    const ok = await k.req<BaseRecord>('PATCH', path(r.id), k.asAdmin, { score: 2 }, { 'if-match': etag! });
    expect(ok.status).toBe(200);
    const fresh = (await k.req('GET', path(r.id), k.asAdmin)).headers.get('etag');
    expect(fresh).not.toBe(etag);
    const stale = await k.req('PATCH', path(r.id), k.asAdmin, { score: 3 }, { 'if-match': etag! });
    expect(stale.status).toBe(409);
    expect(errorOf(stale).code).toBe('conflict');
    expect((await k.truth(things.name, r.id)).body.score).toBe(2);
  });

  it('answers If-None-Match with 304 while the record keeps its ETag, and with the record once it changed', async () => {
    const r = await k.record(things.name, { title: 'Cached', score: 1 });
    const etag = (await k.req('GET', path(r.id), k.asAdmin)).headers.get('etag')!;
    const cached = await k.req('GET', path(r.id), k.asAdmin, undefined, { 'if-none-match': `"other", ${etag}` });
    expect(cached.status).toBe(304);
    expect(cached.text).toBe('');
    expect(cached.headers.get('etag')).toBe(etag);
    await k.req('PATCH', path(r.id), k.asAdmin, { score: 2 });
    const changed = await k.req<BaseRecord>('GET', path(r.id), k.asAdmin, undefined, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.body.score).toBe(2);
  });
});

describe('hidden fields', () => {
  it('returns hidden fields to admins and API keys, never to users or guests', async () => {
    const r = await k.record(things.name, { title: 'Hidden', secret: 's3cr3t' });
    expect(r.secret).toBe('s3cr3t');
    const key = await k.key(['records:read']);
    expect((await k.req<BaseRecord>('GET', path(r.id), key)).body.secret).toBe('s3cr3t');
    const user = await k.user();
    for (const as of [user.as, {}]) {
      const one = await k.req<BaseRecord>('GET', path(r.id), as);
      expect(one.status).toBe(200);
      expect(one.body).not.toHaveProperty('secret');
      const list = await k.list(things.name, { filter: `id = '${r.id}'` }, as);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0]).not.toHaveProperty('secret');
      expect((await k.list(things.name, { fields: 'id,secret' }, as)).body.items?.[0] ?? {}).not.toHaveProperty('secret');
      expect(one.text).not.toContain('s3cr3t');
    }
  });

  it('refuses a filter or sort on a hidden field from non-admins, and allows it for admins', async () => {
    const r = await k.record(things.name, { title: 'Probe', secret: 'needle' });
    const user = await k.user();
    const filtered = await k.list(things.name, { filter: "secret = 'needle'" }, user.as);
    expect(filtered.status).toBe(400);
    expect(errorOf(filtered).code).toBe('invalid_filter');
    const sorted = await k.list(things.name, { sort: 'secret' }, user.as);
    expect(sorted.status).toBe(400);
    expect(['invalid_filter', 'validation_failed']).toContain(errorOf(sorted).code);
    const admin = await k.list(things.name, { filter: "secret = 'needle'", sort: 'secret' });
    expect(admin.body.items.map((x) => x.id)).toEqual([r.id]);
  });

  it('does not let a non-admin read a hidden field through the response of its own write', async () => {
    const user = await k.user();
    const r = await k.record(things.name, { title: 'Writer', secret: 'written' });
    const updated = await k.req<BaseRecord>('PATCH', path(r.id), user.as, { title: 'Writer B' });
    expect(updated.status).toBe(200);
    expect(updated.body).not.toHaveProperty('secret');
    const created = await k.req<BaseRecord>('POST', path(), user.as, { title: 'Fresh' });
    expect(created.status).toBe(201);
    expect(created.body).not.toHaveProperty('secret');
    expect((await k.truth(things.name, r.id)).body).toMatchObject({ title: 'Writer B', secret: 'written' });
  });
});
