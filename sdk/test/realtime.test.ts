import type { BaseRecord, BroadcastEvent, PresenceEvent } from '@basalt/contracts';
import { eventually } from '@basalt/testkit';
import { createClient, memoryStorage, type BasaltClient, type RecordEvent } from '../src';
import { countingFetch, Live, newEmail, PASSWORD } from './support/live';
import { SwitchProxy } from './support/switch-proxy';

/* basalt.realtime: collection subscriptions and channels on one lazy socket, surviving disconnects and restarts. */

interface Msg extends BaseRecord {
  text: string;
  room: string;
}

let live: Live;
let proxy: SwitchProxy;
let writer: BasaltClient;
/** Every client a test makes; their sockets are closed after each test, passed or failed. */
const opened: BasaltClient[] = [];
function track(client: BasaltClient): BasaltClient {
  opened.push(client);
  return client;
}
afterEach(() => {
  for (const c of opened.splice(0)) c.realtime.close();
});

beforeAll(async () => {
  live = await Live.start();
  proxy = await SwitchProxy.start(live.url);
  const { admin } = await live.admin();
  await admin.collections.create({ name: 'msgs', fields: [{ name: 'text', type: 'text' }, { name: 'room', type: 'text' }], rules: { list: '', view: '', create: '', update: '', delete: '' } });
  writer = live.client();
});
afterAll(async () => {
  await proxy?.close();
  await live?.stop();
});

function collect<T>(): { events: Array<RecordEvent<T>>; handler: (e: RecordEvent<T>) => void } {
  const events: Array<RecordEvent<T>> = [];
  return { events, handler: (e) => events.push(e) };
}

