import type { CreatedApiKey } from '@basalt/contracts';
import { apiClient, type BasaltProcess, eventually, startBasalt } from '@basalt/testkit';
import { CollectionsKit, GUEST, type TestUser } from './support/collections-kit.js';
import { closeAll, connect } from './support/realtime-kit.js';

let k: CollectionsKit;
let nodeB: BasaltProcess;
let alice: TestUser;
let posts: string;

beforeAll(async () => {
  k = await CollectionsKit.start();
  nodeB = await startBasalt({ shareWith: k.basalt });
  alice = await k.user({ name: 'Alice' });
  posts = (
    await k.collection({
      fields: [
        { name: 'title', type: 'text' },
        { name: 'author', type: 'relation', collection: 'users' },
      ],
      rules: { list: 'author = @request.auth.id', view: 'author = @request.auth.id', create: null, update: null, delete: null },
    })
  ).name;
});

afterEach(() => closeAll());

afterAll(async () => {
  await nodeB?.stop();
  await k?.stop();
});

describe('two API nodes sharing Postgres and Redis', () => {
  it('sends a record written through node A to a subscriber on node B, under its rules', async () => {
    expect(nodeB.url).not.toBe(k.basalt.url);
    const onB = await connect(nodeB.url, alice.as);
    const sub = await onB.subscribe({ collection: posts });
    const other = await k.user({ name: 'Other' });
    const hidden = await k.record(posts, { title: 'not hers', author: other.id });
    const mine = await k.record(posts, { title: 'hers', author: alice.id });
    const change = await onB.change(sub, mine.id, 'create');
    expect(change.record).toMatchObject({ title: 'hers', author: alice.id });
    expect(onB.changes(sub).map((c) => c.record.id)).not.toContain(hidden.id);
  });

  it('lets a client that dropped from node A resume on node B with what it missed, in order, seq unbroken', async () => {
    const client = await connect(k.basalt.url, alice.as, { reconnection: true, reconnectionDelay: 3000, reconnectionDelayMax: 3000, randomizationFactor: 0 });
    const sub = await client.subscribe({ collection: posts });
    const first = await k.record(posts, { title: 'before', author: alice.id });
    const seen = await client.change(sub, first.id, 'create');
    const idBefore = client.id;
    // The next connection goes to node B; the transport is cut now, as a dropped network would.
    (client.socket.io as unknown as { uri: string }).uri = nodeB.url;
    const dropped = new Promise((resolve) => client.socket.once('disconnect', resolve));
    client.socket.io.engine.close();
    await dropped;
    const missed: string[] = [];
    for (let i = 0; i < 5; i++) missed.push((await k.record(posts, { title: `while away ${i}`, author: alice.id })).id);
    await new Promise<void>((resolve) => client.socket.once('connect', () => resolve()));
    expect(client.socket.recovered).toBe(true);
    expect(client.id).toBe(idBefore);
    const after = await k.record(posts, { title: 'after', author: alice.id });
    await client.change(sub, after.id, 'create');
    const got = client.changes(sub);
    expect(got.map((c) => c.record.id)).toEqual([first.id, ...missed, after.id]);
    expect(got.map((c) => c.seq)).toEqual(Array.from({ length: 7 }, (_, i) => seen.seq + i));
    expect(client.all('resync')).toEqual([]);
  });

  it('delivers a broadcast on node A to a member on node B, with presence and members across nodes', async () => {
    const ch = `cross-${Date.now()}`;
    const onB = await connect(nodeB.url, GUEST);
    const onA = await connect(k.basalt.url, alice.as);
    expect(await onB.ack('join', { channel: ch })).toMatchObject({ ok: true });
    const joined = await onA.ack<{ members: Array<{ socketId: string }> }>('join', { channel: ch });
    expect(joined.ok && joined.members.map((m) => m.socketId).sort()).toEqual([onA.id, onB.id].sort());
    expect(await onB.next('presence')).toMatchObject({ channel: ch, joined: [{ socketId: onA.id, userId: alice.id }] });
    expect(await onA.ack('broadcast', { channel: ch, event: 'hello', payload: { from: 'A' } })).toEqual({ ok: true });
    expect(await onB.next('broadcast')).toEqual({ channel: ch, event: 'hello', payload: { from: 'A' }, from: { socketId: onA.id, kind: 'user', userId: alice.id, state: null } });
    const aId = onA.id;
    onA.close();
    expect(await onB.next('presence', (p) => p.left.length > 0)).toMatchObject({ left: [{ socketId: aId }] });
  });

  it('refuses on node B an API key revoked through node A, though B had just let it in', async () => {
    const created = await k.req<CreatedApiKey>('POST', '/api/admin/keys', k.asAdmin, { name: 'cross-node', scopes: ['records:read'] });
    const { key, id } = created.body;
    const onB = apiClient(nodeB.url);
    const listOnB = async () => (await onB('GET', `/api/collections/${posts}/records`, { apiKey: key })).status;
    expect(await listOnB()).toBe(200);
    expect((await k.req('DELETE', `/api/admin/keys/${id}`, k.asAdmin)).status).toBe(204);
    // Node B keeps a used key's row for 5 s; the revocation event must clear it well before that.
    await eventually(async () => (await listOnB()) === 401, 2000, 20);
  });
});
