import type { AuthResponse, AuthSession, BaseRecord, ChangeEvent, Collection, CreatedApiKey } from '@basalt/contracts';
import { type As, CollectionsKit, GUEST, type TestUser } from './support/collections-kit.js';
import { closeAll, connect, type RealtimeClient, refusal } from './support/realtime-kit.js';

let k: CollectionsKit;
let alice: TestUser, bob: TestUser;
let posts: Collection;

/** API.md's posts example plus a hidden field and a score to filter on. */
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
      { name: 'score', type: 'number', default: 0 },
      { name: 'secret', type: 'text', hidden: true },
      { name: 'author', type: 'relation', collection: 'users', onDelete: 'cascade' },
    ],
    rules: POST_RULES,
  });
});

afterEach(() => closeAll());

afterAll(async () => {
  await k?.stop();
});

const url = () => k.basalt.url;
const create = (body: Record<string, unknown>) => k.record(posts.name, { title: 't', ...body });
async function update(id: string, body: Record<string, unknown>): Promise<BaseRecord> {
  const res = await k.req<BaseRecord>('PATCH', `/api/collections/${posts.name}/records/${id}`, k.asAdmin, body);
  if (res.status !== 200) throw new Error(`update failed: ${res.status} ${res.text}`);
  return res.body;
}
async function remove(id: string): Promise<void> {
  const res = await k.req('DELETE', `/api/collections/${posts.name}/records/${id}`, k.asAdmin);
  if (res.status !== 204) throw new Error(`delete failed: ${res.status} ${res.text}`);
}
/** Changes of `sub` received before the one about `sentinelId`, which must arrive (events arrive in order). */
async function changesBefore(client: RealtimeClient, sub: string, sentinelId: string): Promise<ChangeEvent[]> {
  await client.change(sub, sentinelId);
  const list = client.changes(sub);
  return list.slice(0, list.findIndex((c) => c.record.id === sentinelId));
}

describe('handshake', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a forged token', { token: 'not-a-token' }],
    ['an unknown API key', { apiKey: 'bsk_nope' }],
    ['both a token and an API key', { token: 'x', apiKey: 'y' }],
    ['an empty token', { token: '' }],
  ])('refuses %s with connect_error unauthorized, never as a guest', async (_, auth) => {
    const err = await refusal(url(), auth);
    expect(err.data).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(typeof err.message).toBe('string');
  });

  it('accepts a guest, a user token, an admin token and an API key', async () => {
    const key = await k.key(['records:read']);
    for (const as of [GUEST, alice.as, k.asAdmin, key]) {
      const client = await connect(url(), as);
      expect(client.socket.connected).toBe(true);
      client.close();
    }
  });
});

