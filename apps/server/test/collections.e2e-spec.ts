import type { Collection, Field, ListResponse } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { type As, CollectionsKit, GUEST, ISO, UUID, uniqueName } from './support/collections-kit.js';

let k: CollectionsKit;

beforeAll(async () => {
  k = await CollectionsKit.start();
});

afterAll(async () => {
  await k?.stop();
});

const NULL_RULES = { list: null, view: null, create: null, update: null, delete: null };

describe('who may change the schema', () => {
  it('lets an admin and a schema:write key create, read, change and delete collections', async () => {
    for (const as of [k.asAdmin, await k.key(['schema:write'])]) {
      const name = uniqueName('acc');
      const created = await k.req<Collection>('POST', '/api/collections', as, { name, fields: [{ name: 'title', type: 'text' }] });
      expect(created.status).toBe(201);
      expect((await k.req('GET', `/api/collections/${name}`, as)).status).toBe(200);
      const list = await k.req<ListResponse<Collection>>('GET', '/api/collections', as);
      expect(list.body.items.map((c) => c.name)).toContain(name);
      expect((await k.req('PATCH', `/api/collections/${name}`, as, { rules: { list: '' } })).status).toBe(200);
      expect((await k.req('DELETE', `/api/collections/${name}`, as)).status).toBe(204);
    }
  });

  it.each<[string, number, string, () => Promise<As>]>([
    ['a records:read key', 403, 'forbidden', () => k.key(['records:read'])],
    ['a user', 403, 'forbidden', async () => (await k.user()).as],
    ['a guest', 401, 'unauthorized', async () => GUEST],
  ])('answers %s with %i on every schema route and changes nothing', async (_, status, code, who) => {
    const as = await who();
    const existing = await k.collection({ fields: [{ name: 'title', type: 'text' }] });
    const name = uniqueName('denied');
    const attempts = [
      await k.req('GET', '/api/collections', as),
      await k.req('GET', `/api/collections/${existing.name}`, as),
      await k.req('POST', '/api/collections', as, { name, fields: [{ name: 'title', type: 'text' }] }),
      await k.req('PATCH', `/api/collections/${existing.name}`, as, { rules: { list: '' } }),
      await k.req('DELETE', `/api/collections/${existing.name}`, as),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(status);
      expect(errorOf(res).code).toBe(code);
    }
    expect((await k.req('GET', `/api/collections/${name}`, k.asAdmin)).status).toBe(404);
    expect(await k.getCollection(existing.name)).toEqual(existing);
  });
});

describe('creating and reading collections', () => {
  it('creates a base collection with server-assigned field ids and every rule null', async () => {
    const name = uniqueName('notes');
    const res = await k.req<Collection>('POST', '/api/collections', k.asAdmin, { name, fields: [{ name: 'title', type: 'text' }, { name: 'body', type: 'text' }] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: expect.stringMatching(UUID), name, kind: 'base', indexes: [], rules: NULL_RULES });
    expect(res.body.createdAt).toMatch(ISO);
    expect(res.body.updatedAt).toMatch(ISO);
    expect(res.body.fields).toEqual([
      expect.objectContaining({ id: expect.any(String), name: 'title', type: 'text' }),
      expect.objectContaining({ id: expect.any(String), name: 'body', type: 'text' }),
    ]);
    expect(res.body.fields[0]!.id).not.toBe(res.body.fields[1]!.id);
    expect(await k.getCollection(name)).toEqual(res.body);
  });

  it('keeps every field type with its options', async () => {
    const target = await k.collection({ fields: [{ name: 'label', type: 'text' }] });
    const fields: Field[] = [
      { name: 'title', type: 'text', required: true, min: 1, max: 200, pattern: '^[^<>]*$' },
      { name: 'score', type: 'number', min: 0, max: 10, integer: true, default: 5 },
      { name: 'published', type: 'boolean', default: false },
      { name: 'publishedAt', type: 'date' },
      { name: 'contact', type: 'email', unique: true },
      { name: 'homepage', type: 'url', hidden: true },
      { name: 'kind', type: 'select', values: ['a', 'b'] },
      { name: 'tags', type: 'select', values: ['news', 'tech'], multiple: true },
      { name: 'author', type: 'relation', collection: 'users', onDelete: 'cascade' },
      { name: 'related', type: 'relation', collection: target.name, multiple: true, onDelete: 'setNull' },
      { name: 'pinned', type: 'relation', collection: target.name, onDelete: 'restrict' },
      { name: 'cover', type: 'file', bucket: 'covers' },
      { name: 'gallery', type: 'file', bucket: 'covers', multiple: true },
      { name: 'meta', type: 'json', default: { a: 1 } },
    ];
    const indexes = [{ fields: ['score'] }, { fields: ['author', 'publishedAt'], unique: false }, { fields: ['title'], unique: true }];
    const rules = { list: '', view: 'published = true', create: "@request.auth.id != ''", update: 'author = @request.auth.id', delete: null };
    const res = await k.req<Collection>('POST', '/api/collections', k.asAdmin, { name: uniqueName('all'), fields, indexes, rules });
    expect(res.status).toBe(201);
    expect(res.body.fields).toEqual(fields.map((f) => expect.objectContaining({ ...f, id: expect.any(String) })));
    expect(res.body.indexes.map((i) => ({ fields: i.fields, unique: i.unique ?? false }))).toEqual(indexes.map((i) => ({ unique: false, ...i })));
    expect(res.body.rules).toEqual(rules);
  });

  it('lists the built-in users collection with its system fields and own-record rules', async () => {
    const res = await k.req<ListResponse<Collection>>('GET', '/api/collections', k.asAdmin);
    expect(res.status).toBe(200);
    const users = res.body.items.find((c) => c.name === 'users')!;
    expect(users).toMatchObject({ kind: 'auth' });
    expect(users.fields.map((f) => f.name)).toEqual(
      expect.arrayContaining(['email', 'emailVerified', 'name', 'avatar', 'roles', 'anonymous', 'disabled', 'lastLoginAt']),
    );
    const own = 'id = @request.auth.id';
    expect(users.rules).toEqual({ list: own, view: own, update: own, create: null, delete: null });
    expect((await k.req('GET', '/api/collections/users', k.asAdmin)).body).toEqual(users);
  });

  it('answers an unknown collection with 404', async () => {
    const res = await k.req('GET', `/api/collections/${uniqueName('missing')}`, k.asAdmin);
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('not_found');
  });
});

