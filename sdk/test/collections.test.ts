import type { BaseRecord } from '@basalt/contracts';
import { BasaltError } from '../src';
import { Live } from './support/live';

/* basalt.collection(): list, iterate, get, create, update with ifMatch, delete, and filter binding, over HTTP. */

interface Post extends BaseRecord {
  title: string;
  score: number | null;
  author: string | null;
  published: boolean;
}

let live: Live;
beforeAll(async () => {
  live = await Live.start();
  const admin = await live.admin();
  await admin.admin.collections.create({
    name: 'posts',
    fields: [
      { name: 'title', type: 'text', required: true, max: 200 },
      { name: 'score', type: 'number' },
      { name: 'author', type: 'relation', collection: 'users' },
      { name: 'published', type: 'boolean', default: false },
    ],
    rules: { list: "published = true || author = @request.auth.id", view: "published = true || author = @request.auth.id", create: "@request.auth.id != '' && author = @request.auth.id", update: 'author = @request.auth.id', delete: 'author = @request.auth.id' },
  });
});
afterAll(async () => {
  await live?.stop();
});

describe('records', () => {
  it('create, get (with expand), update, delete', async () => {
    const { client: basalt } = await live.user();
    const me = basalt.auth.user!;
    const posts = basalt.collection<Post>('posts');
    const created = await posts.create({ title: 'Hello', score: 1, author: me.id });
    expect(created).toMatchObject({ id: expect.any(String), title: 'Hello', score: 1, author: me.id, published: false });
    const got = await posts.get(created.id, { expand: 'author' });
    expect((got.expand?.author as BaseRecord).id).toBe(me.id);
    const updated = await posts.update(created.id, { title: 'Hello again' });
    expect(updated.title).toBe('Hello again');
    await posts.delete(created.id);
    await expect(posts.get(created.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('update with ifMatch: the current ETag (string or the record object) passes, a stale one is 409', async () => {
    const { client: basalt } = await live.user();
    const posts = basalt.collection<Post>('posts');
    const v1 = await posts.create({ title: 'v1', author: basalt.auth.user!.id });
    const etag = posts.etag(v1)!;
    expect(etag).toMatch(/^".+"$/);
    const v2 = await posts.update(v1.id, { title: 'v2' }, { ifMatch: v1 });
    const stale = await posts.update(v1.id, { title: 'v3' }, { ifMatch: etag }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(BasaltError);
    expect(stale).toMatchObject({ status: 409, code: 'conflict' });
    expect((await posts.update(v1.id, { title: 'v3' }, { ifMatch: posts.etag(v2)! })).title).toBe('v3');
  });

  it('list with filter, sort, limit, count and fields; iterate walks every page by cursor', async () => {
    const { client: basalt } = await live.user();
    const me = basalt.auth.user!.id;
    const posts = basalt.collection<Post>('posts');
    for (let i = 0; i < 7; i++) await posts.create({ title: `p${i}`, score: i, author: me });
    const mine = basalt.filter('author = {:me}', { me });
    const page = await posts.list({ filter: mine, sort: '-score', limit: 3, count: true, fields: ['id', 'score'] });
    expect(page.items.map((p) => p.score)).toEqual([6, 5, 4]);
    expect(Object.keys(page.items[0]!).sort()).toEqual(['id', 'score']);
    expect(page.total).toBe(7);
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = await posts.list({ filter: mine, sort: '-score', limit: 3, cursor: page.nextCursor! });
    expect(next.items.map((p) => p.score)).toEqual([3, 2, 1]);

    const all: number[] = [];
    for await (const p of posts.iterate({ filter: mine, sort: 'score', limit: 2 })) all.push(p.score!);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('filter() keeps an injection attempt inside one literal, as the server reads it', async () => {
    const { client: basalt } = await live.user();
    const me = basalt.auth.user!.id;
    const posts = basalt.collection<Post>('posts');
    await posts.create({ title: "it's mine", author: me });
    await posts.create({ title: 'other', author: me });
    const attack = "x' || title != '";
    expect((await posts.list({ filter: basalt.filter('author = {:me} && title = {:t}', { me, t: attack }) })).items).toEqual([]);
    expect((await posts.list({ filter: basalt.filter('author = {:me} && title = {:t}', { me, t: "it's mine" }) })).items.map((p) => p.title)).toEqual(["it's mine"]);
    expect((await posts.list({ filter: basalt.filter('author = {:me} && title ~ {:q}', { me, q: "'S MI" }) })).items).toHaveLength(1);
  });

  it('server errors arrive as BasaltError: invalid_filter with its position, validation_failed with details', async () => {
    const { client: basalt } = await live.user();
    const posts = basalt.collection<Post>('posts');
    const bad = await posts.list({ filter: 'nope = 1' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 400, code: 'invalid_filter' });
    expect((bad as BasaltError).details?.position).toBeDefined();
    const invalid = await posts.create({ title: 'x'.repeat(201), author: basalt.auth.user!.id }).catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, code: 'validation_failed', details: { title: expect.any(String) } });
  });

  it('a guest sees only what the rules allow', async () => {
    const { client: basalt } = await live.user();
    const posts = basalt.collection<Post>('posts');
    const hidden = await posts.create({ title: 'draft', author: basalt.auth.user!.id });
    const shown = await posts.create({ title: 'public', author: basalt.auth.user!.id, published: true });
    const guest = live.client().collection<Post>('posts');
    await expect(guest.get(hidden.id)).rejects.toMatchObject({ status: 404 });
    expect((await guest.get(shown.id)).title).toBe('public');
    await expect(guest.create({ title: 'nope' })).rejects.toMatchObject({ status: expect.any(Number), code: expect.stringMatching(/forbidden|validation_failed/) });
  });

  it('an API key client (server side) reads records within its scopes', async () => {
    const admin = await live.admin();
    const key = await admin.admin.keys.create({ name: 'reader', scopes: ['records:read'] });
    const server = live.client({ apiKey: key.key });
    const list = await server.collection<Post>('posts').list({ limit: 1, count: true });
    expect(list.total).toBeGreaterThan(0);
    await expect(server.collection<Post>('posts').create({ title: 'x' })).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  });
});