describe('record subscriptions', () => {
  it('delivers create, update and delete to a subscriber whose filter matches, with seq growing by one', async () => {
    const client = await connect(url(), alice.as);
    const sub = await client.subscribe({ collection: posts.name, filter: 'score > 10' });
    const rec = await create({ author: alice.id, score: 20, secret: 's' });
    const created = await client.change(sub, rec.id, 'create');
    expect(created.record).toMatchObject({ id: rec.id, title: 't', score: 20, author: alice.id });
    expect(created.record).not.toHaveProperty('secret');
    await update(rec.id, { score: 30 });
    const updated = await client.change(sub, rec.id, 'update');
    expect(updated.record).toMatchObject({ id: rec.id, score: 30 });
    await remove(rec.id);
    const deleted = await client.change(sub, rec.id, 'delete');
    expect(deleted.record).toEqual({ id: rec.id });
    expect([created.seq, updated.seq, deleted.seq]).toEqual([created.seq, created.seq + 1, created.seq + 2]);
  });

  it('sends an update that leaves the filter as delete and one that enters it as create', async () => {
    const client = await connect(url(), alice.as);
    const sub = await client.subscribe({ collection: posts.name, filter: 'score >= 10' });
    const rec = await create({ author: alice.id, score: 10 });
    await client.change(sub, rec.id, 'create');
    await update(rec.id, { score: 5 });
    expect((await client.change(sub, rec.id)).action).toBe('delete');
    await update(rec.id, { score: 6 });
    await update(rec.id, { score: 50 });
    const back = await client.change(sub, rec.id);
    expect(back).toMatchObject({ action: 'create', record: { id: rec.id, score: 50 } });
    // The update to 6 (outside before and after) sent nothing.
    expect(client.changes(sub).filter((c) => c.record.id === rec.id).map((c) => c.action)).toEqual(['create', 'delete', 'create']);
  });

  it("never sends a user another user's private record, also after its owner changes", async () => {
    const client = await connect(url(), alice.as);
    const sub = await client.subscribe({ collection: posts.name });
    const bobs = await create({ author: bob.id, title: 'bob private' });
    const sentinel = await create({ author: alice.id, title: 'alice private' });
    expect((await changesBefore(client, sub, sentinel.id)).map((c) => c.record.id)).not.toContain(bobs.id);

    // Alice's record given to Bob: it leaves her view.
    await update(sentinel.id, { author: bob.id });
    expect(await client.change(sub, sentinel.id, 'delete')).toMatchObject({ record: { id: sentinel.id } });
    // Bob's record edited while still his: nothing for Alice; then given to her: it enters her view.
    await update(bobs.id, { title: 'still bob' });
    await update(bobs.id, { author: alice.id });
    const entered = await client.change(sub, bobs.id);
    expect(entered).toMatchObject({ action: 'create', record: { id: bobs.id, title: 'still bob', author: alice.id } });
    expect(client.changes(sub).filter((c) => c.record.id === bobs.id)).toHaveLength(1);

    const bobClient = await connect(url(), bob.as);
    const bobSub = await bobClient.subscribe({ collection: posts.name });
    await update(sentinel.id, { title: 'edited by admin' });
    expect(await bobClient.change(bobSub, sentinel.id, 'update')).toMatchObject({ record: { title: 'edited by admin', author: bob.id } });
    const aliceMark = await create({ author: alice.id });
    expect((await changesBefore(client, sub, aliceMark.id)).filter((c) => c.record.id === sentinel.id).map((c) => c.action)).toEqual(['create', 'delete']);
  });

  it('gives guests only public records', async () => {
    const guest = await connect(url(), GUEST);
    const sub = await guest.subscribe({ collection: posts.name });
    const priv = await create({ author: alice.id, title: 'private' });
    const pub = await create({ author: alice.id, title: 'public', published: true });
    const before = await changesBefore(guest, sub, pub.id);
    expect(before.map((c) => c.record.id)).not.toContain(priv.id);
    expect(guest.changes(sub).find((c) => c.record.id === pub.id)).toMatchObject({ action: 'create', record: { title: 'public' } });
  });

  it('shows hidden fields and every record to an admin and to an API key with records:read', async () => {
    const key = await k.key(['records:read']);
    for (const as of [k.asAdmin, key]) {
      const client = await connect(url(), as);
      const sub = await client.subscribe({ collection: posts.name, filter: "secret = 'shh'" });
      const rec = await create({ author: bob.id, secret: 'shh' });
      expect((await client.change(sub, rec.id, 'create')).record).toMatchObject({ secret: 'shh', published: false });
      client.close();
    }
  });

  it('follows one record with an id subscription', async () => {
    const client = await connect(url(), alice.as);
    const one = await create({ author: alice.id });
    const other = await create({ author: alice.id });
    const sub = await client.subscribe({ collection: posts.name, id: one.id });
    await update(other.id, { score: 1 });
    await update(one.id, { score: 2 });
    expect(await client.change(sub, one.id, 'update')).toMatchObject({ record: { score: 2 } });
    expect(client.changes(sub).map((c) => c.record.id)).toEqual([one.id]);
  });

  it('stops events after unsubscribe', async () => {
    const client = await connect(url(), alice.as);
    const gone = await client.subscribe({ collection: posts.name });
    const kept = await client.subscribe({ collection: posts.name });
    expect(await client.ack('unsubscribe', { subscriptionId: gone })).toEqual({ ok: true });
    const rec = await create({ author: alice.id });
    await client.change(kept, rec.id, 'create');
    expect(client.changes(gone)).toEqual([]);
    const again = await client.ack('unsubscribe', { subscriptionId: gone });
    expect(again).toMatchObject({ ok: false, error: { code: 'not_found', status: 404 } });
  });

  it('judges rules that follow a relation against the related record', async () => {
    const comments = await k.collection({
      fields: [
        { name: 'body', type: 'text' },
        { name: 'post', type: 'relation', collection: posts.name, onDelete: 'cascade' },
      ],
      rules: { list: 'post.published = true', view: 'post.published = true', create: null, update: null, delete: null },
    });
    const pub = await create({ author: bob.id, published: true });
    const priv = await create({ author: bob.id });
    const client = await connect(url(), alice.as);
    const sub = await client.subscribe({ collection: comments.name, filter: "body != 'skip'" });
    const hidden = await k.record(comments.name, { body: 'on private', post: priv.id });
    const shown = await k.record(comments.name, { body: 'on public', post: pub.id });
    const before = await changesBefore(client, sub, shown.id);
    expect(before.map((c) => c.record.id)).not.toContain(hidden.id);
    expect(client.changes(sub).find((c) => c.record.id === shown.id)).toMatchObject({ action: 'create', record: { body: 'on public' } });
  });

  it('ends a subscription whose rules stop allowing it, and tells the client', async () => {
    const notes = await k.collection({ fields: [{ name: 'n', type: 'text' }], rules: { list: '', view: '', create: null, update: null, delete: null } });
    const client = await connect(url(), alice.as);
    const sub = await client.subscribe({ collection: notes.name });
    const res = await k.req('PATCH', `/api/collections/${notes.name}`, k.asAdmin, { rules: { list: null, view: null, create: null, update: null, delete: null } });
    expect(res.status).toBe(200);
    expect(await client.next('unsubscribed')).toEqual({ subscriptionId: sub, error: expect.objectContaining({ code: 'forbidden', status: 403 }) });
  });
});