describe('refusing bad schemas', () => {
  const text = (name: string): Field => ({ name, type: 'text' });
  it.each<[string, Record<string, unknown>, string]>([
    ['an upper-case collection name', { name: 'Posts', fields: [text('a')] }, 'name'],
    ['a collection name with a dash', { name: 'my-posts', fields: [text('a')] }, 'name'],
    ['a collection name starting with a digit', { name: '1posts', fields: [text('a')] }, 'name'],
    ['a collection name of 64 characters', { name: `p${'a'.repeat(63)}`, fields: [text('a')] }, 'name'],
    ['a collection name with a quote', { name: 'posts"; drop table x; --', fields: [text('a')] }, 'name'],
    ['a missing collection name', { fields: [text('a')] }, 'name'],
    ['a field name with a space', { name: uniqueName(), fields: [text('ok'), text('bad name')] }, 'fields.1.name'],
    ['a field name starting upper-case', { name: uniqueName(), fields: [text('Title')] }, 'fields.0.name'],
    ['a field name starting with _', { name: uniqueName(), fields: [text('_x')] }, 'fields.0.name'],
    ['a field name of 64 characters', { name: uniqueName(), fields: [text(`f${'a'.repeat(63)}`)] }, 'fields.0.name'],
    ['a field name with a quote', { name: uniqueName(), fields: [text('a"b')] }, 'fields.0.name'],
    ['the reserved field name id', { name: uniqueName(), fields: [text('id')] }, 'fields.0.name'],
    ['the reserved field name createdAt', { name: uniqueName(), fields: [text('ok'), text('createdAt')] }, 'fields.1.name'],
    ['the reserved field name updatedAt', { name: uniqueName(), fields: [text('updatedAt')] }, 'fields.0.name'],
    ['the reserved field name expand', { name: uniqueName(), fields: [text('expand')] }, 'fields.0.name'],
    ['two fields with one name', { name: uniqueName(), fields: [text('title'), text('title')] }, 'fields.1.name'],
    ['a repeated name after a field of unknown type (positions stay those of the request)', { name: uniqueName(), fields: [{ name: 'a', type: 'nope' }, text('b'), text('b')] }, 'fields.2.name'],
    ['an unknown field type', { name: uniqueName(), fields: [{ name: 'a', type: 'blob' }] }, 'fields.0.type'],
    ['a negative text max', { name: uniqueName(), fields: [{ name: 'a', type: 'text', max: -1 }] }, 'fields.0.max'],
    ['a text max that is not a number', { name: uniqueName(), fields: [{ name: 'a', type: 'text', max: 'ten' }] }, 'fields.0.max'],
    ['a pattern that is not a regular expression', { name: uniqueName(), fields: [{ name: 'a', type: 'text', pattern: '([' }] }, 'fields.0.pattern'],
    ['a number integer flag that is not boolean', { name: uniqueName(), fields: [{ name: 'n', type: 'number', integer: 'yes' }] }, 'fields.0.integer'],
    ['a select without values', { name: uniqueName(), fields: [{ name: 's', type: 'select' }] }, 'fields.0.values'],
    ['a select with an empty list of values', { name: uniqueName(), fields: [{ name: 's', type: 'select', values: [] }] }, 'fields.0.values'],
    ['a relation without a collection', { name: uniqueName(), fields: [{ name: 'r', type: 'relation' }] }, 'fields.0.collection'],
    ['a relation to a missing collection', { name: uniqueName(), fields: [text('a'), { name: 'r', type: 'relation', collection: 'nope_nothing' }] }, 'fields.1.collection'],
    ['an unknown onDelete', { name: uniqueName(), fields: [{ name: 'r', type: 'relation', collection: 'users', onDelete: 'explode' }] }, 'fields.0.onDelete'],
    ['a file field without a bucket', { name: uniqueName(), fields: [{ name: 'f', type: 'file' }] }, 'fields.0.bucket'],
    ['a default of the wrong type', { name: uniqueName(), fields: [{ name: 'n', type: 'number', default: 'many' }] }, 'fields.0.default'],
    ['a default outside the select values', { name: uniqueName(), fields: [{ name: 's', type: 'select', values: ['a'], default: 'z' }] }, 'fields.0.default'],
    ['an index on an unknown field', { name: uniqueName(), fields: [text('a')], indexes: [{ fields: ['nope'] }] }, 'indexes.0'],
  ])('refuses %s with 400 naming it in details', async (_, body, key) => {
    const res = await k.req('POST', '/api/collections', k.asAdmin, body);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('validation_failed');
    expect(errorOf(res).details).toHaveProperty([key]);
    if (typeof body.name === 'string') expect((await k.req('GET', `/api/collections/${encodeURIComponent(body.name)}`, k.asAdmin)).status).toBe(404);
  });

  it.each([
    ['list', 'title ='],
    ['view', "title = 'a' &&"],
    ['create', 'nosuchfield = 1'],
    ['update', '@request.auth.id = = 1'],
    ['delete', "title = 'unterminated"],
  ])('refuses a bad %s rule with 400 invalid_filter naming the rule and position', async (rule, expr) => {
    const name = uniqueName('badrule');
    const res = await k.req('POST', '/api/collections', k.asAdmin, { name, fields: [{ name: 'title', type: 'text' }], rules: { [rule]: expr } });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'invalid_filter', details: { rule, position: expect.stringMatching(/^\d+$/) } });
    expect((await k.req('GET', `/api/collections/${name}`, k.asAdmin)).status).toBe(404);
  });

  it('answers a second collection with the same name with 409', async () => {
    const first = await k.collection({ fields: [{ name: 'a', type: 'text' }] });
    const res = await k.req('POST', '/api/collections', k.asAdmin, { name: first.name, fields: [{ name: 'b', type: 'number' }] });
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
    expect(await k.getCollection(first.name)).toEqual(first);
    expect((await k.req('POST', '/api/collections', k.asAdmin, { name: 'users', fields: [{ name: 'a', type: 'text' }] })).status).toBe(409);
  });
});

