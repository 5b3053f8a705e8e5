import type { BaseRecord, BatchResponse, Collection } from '@basalt/contracts';
import { type ApiResponse, errorOf } from '@basalt/testkit';
import { randomUUID } from 'node:crypto';
import { type As, CollectionsKit, GUEST, type TestUser } from './support/collections-kit.js';

let k: CollectionsKit;
let alice: TestUser, bob: TestUser;
/** Open to everyone; `code` is unique, `title` required. */
let notes: Collection;
/** Relates to notes. */
let links: Collection;
/** The API.md posts rules. */
let posts: Collection;

beforeAll(async () => {
  k = await CollectionsKit.start();
  [alice, bob] = [await k.user(), await k.user()];
  const open = { list: '', view: '', create: '', update: '', delete: '' };
  notes = await k.collection({ fields: [{ name: 'title', type: 'text', required: true, max: 20 }, { name: 'code', type: 'text', unique: true }], rules: open });
  links = await k.collection({ fields: [{ name: 'note', type: 'relation', collection: notes.name, required: true }], rules: open });
  posts = await k.collection({
    fields: [{ name: 'title', type: 'text' }, { name: 'published', type: 'boolean', default: false }, { name: 'author', type: 'relation', collection: 'users' }],
    rules: {
      list: 'published = true || author = @request.auth.id',
      view: 'published = true || author = @request.auth.id',
      create: "@request.auth.id != '' && author = @request.auth.id",
      update: 'author = @request.auth.id',
      delete: 'author = @request.auth.id',
    },
  });
});

afterAll(async () => {
  await k?.stop();
});

type Item = { method: string; collection: string; id?: string; body?: Record<string, unknown> };
const batch = (requests: Item[], as: As = k.asAdmin) => k.req<BatchResponse>('POST', '/api/batch', as, { requests });

/** Everything as admin, to compare before and after a failed batch. */
async function snapshot(...cols: Collection[]): Promise<Record<string, BaseRecord[]>> {
  const out: Record<string, BaseRecord[]> = {};
  for (const c of cols) out[c.name] = (await k.list(c.name, { limit: 500, sort: 'createdAt,id' })).body.items;
  return out;
}

function expectFailedAt(res: ApiResponse, index: number, status: number, code: string): void {
  expect(res.status).toBe(status);
  const err = errorOf(res);
  expect(err).toMatchObject({ status, code, details: expect.objectContaining({ index: String(index) }) });
  expect(err.message.startsWith(`requests.${index}:`)).toBe(true);
}

describe('a batch that succeeds', () => {
  it('runs creates, updates and deletes in order and answers each one', async () => {
    const existing = await k.record(notes.name, { title: 'old' });
    const doomed = await k.record(notes.name, { title: 'doomed' });
    const noteId = randomUUID();
    const res = await batch([
      { method: 'POST', collection: notes.name, body: { id: noteId, title: 'new' } },
      { method: 'POST', collection: links.name, body: { note: noteId } },
      { method: 'PATCH', collection: notes.name, id: existing.id, body: { title: 'changed' } },
      { method: 'DELETE', collection: notes.name, id: doomed.id },
    ]);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.status)).toEqual([201, 201, 200, 204]);
    expect(res.body.results[0]!.body).toMatchObject({ id: noteId, title: 'new' });
    expect(res.body.results[1]!.body).toMatchObject({ note: noteId });
    expect(res.body.results[2]!.body).toMatchObject({ id: existing.id, title: 'changed' });
    expect(res.body.results[3]!.body).toBeUndefined();
    expect((await k.truth(notes.name, noteId)).body.title).toBe('new');
    expect((await k.truth(notes.name, existing.id)).body.title).toBe('changed');
    expect((await k.truth(notes.name, doomed.id)).status).toBe(404);
  });

  it('accepts 100 requests', async () => {
    const res = await batch(Array.from({ length: 100 }, (_, i) => ({ method: 'POST', collection: notes.name, body: { title: `n${i}` } })));
    expect(res.status).toBe(200);
    expect(res.body.results).toHaveLength(100);
  });
});

describe('a batch that is refused as a whole', () => {
  it.each<[string, unknown]>([
    ['no requests', { requests: [] }],
    ['101 requests', { requests: Array.from({ length: 101 }, () => ({ method: 'POST', collection: 'x', body: {} })) }],
    ['an unknown method', { requests: [{ method: 'GET', collection: 'x' }] }],
    ['a request without a collection', { requests: [{ method: 'POST', body: {} }] }],
    ['requests that are not a list', { requests: { method: 'POST' } }],
    ['a body without requests', {}],
  ])('answers %s with 400 and stores nothing', async (_, body) => {
    const before = await snapshot(notes);
    const res = await k.req('POST', '/api/batch', k.asAdmin, body);
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('validation_failed');
    expect(await snapshot(notes)).toEqual(before);
  });
});

