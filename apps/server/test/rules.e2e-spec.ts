import type { BaseRecord, Collection } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { type As, CollectionsKit, GUEST, type TestUser } from './support/collections-kit.js';

let k: CollectionsKit;
let alice: TestUser, bob: TestUser;
let posts: Collection;
const p: Record<string, BaseRecord> = {};

/** The rules of API.md's `posts` example (delete as update, so it is not simply null). */
const POST_RULES = {
  list: 'published = true || author = @request.auth.id',
  view: 'published = true || author = @request.auth.id',
  create: "@request.auth.id != '' && author = @request.auth.id",
  update: 'author = @request.auth.id',
  delete: 'author = @request.auth.id',
};

beforeAll(async () => {
  k = await CollectionsKit.start();
  [alice, bob] = [await k.user({ name: 'Alice' }), await k.user({ name: 'Bob' })];
  posts = await k.collection({
    fields: [
      { name: 'title', type: 'text', required: true, max: 200 },
      { name: 'published', type: 'boolean', default: false },
      { name: 'author', type: 'relation', collection: 'users', onDelete: 'cascade' },
    ],
    rules: POST_RULES,
  });
  p.alicePub = await k.record(posts.name, { title: 'alice public', published: true, author: alice.id });
  p.alicePriv = await k.record(posts.name, { title: 'alice private', author: alice.id });
  p.bobPub = await k.record(posts.name, { title: 'bob public', published: true, author: bob.id });
  p.bobPriv = await k.record(posts.name, { title: 'bob private', author: bob.id });
});

afterAll(async () => {
  await k?.stop();
});

const rec = (c: Collection, id?: string) => `/api/collections/${c.name}/records${id ? `/${id}` : ''}`;
const titlesOf = (items: BaseRecord[]) => items.map((r) => r.title).sort();

