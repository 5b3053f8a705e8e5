import { REALTIME_LIMITS } from '@basalt/contracts';
import { CollectionsKit, GUEST, type TestUser } from './support/collections-kit.js';
import { closeAll, connect, type RealtimeClient } from './support/realtime-kit.js';

let k: CollectionsKit;
let alice: TestUser;

beforeAll(async () => {
  k = await CollectionsKit.start();
  alice = await k.user({ name: 'Alice' });
});

afterEach(() => closeAll());

afterAll(async () => {
  await k?.stop();
});

let n = 0;
const channel = () => `room:${Date.now()}-${++n}`;
const url = () => k.basalt.url;

describe('channels', () => {
  it('answers join with the members, presence state included, and tells the others', async () => {
    const ch = channel();
    const a = await connect(url(), alice.as);
    const g = await connect(url(), GUEST);
    const first = await a.ack<{ members: unknown[] }>('join', { channel: ch, presence: { status: 'online' } });
    expect(first).toEqual({ ok: true, members: [{ socketId: a.id, kind: 'user', userId: alice.id, state: { status: 'online' } }] });
    const second = await g.ack<{ members: Array<{ socketId: string }> }>('join', { channel: ch });
    expect(second.ok && second.members.map((m) => m.socketId).sort()).toEqual([a.id, g.id].sort());
    expect(await a.next('presence')).toEqual({ channel: ch, joined: [{ socketId: g.id, kind: 'guest', userId: null, state: null }], left: [] });
  });

  it('delivers a broadcast to the other members, not to the sender nor to non-members', async () => {
    const ch = channel();
    const [a, b, c, outsider] = await Promise.all([connect(url(), alice.as), connect(url(), GUEST), connect(url(), GUEST), connect(url(), GUEST)]);
    for (const s of [a, b, c]) expect(await s.ack('join', { channel: ch })).toMatchObject({ ok: true });
    expect(await a.ack('broadcast', { channel: ch, event: 'cursor', payload: { x: 1, y: 2 } })).toEqual({ ok: true });
    for (const s of [b, c]) {
      expect(await s.next('broadcast')).toEqual({ channel: ch, event: 'cursor', payload: { x: 1, y: 2 }, from: { socketId: a.id, kind: 'user', userId: alice.id, state: null } });
    }
    // b answers; once a has b's answer, a's own message would have arrived before it (one socket's events are ordered).
    expect(await b.ack('broadcast', { channel: ch, event: 'reply' })).toEqual({ ok: true });
    expect(await a.next('broadcast')).toMatchObject({ event: 'reply', payload: null, from: { socketId: b.id } });
    expect(a.all('broadcast').map((m) => m.event)).toEqual(['reply']);
    expect(outsider.all('broadcast')).toEqual([]);
  });

  it('reports leaves and disconnects as presence, and refuses a broadcast after leaving', async () => {
    const ch = channel();
    const [a, b, c] = await Promise.all([connect(url(), GUEST), connect(url(), GUEST), connect(url(), alice.as)]);
    for (const s of [a, b, c]) await s.ack('join', { channel: ch, presence: { name: s === c ? 'alice' : 'guest' } });
    expect(await b.ack('leave', { channel: ch })).toEqual({ ok: true });
    expect(await a.next('presence', (p) => p.left.length > 0)).toEqual({ channel: ch, joined: [], left: [{ socketId: b.id, kind: 'guest', userId: null, state: { name: 'guest' } }] });
    expect(await b.ack('broadcast', { channel: ch, event: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden', status: 403 } });
    const cId = c.id;
    c.close();
    expect(await a.next('presence', (p) => p.left.length > 0)).toEqual({ channel: ch, joined: [], left: [{ socketId: cId, kind: 'user', userId: alice.id, state: { name: 'alice' } }] });
    const members = await a.ack<{ members: Array<{ socketId: string }> }>('join', { channel: ch });
    expect(members.ok && members.members.map((m) => m.socketId)).toEqual([a.id]);
  });
});

describe('channel limits and bad requests', () => {
  it.each<[string, unknown, string, number]>([
    ['a channel name with a space', { channel: 'a b' }, 'validation_failed', 400],
    ['an empty channel name', { channel: '' }, 'validation_failed', 400],
    ['a channel name of 129 characters', { channel: 'x'.repeat(129) }, 'validation_failed', 400],
    ['presence that is not an object', { channel: 'ok', presence: 'online' }, 'validation_failed', 400],
    ['presence over 1 KB', { channel: 'ok', presence: { blob: 'x'.repeat(REALTIME_LIMITS.presenceStateBytes) } }, 'payload_too_large', 413],
    ['an unknown key', { channel: 'ok', private: true }, 'validation_failed', 400],
  ])('join with %s is refused', async (_, body, code, status) => {
    const s = await connect(url(), GUEST);
    expect(await s.ack('join', body)).toMatchObject({ ok: false, error: { code, status } });
  });

  it('refuses a broadcast payload over the limit and an event name that is too long', async () => {
    const ch = channel();
    const s = await connect(url(), GUEST);
    await s.ack('join', { channel: ch });
    const big = { data: 'x'.repeat(REALTIME_LIMITS.broadcastPayloadBytes) };
    expect(await s.ack('broadcast', { channel: ch, event: 'big', payload: big })).toMatchObject({ ok: false, error: { code: 'payload_too_large', status: 413 } });
    expect(await s.ack('broadcast', { channel: ch, event: 'e'.repeat(65) })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
  });

  it(`allows ${REALTIME_LIMITS.channelsPerSocket} channels per socket`, async () => {
    const s = await connect(url(), GUEST);
    const base = channel();
    for (let i = 0; i < REALTIME_LIMITS.channelsPerSocket; i++) expect(await s.ack('join', { channel: `${base}-${i}` })).toMatchObject({ ok: true });
    expect(await s.ack('join', { channel: `${base}-over` })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    // Joining one it is already in is not a new channel.
    expect(await s.ack('join', { channel: `${base}-0` })).toMatchObject({ ok: true });
  });

  it('rate-limits a socket that sends too many messages', async () => {
    const s: RealtimeClient = await connect(url(), GUEST);
    const ch = channel();
    await s.ack('join', { channel: ch });
    const acks = await Promise.all(Array.from({ length: REALTIME_LIMITS.messageBurst * 2 }, () => s.ack('broadcast', { channel: ch, event: 'spam' })));
    const limited = acks.filter((a) => !a.ok);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ ok: false, error: { code: 'rate_limited', status: 429 } });
  });
});