describe('changes the database makes through foreign keys', () => {
  it('announces records deleted by cascade and relations set to null when their target is deleted', async () => {
    const owner = await k.user({ name: 'Owner' });
    const notes = await k.collection({ fields: [{ name: 'owner', type: 'relation', collection: 'users', onDelete: 'cascade' }] });
    const replies = await k.collection({ fields: [{ name: 'note', type: 'relation', collection: notes.name, onDelete: 'cascade' }] });
    const links = await k.collection({ fields: [{ name: 'owner', type: 'relation', collection: 'users', onDelete: 'setNull' }] });
    const note = await k.record(notes.name, { owner: owner.id });
    const reply = await k.record(replies.name, { note: note.id });
    const link = await k.record(links.name, { owner: owner.id });
    const admin = await connect(url(), k.asAdmin);
    const [noteSub, replySub, linkSub] = [await admin.subscribe({ collection: notes.name }), await admin.subscribe({ collection: replies.name }), await admin.subscribe({ collection: links.name })];
    const res = await k.req('DELETE', `/api/collections/users/records/${owner.id}`, k.asAdmin);
    expect(res.status).toBe(204);
    expect(await admin.change(noteSub, note.id)).toMatchObject({ action: 'delete', record: { id: note.id } });
    expect(await admin.change(replySub, reply.id)).toMatchObject({ action: 'delete', record: { id: reply.id } });
    expect(await admin.change(linkSub, link.id)).toMatchObject({ action: 'update', record: { id: link.id, owner: null } });
    expect((await k.truth(links.name, link.id)).body).toMatchObject({ owner: null });
  });
});

describe('metrics', () => {
  it('counts sockets, subscriptions and delivered events', async () => {
    const client = await connect(url(), alice.as);
    const sub = await client.subscribe({ collection: posts.name });
    const rec = await create({ author: alice.id });
    await client.change(sub, rec.id, 'create');
    const res = await fetch(`${url()}/metrics`, { headers: { authorization: `Bearer ${k.admin}` } });
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(text)?.[1]);
    expect(value('basalt_realtime_sockets')).toBeGreaterThanOrEqual(1);
    expect(value('basalt_realtime_subscriptions')).toBeGreaterThanOrEqual(1);
    expect(value('basalt_realtime_events_delivered_total')).toBeGreaterThanOrEqual(1);
    expect(text).toContain('basalt_realtime_events_dropped_total');
  });
});