describe('the posts example', () => {
  it.each<[string, () => As, string[]]>([
    ['alice', () => alice.as, ['alice private', 'alice public', 'bob public']],
    ['bob', () => bob.as, ['alice public', 'bob private', 'bob public']],
    ['a guest', () => GUEST, ['alice public', 'bob public']],
  ])('shows %s only published posts and its own, in items and in the total', async (_, as, expected) => {
    const res = await k.list(posts.name, { count: true }, as());
    expect(res.status).toBe(200);
    expect(titlesOf(res.body.items)).toEqual(expected);
    expect(res.body.total).toBe(expected.length);
    // A filter narrows what the rule allows; it never widens it.
    const widened = await k.list(posts.name, { filter: 'published = false || published = true', count: true }, as());
    expect(titlesOf(widened.body.items)).toEqual(expected);
    expect(widened.body.total).toBe(expected.length);
  });

  it('answers 404 for another user\'s private post on view, update and delete, and leaves it unchanged', async () => {
    for (const as of [alice.as, GUEST]) {
      const path = rec(posts, p.bobPriv!.id);
      for (const [method, body] of [['GET'], ['PATCH', { title: 'hacked' }], ['DELETE']] as const) {
        const res = await k.req(method, path, as, body);
        expect(res.status).toBe(404);
        expect(errorOf(res).code).toBe('not_found');
      }
    }
    expect((await k.truth(posts.name, p.bobPriv!.id)).body).toEqual(p.bobPriv);
  });

  it('lets a user view a published post of someone else but not change or delete it', async () => {
    expect((await k.req('GET', rec(posts, p.bobPub!.id), alice.as)).status).toBe(200);
    const upd = await k.req('PATCH', rec(posts, p.bobPub!.id), alice.as, { title: 'hacked' });
    expect([403, 404]).toContain(upd.status);
    const del = await k.req('DELETE', rec(posts, p.bobPub!.id), alice.as);
    expect([403, 404]).toContain(del.status);
    expect((await k.truth(posts.name, p.bobPub!.id)).body).toEqual(p.bobPub);
  });

  it('refuses a create whose result breaks the create rule with 403 and stores nothing', async () => {
    const before = await k.ids(posts.name);
    const forged = await k.req('POST', rec(posts), alice.as, { title: 'forged', author: bob.id });
    expect(forged.status).toBe(403);
    expect(errorOf(forged).code).toBe('forbidden');
    const guest = await k.req('POST', rec(posts), GUEST, { title: 'anon', author: alice.id });
    expect(guest.status).toBe(403);
    const noAuthor = await k.req('POST', rec(posts), alice.as, { title: 'orphan' });
    expect(noAuthor.status).toBe(403);
    expect(await k.ids(posts.name)).toEqual(before);
    const own = await k.req<BaseRecord>('POST', rec(posts), alice.as, { title: 'mine', author: alice.id });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ title: 'mine', author: alice.id, published: false });
  });

  it('refuses an update that would move the post out of the caller\'s reach with 403 and keeps it', async () => {
    const mine = await k.record(posts.name, { title: 'to give away', author: alice.id });
    const res = await k.req('PATCH', rec(posts, mine.id), alice.as, { author: bob.id });
    expect(res.status).toBe(403);
    expect((await k.truth(posts.name, mine.id)).body).toEqual(mine);
    const ok = await k.req<BaseRecord>('PATCH', rec(posts, mine.id), alice.as, { title: 'kept', published: true });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ title: 'kept', published: true, author: alice.id });
  });

  it('lets the author delete its own post', async () => {
    const mine = await k.record(posts.name, { title: 'short-lived', author: bob.id });
    expect((await k.req('DELETE', rec(posts, mine.id), bob.as)).status).toBe(204);
    expect((await k.truth(posts.name, mine.id)).status).toBe(404);
  });

  it('expands only the posts the caller may view', async () => {
    const comments = await k.collection({ fields: [{ name: 'text', type: 'text' }, { name: 'post', type: 'relation', collection: posts.name }], rules: { list: '', view: '' } });
    const onPriv = await k.record(comments.name, { text: 'comment 1', post: p.bobPriv!.id });
    const onPub = await k.record(comments.name, { text: 'comment 2', post: p.alicePub!.id });
    for (const as of [alice.as, GUEST]) {
      const res = await k.list(comments.name, { expand: 'post' }, as);
      const byId = Object.fromEntries(res.body.items.map((c) => [c.id, c]));
      expect(byId[onPriv.id]!.expand?.post).toBeNull();
      expect(byId[onPub.id]!.expand?.post).toMatchObject({ id: p.alicePub!.id, title: 'alice public' });
      expect(res.text).not.toContain('bob private');
    }
    const asBob = await k.req<BaseRecord>('GET', `${rec(comments, onPriv.id)}?expand=post`, bob.as);
    expect(asBob.body.expand?.post).toMatchObject({ id: p.bobPriv!.id });
  });

  it('lets API keys bypass the rules: records:read reads everything but cannot write, records:write writes', async () => {
    const reader = await k.key(['records:read']);
    const all = await k.list(posts.name, { filter: `author = '${bob.id}'` }, reader);
    expect(titlesOf(all.body.items)).toEqual(['bob private', 'bob public']);
    expect((await k.req('GET', rec(posts, p.bobPriv!.id), reader)).status).toBe(200);
    const denied = [
      await k.req('POST', rec(posts), reader, { title: 'by key' }),
      await k.req('PATCH', rec(posts, p.bobPriv!.id), reader, { title: 'by key' }),
      await k.req('DELETE', rec(posts, p.bobPriv!.id), reader),
    ];
    for (const res of denied) expect(res.status).toBe(403);
    expect((await k.truth(posts.name, p.bobPriv!.id)).body).toEqual(p.bobPriv);

    const writer = await k.key(['records:write']);
    const created = await k.req<BaseRecord>('POST', rec(posts), writer, { title: 'by writer', author: bob.id });
    expect(created.status).toBe(201);
    expect((await k.req('PATCH', rec(posts, created.body.id), writer, { title: 'by writer 2' })).status).toBe(200);
    expect((await k.req('DELETE', rec(posts, created.body.id), writer)).status).toBe(204);
  });
});

