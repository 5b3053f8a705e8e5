import { REALTIME_PATH } from '@basalt/contracts';
import { TcpProxy } from '@basalt/testkit';
import { io } from 'socket.io-client';
import { CollectionsKit, type TestUser } from './support/collections-kit.js';
import { closeAll, connect, type RealtimeClient } from './support/realtime-kit.js';

let k: CollectionsKit;
let alice: TestUser;
let proxy: TcpProxy;
let posts: string;

beforeAll(async () => {
  k = await CollectionsKit.start();
  alice = await k.user({ name: 'Alice' });
  posts = (await k.collection({ fields: [{ name: 'n', type: 'number' }], rules: { list: '', view: '', create: null, update: null, delete: null } })).name;
  proxy = await TcpProxy.start(k.basalt.url);
});

afterEach(() => closeAll());

afterAll(async () => {
  await proxy?.down();
  await k?.stop();
});

const once = (client: RealtimeClient, event: 'connect' | 'disconnect') => new Promise<unknown>((resolve) => client.socket.once(event, resolve));

describe('connection state recovery', () => {
  it('gives a client cut off for 5 s the 10 records created meanwhile, in order, after it reconnects', async () => {
    const client = await connect(k.basalt.url, alice.as, { via: proxy.rewrite(k.basalt.url), reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 500 });
    const sub = await client.subscribe({ collection: posts });
    const first = await k.record(posts, { n: 0 });
    const seen = await client.change(sub, first.id, 'create');
    const idBefore = client.id;

    const dropped = once(client, 'disconnect');
    await proxy.down();
    expect(await dropped).toBe('transport close');
    const created: string[] = [];
    for (let i = 1; i <= 10; i++) created.push((await k.record(posts, { n: i })).id);
    // Cut off for 5 s in all (the client keeps failing to reconnect meanwhile).
    await new Promise((r) => setTimeout(r, 5000));
    const back = once(client, 'connect');
    await proxy.up();
    await back;

    // A real recovery: same session id, Socket.IO says so, and nothing was subscribed again.
    expect(client.socket.recovered).toBe(true);
    expect(client.id).toBe(idBefore);
    await client.change(sub, created[9]!, 'create');
    const missed = client.changes(sub).filter((c) => c.record.id !== first.id);
    expect(missed.map((c) => c.record.id)).toEqual(created);
    expect(missed.map((c) => (c.record as unknown as { n: number }).n)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(missed.map((c) => c.seq)).toEqual(Array.from({ length: 10 }, (_, i) => seen.seq + 1 + i));
    expect(client.all('resync')).toEqual([]);

    // The subscription lives on after the resume.
    const after = await k.record(posts, { n: 11 });
    expect(await client.change(sub, after.id, 'create')).toMatchObject({ seq: seen.seq + 11 });
  });

  it('tells a client whose session cannot be recovered to resync', async () => {
    // What socket.io-client sends when it had a session: its private id and last offset. This one is unknown (expired).
    const socket = io(k.basalt.url, { path: REALTIME_PATH, transports: ['websocket'], forceNew: true, reconnection: false, auth: { ...alice.as, pid: 'gone-session', offset: '0' } });
    try {
      const resync = new Promise((resolve) => socket.once('resync', resolve));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      expect(socket.recovered).toBe(false);
      expect(await resync).toEqual({ reason: 'session_expired' });
    } finally {
      socket.close();
    }
  });
});