describe('bad subscribe requests get an error ack', () => {
  it.each<[string, () => unknown, string]>([
    ['an unknown collection', () => ({ collection: 'nope_nothing' }), 'not_found'],
    ['a filter that does not parse', () => ({ collection: posts.name, filter: 'score >' }), 'invalid_filter'],
    ['a filter on an unknown field', () => ({ collection: posts.name, filter: 'nope = 1' }), 'invalid_filter'],
    ['a filter on a hidden field (for a user)', () => ({ collection: posts.name, filter: "secret = 'x'" }), 'invalid_filter'],
    ['a filter comparing a number with text', () => ({ collection: posts.name, filter: "score = 'high'" }), 'invalid_filter'],
    ['no collection', () => ({ filter: 'score > 1' }), 'validation_failed'],
    ['an id that is not a UUID', () => ({ collection: posts.name, id: '42' }), 'validation_failed'],
    ['an unknown key', () => ({ collection: posts.name, where: 'x' }), 'validation_failed'],
    ['no body at all', () => undefined, 'validation_failed'],
  ])('%s', async (_, body, code) => {
    const client = await connect(url(), alice.as);
    const ack = await client.ack('subscribe', body());
    expect(ack).toMatchObject({ ok: false, error: { code, status: expect.any(Number), message: expect.any(String) } });
  });

  it('forbids a collection whose view rule is admins only, and an API key without records:read', async () => {
    const locked = await k.collection({ fields: [{ name: 'n', type: 'text' }] });
    const user = await connect(url(), alice.as);
    expect(await user.ack('subscribe', { collection: locked.name })).toMatchObject({ ok: false, error: { code: 'forbidden', status: 403 } });
    const writer = await connect(url(), await k.key(['records:write']));
    expect(await writer.ack('subscribe', { collection: posts.name })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('credentials on a live socket', () => {
  async function signUp(): Promise<{ user: AuthResponse['user']; session: AuthSession }> {
    const email = `rt${Math.random().toString(16).slice(2)}@basalt.test`;
    const res = await k.req<AuthResponse>('POST', '/api/auth/signup', GUEST, { email, password: 'correct horse battery' });
    if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${res.text}`);
    return res.body as { user: AuthResponse['user']; session: AuthSession };
  }

  it('swaps the token with auth, and refuses a bad one while keeping the old', async () => {
    const { user, session } = await signUp();
    const client = await connect(url(), { token: session.accessToken });
    const sub = await client.subscribe({ collection: posts.name });
    const refreshed = await k.req<{ session: AuthSession }>('POST', '/api/auth/refresh', GUEST, { refreshToken: session.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(await client.ack('auth', { token: refreshed.body.session.accessToken })).toEqual({ ok: true, kind: 'user', userId: user.id });
    expect(await client.ack('auth', { token: 'garbage' })).toMatchObject({ ok: false, error: { code: 'unauthorized', status: 401 } });
    expect(await client.ack('auth', {})).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const mine = await create({ author: user.id });
    expect(await client.change(sub, mine.id, 'create')).toMatchObject({ record: { author: user.id } });
  });

  it('stops delivery when the session is revoked', async () => {
    const { user, session } = await signUp();
    const client = await connect(url(), { token: session.accessToken });
    const sub = await client.subscribe({ collection: posts.name });
    const before = await create({ author: user.id });
    await client.change(sub, before.id, 'create');
    const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    const out = await k.req('POST', '/api/auth/logout', { token: session.accessToken } as As);
    expect(out.status).toBe(204);
    expect(await client.next('unauthorized')).toEqual({ error: expect.objectContaining({ code: 'unauthorized', status: 401 }) });
    expect(await disconnected).toBe('io server disconnect');
    await create({ author: user.id });
    // A new connection with the revoked token is refused at the handshake.
    expect((await refusal(url(), { token: session.accessToken })).data).toMatchObject({ code: 'unauthorized' });
    expect(client.changes(sub)).toHaveLength(1);
  });

  it('stops delivery when the API key is revoked', async () => {
    const created = await k.req<CreatedApiKey>('POST', '/api/admin/keys', k.asAdmin, { name: 'realtime-revoke', scopes: ['records:read'] });
    expect(created.status).toBe(201);
    const client = await connect(url(), { apiKey: created.body.key });
    const sub = await client.subscribe({ collection: posts.name });
    const before = await create({ author: alice.id });
    await client.change(sub, before.id, 'create');
    const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', resolve));
    expect((await k.req('DELETE', `/api/admin/keys/${created.body.id}`, k.asAdmin)).status).toBe(204);
    expect(await client.next('unauthorized')).toEqual({ error: expect.objectContaining({ code: 'unauthorized', status: 401 }) });
    expect(await disconnected).toBe('io server disconnect');
    expect((await refusal(url(), { apiKey: created.body.key })).data).toMatchObject({ code: 'unauthorized' });
    expect(client.changes(sub)).toHaveLength(1);
  });
});