describe('rule kinds', () => {
  it('keeps users and guests out of a collection whose rules are null: 403 on list and create, 404 on the rest', async () => {
    const locked = await k.collection({ fields: [{ name: 'v', type: 'text' }] });
    const r = await k.record(locked.name, { v: 'original' });
    for (const as of [alice.as, GUEST]) {
      expect((await k.list(locked.name, {}, as)).status).toBe(403);
      expect((await k.req('POST', rec(locked), as, { v: 'x' })).status).toBe(403);
      expect((await k.req('GET', rec(locked, r.id), as)).status).toBe(404);
      expect((await k.req('PATCH', rec(locked, r.id), as, { v: 'x' })).status).toBe(404);
      expect((await k.req('DELETE', rec(locked, r.id), as)).status).toBe(404);
    }
    expect(await k.ids(locked.name)).toEqual([r.id]);
    expect((await k.truth(locked.name, r.id)).body).toEqual(r);
  });

  it('lets everyone, guests too, do what an empty rule allows', async () => {
    const open = await k.collection({ fields: [{ name: 'v', type: 'text' }], rules: { list: '', view: '', create: '', update: '', delete: '' } });
    const created = await k.req<BaseRecord>('POST', rec(open), GUEST, { v: 'by guest' });
    expect(created.status).toBe(201);
    expect((await k.list(open.name, {}, GUEST)).body.items.map((x) => x.id)).toEqual([created.body.id]);
    expect((await k.req('PATCH', rec(open, created.body.id), GUEST, { v: 'changed' })).status).toBe(200);
    expect((await k.req<BaseRecord>('GET', rec(open, created.body.id), alice.as)).body.v).toBe('changed');
    expect((await k.req('DELETE', rec(open, created.body.id), GUEST)).status).toBe(204);
  });

  it('checks roles with @request.auth.roles ?= \'editor\' as they are now', async () => {
    const drafts = await k.collection({ fields: [{ name: 'v', type: 'text' }], rules: { list: "@request.auth.roles ?= 'editor'", view: "@request.auth.roles ?= 'editor'" } });
    const d = await k.record(drafts.name, { v: 'draft' });
    const carol = await k.user({ name: 'Carol' });
    expect((await k.list(drafts.name, {}, carol.as)).body.items).toEqual([]);
    expect((await k.req('GET', rec(drafts, d.id), carol.as)).status).toBe(404);
    const promoted = await k.req<BaseRecord>('PATCH', `/api/collections/users/records/${carol.id}`, k.asAdmin, { roles: ['editor'] });
    expect(promoted.status).toBe(200);
    expect(promoted.body.roles).toEqual(['editor']);
    expect((await k.list(drafts.name, {}, carol.as)).body.items.map((x) => x.id)).toEqual([d.id]);
    expect((await k.req('GET', rec(drafts, d.id), carol.as)).status).toBe(200);
    expect((await k.list(drafts.name, {}, alice.as)).body.items).toEqual([]);
    expect((await k.list(drafts.name, {}, GUEST)).body.items).toEqual([]);
  });

  it('judges @request.body against what the request sends', async () => {
    const notes = await k.collection({ fields: [{ name: 'title', type: 'text', required: true }], rules: { create: "@request.auth.id != '' && @request.body.title != 'forbidden'" } });
    const bad = await k.req('POST', rec(notes), alice.as, { title: 'forbidden' });
    expect(bad.status).toBe(403);
    expect(await k.ids(notes.name)).toEqual([]);
    expect((await k.req('POST', rec(notes), alice.as, { title: 'fine' })).status).toBe(201);
    expect((await k.req('POST', rec(notes), GUEST, { title: 'fine' })).status).toBe(403);
  });

  it('compares with @now', async () => {
    const events = await k.collection({ fields: [{ name: 'title', type: 'text' }, { name: 'at', type: 'date' }], rules: { list: 'at < @now', view: 'at < @now' } });
    const past = await k.record(events.name, { title: 'past', at: new Date(Date.now() - 86_400_000).toISOString() });
    const future = await k.record(events.name, { title: 'future', at: new Date(Date.now() + 86_400_000).toISOString() });
    expect((await k.list(events.name, {}, GUEST)).body.items.map((x) => x.id)).toEqual([past.id]);
    expect((await k.req('GET', rec(events, future.id), GUEST)).status).toBe(404);
  });
});

describe('the users collection', () => {
  const users = { name: 'users' } as Collection;

  it('shows a user only itself, guests nobody, and answers 404 for another user', async () => {
    const mine = await k.list('users', { count: true }, alice.as);
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((u) => u.id)).toEqual([alice.id]);
    expect(mine.body.total).toBe(1);
    const guest = await k.list('users', {}, GUEST);
    expect(guest.status).toBe(200);
    expect(guest.body.items).toEqual([]);
    expect((await k.req('GET', rec(users, bob.id), alice.as)).status).toBe(404);
    expect((await k.req('PATCH', rec(users, bob.id), alice.as, { name: 'Hacked' })).status).toBe(404);
    expect((await k.truth('users', bob.id)).body.name).toBe('Bob');
    expect((await k.req<BaseRecord>('GET', rec(users, alice.id), alice.as)).body).toMatchObject({ id: alice.id, email: alice.email, roles: [] });
  });

  it('lets a user change its own name', async () => {
    const res = await k.req<BaseRecord>('PATCH', rec(users, alice.id), alice.as, { name: 'Alice B.' });
    expect(res.status).toBe(200);
    expect((await k.truth('users', alice.id)).body.name).toBe('Alice B.');
  });

  it.each<[string, unknown]>([
    ['roles', ['admin']],
    ['emailVerified', true],
    ['disabled', true],
    ['anonymous', true],
    ['email', 'new-address@basalt.test'],
  ])('refuses a user setting its own %s with 400 and keeps the value', async (field, value) => {
    const before = (await k.truth('users', bob.id)).body;
    const res = await k.req('PATCH', rec(users, bob.id), bob.as, { [field]: value });
    expect(res.status).toBe(400);
    expect(Object.keys(errorOf(res).details ?? {})).toContain(field);
    expect((await k.truth('users', bob.id)).body).toEqual(before);
  });

  it('refuses users creating or deleting user records', async () => {
    expect((await k.req('POST', '/api/collections/users/records', alice.as, { email: 'x@basalt.test' })).status).toBe(403);
    expect((await k.req('POST', '/api/collections/users/records', GUEST, { email: 'y@basalt.test' })).status).toBe(403);
    expect((await k.req('DELETE', rec(users, alice.id), alice.as)).status).toBe(404);
    expect((await k.truth('users', alice.id)).status).toBe(200);
  });
});