describe('changing collections', () => {
  it('keeps fields by id, renames, adds and drops them from the whole new list', async () => {
    const col = await k.collection({ fields: [{ name: 'a', type: 'text' }, { name: 'b', type: 'text' }, { name: 'c', type: 'number' }] });
    const rec = await k.record(col.name, { a: 'one', b: 'two', c: 3 });
    const [a, b] = col.fields;
    const res = await k.req<Collection>('PATCH', `/api/collections/${col.name}`, k.asAdmin, {
      fields: [a, { ...b, name: 'bee' }, { name: 'd', type: 'number' }],
    });
    expect(res.status).toBe(200);
    expect(res.body.fields.map((f) => [f.name, f.type])).toEqual([['a', 'text'], ['bee', 'text'], ['d', 'number']]);
    expect(res.body.fields[0]!.id).toBe(a!.id);
    expect(res.body.fields[1]!.id).toBe(b!.id);
    expect([a!.id, b!.id, col.fields[2]!.id]).not.toContain(res.body.fields[2]!.id);
    const after = (await k.truth(col.name, rec.id)).body;
    expect(after).toMatchObject({ a: 'one', bee: 'two', d: null });
    expect(after).not.toHaveProperty('b');
    expect(after).not.toHaveProperty('c');
  });

  it('merges rules per rule and leaves the others as they were', async () => {
    const col = await k.collection({ fields: [{ name: 'a', type: 'text' }], rules: { list: '', view: "a = 'x'" } });
    expect(col.rules).toEqual({ ...NULL_RULES, list: '', view: "a = 'x'" });
    const one = await k.req<Collection>('PATCH', `/api/collections/${col.name}`, k.asAdmin, { rules: { create: "@request.auth.id != ''" } });
    expect(one.body.rules).toEqual({ ...NULL_RULES, list: '', view: "a = 'x'", create: "@request.auth.id != ''" });
    const two = await k.req<Collection>('PATCH', `/api/collections/${col.name}`, k.asAdmin, { rules: { list: null } });
    expect(two.body.rules).toEqual({ ...NULL_RULES, view: "a = 'x'", create: "@request.auth.id != ''" });
    expect(two.body.fields).toEqual(col.fields);
  });

  it('refuses a bad rule in a change with invalid_filter and keeps the old rules', async () => {
    const col = await k.collection({ fields: [{ name: 'a', type: 'text' }], rules: { list: '' } });
    const res = await k.req('PATCH', `/api/collections/${col.name}`, k.asAdmin, { rules: { list: 'a ~' } });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'invalid_filter', details: { rule: 'list', position: expect.stringMatching(/^\d+$/) } });
    expect((await k.getCollection(col.name)).rules.list).toBe('');
  });

  it.each([
    ['a field renamed to a reserved name', (f: Field[]) => [f[0], { ...f[1], name: 'createdAt' }], 'fields.1.name'],
    ['a field renamed to a bad name', (f: Field[]) => [f[0], { ...f[1], name: 'has space' }], 'fields.1.name'],
    ['a new field with the name of a kept one', (f: Field[]) => [...f, { name: 'a', type: 'number' }], 'fields.2.name'],
    ['a relation added to a missing collection', (f: Field[]) => [...f, { name: 'r', type: 'relation', collection: 'nope_nothing' }], 'fields.2.collection'],
  ])('refuses %s in a change with 400 and keeps the schema and data', async (_, change, key) => {
    const col = await k.collection({ fields: [{ name: 'a', type: 'text' }, { name: 'b', type: 'text' }] });
    const rec = await k.record(col.name, { a: 'x', b: 'y' });
    const res = await k.req('PATCH', `/api/collections/${col.name}`, k.asAdmin, { fields: change(col.fields) });
    expect(res.status).toBe(400);
    expect(Object.keys(errorOf(res).details ?? {})).toContain(key);
    expect(await k.getCollection(col.name)).toEqual(col);
    expect((await k.truth(col.name, rec.id)).body).toEqual(rec);
  });

  it('refuses to rename onto an existing collection with 409', async () => {
    const a = await k.collection({ fields: [{ name: 'a', type: 'text' }] });
    const b = await k.collection({ fields: [{ name: 'b', type: 'text' }] });
    const res = await k.req('PATCH', `/api/collections/${a.name}`, k.asAdmin, { name: b.name });
    expect(res.status).toBe(409);
    expect(await k.getCollection(a.name)).toEqual(a);
  });

  it('answers a change to an unknown collection with 404', async () => {
    expect((await k.req('PATCH', `/api/collections/${uniqueName('nope')}`, k.asAdmin, { rules: { list: '' } })).status).toBe(404);
  });
});