describe('collection subscriptions', () => {
  it('create, update and delete arrive; a filter narrows them; unsubscribe stops them', async () => {
    const basalt = track(live.client());
    const all = collect<Msg>();
    const onlyA = collect<Msg>();
    const subAll = await basalt.collection<Msg>('msgs').subscribe({}, all.handler);
    await basalt.collection<Msg>('msgs').subscribe({ filter: basalt.filter('room = {:r}', { r: 'a' }) }, onlyA.handler);
    expect(basalt.realtime.connected).toBe(true);
    const msgs = writer.collection<Msg>('msgs');
    const m1 = await msgs.create({ text: 'hi', room: 'a' });
    await msgs.create({ text: 'other', room: 'b' });
    await msgs.update(m1.id, { text: 'hi!' });
    await msgs.delete(m1.id);
    await eventually(async () => all.events.length === 4);
    expect(all.events.map((e) => [e.action, e.record.id === m1.id])).toEqual([['create', true], ['create', false], ['update', true], ['delete', true]]);
    expect(all.events[2]!.record).toMatchObject({ text: 'hi!' });
    expect(all.events[3]!.record).toEqual({ id: m1.id });
    await eventually(async () => onlyA.events.length === 3);
    expect(onlyA.events.map((e) => e.action)).toEqual(['create', 'update', 'delete']);

    await subAll.unsubscribe();
    await msgs.create({ text: 'after', room: 'a' });
    await eventually(async () => onlyA.events.length === 4);
    expect(all.events).toHaveLength(4);
  });

  it('a subscription error from the server is a BasaltError', async () => {
    const basalt = track(live.client());
    await expect(basalt.collection('msgs').subscribe({ filter: 'nope = 1' }, () => undefined)).rejects.toMatchObject({ name: 'BasaltError', code: 'invalid_filter' });
    await expect(basalt.collection('missing').subscribe({}, () => undefined)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('survives a dropped connection: events after the reconnect still arrive', async () => {
    const basalt = track(createClient(proxy.url));
    const got = collect<Msg>();
    const sub = await basalt.collection<Msg>('msgs').subscribe({ filter: "room = 'drop'" }, got.handler);
    const firstId = sub.id;
    const socket = basalt.realtime.connect();
    let reconnects = 0;
    socket.on('connect', () => (reconnects += 1));
    proxy.cut();
    // Back when the server resumed the session, or the SDK subscribed again (a new id).
    await eventually(async () => reconnects > 0 && socket.connected && (socket.recovered || (sub.id !== '' && sub.id !== firstId)), 20_000);
    await writer.collection<Msg>('msgs').create({ text: 'after the drop', room: 'drop' });
    await eventually(async () => got.events.length === 1, 20_000);
    expect(got.events[0]!.record).toMatchObject({ text: 'after the drop' });
  });

  it('survives a server restart: the SDK subscribes again and events keep coming', async () => {
    const basalt = track(createClient(proxy.url));
    const got = collect<Msg>();
    const sub = await basalt.collection<Msg>('msgs').subscribe({ filter: "room = 'restart'" }, got.handler);
    const firstId = sub.id;
    await live.server.terminate();
    await live.server.restart();
    proxy.retarget(live.url);
    writer = live.client();
    // Wait until the SDK is back: either the server restored the session (scaled: recovery state in
    // Redis) or it could not (embedded) and the SDK subscribed again under a new id.
    const socket = basalt.realtime.connect();
    await eventually(async () => socket.connected && (socket.recovered || (sub.id !== '' && sub.id !== firstId)), 30_000);
    await writer.collection<Msg>('msgs').create({ text: 'after the restart', room: 'restart' });
    await eventually(async () => got.events.length === 1, 20_000);
    expect(got.events[0]!.record).toMatchObject({ text: 'after the restart' });
  });
});

describe('token swap', () => {
  it('a refreshed access token is handed to the live socket with the auth event', async () => {
    const storage = memoryStorage();
    const basalt = track(live.client({ storage }));
    await basalt.auth.signUp({ email: newEmail(), password: PASSWORD });
    await basalt.collection('msgs').subscribe({}, () => undefined);
    const socket = basalt.realtime.connect();
    const sent: Array<{ event: string; payload: unknown }> = [];
    socket.onAnyOutgoing((event: string, payload: unknown) => sent.push({ event, payload }));
    // A JWT issued within the same second as the first one would be the same string: nothing to swap.
    await new Promise((r) => setTimeout(r, 1100));
    await basalt.auth.refresh();
    const stored = JSON.parse((await storage.getItem(`basalt.session:${basalt.url}`))!) as { accessToken: string };
    await eventually(async () => sent.some((s) => s.event === 'auth'));
    expect(sent.find((s) => s.event === 'auth')!.payload).toEqual({ token: stored.accessToken });
    // The server took it: the socket is still up and serves a new subscription.
    await expect(basalt.collection('msgs').subscribe({}, () => undefined)).resolves.toMatchObject({ id: expect.any(String) });
    expect(basalt.realtime.connected).toBe(true);
  });
});

describe('timely refresh', () => {
  it('with a socket open, the token is refreshed before expiry without any HTTP call from the app', async () => {
    const storage = memoryStorage();
    const net = countingFetch();
    const first = live.client({ storage });
    await first.auth.signUp({ email: newEmail(), password: PASSWORD });
    const key = `basalt.session:${first.url}`;
    const stored = JSON.parse((await storage.getItem(key))!) as Record<string, unknown>;
    // Due for a refresh in 4 s (the server's token is good for much longer), while the socket is up
    // (it gets the new token with the `auth` event) or, on a very loaded machine, still connecting
    // (its handshake carries the new one, or it gets it with `auth` once connected): never both.
    await storage.setItem(key, JSON.stringify({ ...stored, refreshAt: Date.now() + 4000 }));
    const basalt = track(live.client({ storage, fetch: net.fetch }));
    const socket = basalt.realtime.connect();
    const sent: Array<{ event: string; payload: unknown }> = [];
    socket.onAnyOutgoing((event: string, payload: unknown) => sent.push({ event, payload }));
    const handshakes: Array<{ token?: string }> = [];
    const auth = socket.auth as (cb: (data: object) => void) => void;
    socket.auth = (cb) =>
      auth((data) => {
        handshakes.push(data);
        cb(data);
      });
    await basalt.collection('msgs').subscribe({}, () => undefined);
    const handedOver = () => [
      ...sent.filter((s) => s.event === 'auth').map((s) => s.payload),
      ...handshakes.filter((h) => h.token !== stored.accessToken),
    ];
    await eventually(async () => net.count('POST', '/api/auth/refresh') === 1 && handedOver().length > 0, 10_000);
    const refreshed = JSON.parse((await storage.getItem(key))!) as { accessToken: string };
    expect(refreshed.accessToken).not.toBe(stored.accessToken);
    expect(handedOver()).toEqual([{ token: refreshed.accessToken }]);
  });
});

describe('channels', () => {
  it('join with presence, broadcast to the others, leave', async () => {
    const ann = track(live.client());
    const bob = track(live.client());
    await ann.auth.signUp({ email: newEmail('ann'), password: PASSWORD });
    const annRoom = ann.realtime.channel('room-1');
    const bobRoom = bob.realtime.channel('room-1');
    const annPresence: PresenceEvent[] = [];
    const bobMessages: BroadcastEvent[] = [];
    annRoom.on('presence', (p) => annPresence.push(p));
    bobRoom.on('broadcast', (m) => bobMessages.push(m));
    expect(await annRoom.join({ presence: { name: 'Ann' } })).toHaveLength(1);
    const members = await bobRoom.join({ presence: { name: 'Bob' } });
    expect(members.map((m) => m.state)).toEqual(expect.arrayContaining([{ name: 'Ann' }, { name: 'Bob' }]));
    await eventually(async () => annPresence.some((p) => p.joined.some((m) => (m.state as { name?: string } | null)?.name === 'Bob')));
    await annRoom.send('typing', { on: true });
    await eventually(async () => bobMessages.length === 1);
    expect(bobMessages[0]).toMatchObject({ channel: 'room-1', event: 'typing', payload: { on: true }, from: { userId: ann.auth.user!.id } });
    await bobRoom.leave();
    await eventually(async () => annPresence.some((p) => p.left.length > 0));
  });
});