describe('all or nothing', () => {
  it.each<[string, (ctx: { existing: BaseRecord }) => Item, number, string]>([
    ['a validation failure', () => ({ method: 'POST', collection: notes.name, body: { title: 'x'.repeat(21) } }), 400, 'validation_failed'],
    ['a unique violation', ({ existing }) => ({ method: 'POST', collection: notes.name, body: { title: 'dup', code: existing.code as string } }), 409, 'conflict'],
    ['an update of a missing record', () => ({ method: 'PATCH', collection: notes.name, id: randomUUID(), body: { title: 'x' } }), 404, 'not_found'],
    ['a delete of a missing record', () => ({ method: 'DELETE', collection: notes.name, id: randomUUID() }), 404, 'not_found'],
    ['an id that is not a uuid', () => ({ method: 'DELETE', collection: notes.name, id: 'nope' }), 404, 'not_found'],
    ['an unknown collection', () => ({ method: 'POST', collection: 'no_such_collection', body: {} }), 404, 'not_found'],
    ['a relation to a missing record', () => ({ method: 'POST', collection: links.name, body: { note: randomUUID() } }), 400, 'validation_failed'],
  ])('answers %s with that request\'s error and index, and undoes the earlier requests', async (_, failing, status, code) => {
    const existing = await k.record(notes.name, { title: 'existing', code: `c-${randomUUID()}` });
    const victim = await k.record(notes.name, { title: 'victim' });
    const before = await snapshot(notes, links);
    const createdId = randomUUID();
    const res = await batch([
      { method: 'POST', collection: notes.name, body: { id: createdId, title: 'rolled back', code: `r-${randomUUID()}` } },
      { method: 'POST', collection: links.name, body: { note: createdId } },
      { method: 'PATCH', collection: notes.name, id: existing.id, body: { title: 'not kept' } },
      { method: 'DELETE', collection: notes.name, id: victim.id },
      failing({ existing }),
      { method: 'POST', collection: notes.name, body: { title: 'never run' } },
    ]);
    expectFailedAt(res, 4, status, code);
    expect(res.body).not.toHaveProperty('results');
    expect(await snapshot(notes, links)).toEqual(before);
    expect((await k.truth(notes.name, createdId)).status).toBe(404);
  });

  it('rolls back a batch whose first request fails', async () => {
    const before = await snapshot(notes);
    const res = await batch([
      { method: 'POST', collection: notes.name, body: {} },
      { method: 'POST', collection: notes.name, body: { title: 'fine' } },
    ]);
    expectFailedAt(res, 0, 400, 'validation_failed');
    expect(Object.keys(errorOf(res).details ?? {})).toContain('title');
    expect(await snapshot(notes)).toEqual(before);
  });
});

describe('each request judged as if sent alone', () => {
  it('answers 404 for another user\'s private post in a user\'s batch and rolls back its earlier creates', async () => {
    const bobsPrivate = await k.record(posts.name, { title: 'bob private', author: bob.id });
    const before = await snapshot(posts, notes);
    const res = await batch(
      [
        { method: 'POST', collection: posts.name, body: { title: 'alice new', author: alice.id } },
        { method: 'POST', collection: notes.name, body: { title: 'side effect' } },
        { method: 'PATCH', collection: posts.name, id: bobsPrivate.id, body: { title: 'hacked' } },
      ],
      alice.as,
    );
    expectFailedAt(res, 2, 404, 'not_found');
    expect(await snapshot(posts, notes)).toEqual(before);
    expect((await k.truth(posts.name, bobsPrivate.id)).body).toEqual(bobsPrivate);
  });

  it.each<[string, () => Item, number]>([
    ['a delete of another user\'s private post', () => ({ method: 'DELETE', collection: posts.name, id: '' }), 404],
    ['a create for another author', () => ({ method: 'POST', collection: posts.name, body: { title: 'forged', author: bob.id } }), 403],
    ['a create in the users collection', () => ({ method: 'POST', collection: 'users', body: { email: `z${Date.now()}@basalt.test` } }), 403],
  ])('refuses %s in a user\'s batch with %i', async (_, item, status) => {
    const bobsPrivate = await k.record(posts.name, { title: 'bob private 2', author: bob.id });
    const req = item();
    if (req.method === 'DELETE') req.id = bobsPrivate.id;
    const before = await snapshot(posts, notes);
    const res = await batch([{ method: 'POST', collection: notes.name, body: { title: 'first' } }, req], alice.as);
    expectFailedAt(res, 1, status, status === 404 ? 'not_found' : 'forbidden');
    expect(await snapshot(posts, notes)).toEqual(before);
  });

  it('refuses a reassignment that moves a post out of the caller\'s reach with 403', async () => {
    const mine = await k.record(posts.name, { title: 'mine', author: alice.id });
    const res = await batch([{ method: 'PATCH', collection: posts.name, id: mine.id, body: { author: bob.id } }], alice.as);
    expectFailedAt(res, 0, 403, 'forbidden');
    expect((await k.truth(posts.name, mine.id)).body).toEqual(mine);
  });

  it('lets a user batch its own writes and a guest write to an open collection', async () => {
    const res = await batch(
      [
        { method: 'POST', collection: posts.name, body: { title: 'a1', author: alice.id } },
        { method: 'POST', collection: notes.name, body: { title: 'note by alice' } },
      ],
      alice.as,
    );
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.status)).toEqual([201, 201]);
    const guest = await batch([{ method: 'POST', collection: notes.name, body: { title: 'by guest' } }], GUEST);
    expect(guest.status).toBe(200);
    const guestPost = await batch([{ method: 'POST', collection: posts.name, body: { title: 'anon' } }], GUEST);
    expectFailedAt(guestPost, 0, 403, 'forbidden');
  });

  it('answers a records:read key writing in a batch with 403', async () => {
    const before = await snapshot(notes);
    const res = await batch([{ method: 'POST', collection: notes.name, body: { title: 'by key' } }], await k.key(['records:read']));
    expect(res.status).toBe(403);
    expect(await snapshot(notes)).toEqual(before);
  });
});