describe('deleting collections', () => {
  it('deletes a collection and its records with 204', async () => {
    const col = await k.collection({ fields: [{ name: 'a', type: 'text' }] });
    await k.record(col.name, { a: 'x' });
    expect((await k.req('DELETE', `/api/collections/${col.name}`, k.asAdmin)).status).toBe(204);
    expect((await k.req('GET', `/api/collections/${col.name}`, k.asAdmin)).status).toBe(404);
    expect((await k.list(col.name)).status).toBe(404);
    // The name is free again, and the new collection starts empty.
    const again = await k.collection({ name: col.name, fields: [{ name: 'a', type: 'text' }] });
    expect((await k.list(again.name)).body.items).toEqual([]);
  });

  it('refuses to delete the built-in users collection with 403', async () => {
    const res = await k.req('DELETE', '/api/collections/users', k.asAdmin);
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('forbidden');
    expect((await k.req('GET', '/api/collections/users', k.asAdmin)).status).toBe(200);
  });

  it('refuses to delete a collection another collection relates to with 409', async () => {
    const target = await k.collection({ fields: [{ name: 'a', type: 'text' }] });
    const source = await k.collection({ fields: [{ name: 'ref', type: 'relation', collection: target.name }] });
    const t = await k.record(target.name, { a: 'kept' });
    const res = await k.req('DELETE', `/api/collections/${target.name}`, k.asAdmin);
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
    expect((await k.truth(target.name, t.id)).body).toMatchObject({ a: 'kept' });
    // Once the relation is gone, the delete goes through.
    expect((await k.req('DELETE', `/api/collections/${source.name}`, k.asAdmin)).status).toBe(204);
    expect((await k.req('DELETE', `/api/collections/${target.name}`, k.asAdmin)).status).toBe(204);
  });

  it('answers deleting an unknown collection with 404', async () => {
    expect((await k.req('DELETE', `/api/collections/${uniqueName('nope')}`, k.asAdmin)).status).toBe(404);
  });
});
