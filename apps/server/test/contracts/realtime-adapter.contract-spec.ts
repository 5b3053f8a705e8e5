import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { MemoryRealtimeAdapter } from '../../src/infra/realtime/memory-realtime-adapter.driver.js';
import type { RealtimeAdapter } from '../../src/infra/realtime/realtime-adapter.port.js';
import { RedisStreamsAdapter, RedisStreamsCluster } from '../../src/infra/realtime/redis-streams-adapter.js';
import { RedisStreamsRealtimeAdapter } from '../../src/infra/realtime/redis-streams-realtime-adapter.driver.js';
import { eventually } from './events.contract.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** One record in many payloads, as a change fanned out to many sockets is (the driver may store it once). */
const record = { id: 'r1', title: 'shared by "every" payload', tags: ['a'] };

/** A Socket.IO server with recovery on, as the gateway sets it up, on a driver's adapter. */
async function serve(driver: RealtimeAdapter): Promise<{ io: Server; driver: RealtimeAdapter; url: string; close: () => Promise<void> }> {
  const http: HttpServer = createServer();
  const io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true } });
  const factory = driver.factory();
  if (factory) io.adapter(factory);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return {
    io,
    driver,
    url,
    close: async () => {
      await new Promise((resolve) => io.close(resolve));
      await driver.close();
    },
  };
}

/** A client that records every `change` payload it receives, and each one's recovery offset. */
async function client(url: string): Promise<{ socket: ClientSocket; got: unknown[]; offsets: string[] }> {
  const socket = connectClient(url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 200 });
  const got: unknown[] = [];
  const offsets: string[] = [];
  socket.on('change', (payload: unknown, offset: string) => {
    got.push(payload);
    offsets.push(offset);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, got, offsets };
}

function realtimeAdapterContract(makeDriver: () => RealtimeAdapter): void {
  const open: Array<() => Promise<void>> = [];
  const clients: ClientSocket[] = [];
  const start = async () => {
    const server = await serve(makeDriver());
    open.push(server.close);
    const a = await client(server.url);
    const b = await client(server.url);
    clients.push(a.socket, b.socket);
    return { ...server, a, b };
  };

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const close of open.splice(0)) await close();
  });

  it('sends each payload of emitEach to its room only, in order', async () => {
    const { io, driver, a, b } = await start();
    driver.emitEach(io, 'change', [
      { room: a.socket.id!, payload: { seq: 1, record } },
      { room: b.socket.id!, payload: { seq: 2, record } },
      { room: a.socket.id!, payload: 3 },
    ]);
    await eventually(() => {
      expect(a.got).toEqual([{ seq: 1, record }, 3]);
      expect(b.got).toEqual([{ seq: 2, record }]);
    });
  });

  it('gives a client that dropped and resumed what emitEach sent while it was away, in order', async () => {
    const { io, driver, a, b } = await start();
    driver.emitEach(io, 'change', [{ room: a.socket.id!, payload: 'before' }]);
    await eventually(() => expect(a.got).toEqual(['before']));
    const id = a.socket.id!;
    const dropped = new Promise((resolve) => a.socket.once('disconnect', resolve));
    a.socket.io.engine.close();
    await dropped;
    driver.emitEach(io, 'change', [
      { room: id, payload: { text: 'away 1', record } },
      { room: b.socket.id!, payload: { text: 'to b', record } },
      { room: id, payload: 'away 2' },
    ]);
    await eventually(() => expect(b.got).toEqual([{ text: 'to b', record }]));
    await new Promise<void>((resolve) => a.socket.once('connect', () => resolve()));
    expect(a.socket.recovered).toBe(true);
    await eventually(() => expect(a.got).toEqual(['before', { text: 'away 1', record }, 'away 2']));
  });
}

describe('MemoryRealtimeAdapter', () => {
  realtimeAdapterContract(() => new MemoryRealtimeAdapter());
});

describe('RedisStreamsRealtimeAdapter', () => {
  // One prefix per run, so parallel runs against the same Redis never see each other's packets.
  const prefix = `basalt-test-${randomUUID()}`;
  const make = (onBadMessage?: (err: unknown) => void) => new RedisStreamsRealtimeAdapter({ url: REDIS_URL, prefix, onBadMessage });
  realtimeAdapterContract(() => make());

  // The streams keep their entries for the recovery window: drop them with the run.
  afterAll(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('sends what one node emits to sockets on another, skipping an entry it cannot read', async () => {
    const skipped: unknown[] = [];
    const nodeA = await serve(make());
    const nodeB = await serve(make((err) => void skipped.push(err)));
    const onB = await client(nodeB.url);
    const redis = new Redis(REDIS_URL);
    try {
      const room = onB.socket.id!;
      // Node B reads entries added after it started reading: send until one arrives.
      for (let i = 0; onB.got.length === 0; i++) {
        if (i === 100) throw new Error('node B never received what node A sent');
        nodeA.driver.emitEach(nodeA.io, 'change', [{ room, payload: 'first' }]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await redis.xadd(`${prefix}:realtime`, '*', 'uid', 'some-node', 'nsp', '/', 'type', '100', 'data', '{not json');
      nodeA.driver.emitEach(nodeA.io, 'change', [
        { room, payload: { text: 'after the bad one', record } },
        { room, payload: { text: 'and the next', record } },
      ]);
      await eventually(() => expect(onB.got.slice(-2)).toEqual([{ text: 'after the bad one', record }, { text: 'and the next', record }]));
      expect(skipped).toHaveLength(1);
    } finally {
      redis.disconnect();
      onB.socket.close();
      await nodeA.close();
      await nodeB.close();
    }
  });

  it('stores one emitEach as one stream entry, and resumes from a packet inside it with the rest of it', async () => {
    const server = await serve(make());
    const a = await client(server.url);
    const redis = new Redis(REDIS_URL);
    try {
      const room = a.socket.id!;
      server.driver.emitEach(server.io, 'change', [
        { room, payload: 'p0' },
        { room: 'someone-else', payload: { q: 1, record } },
        { room, payload: { p: 2, record } },
        { room, payload: { p: 3, record } },
      ]);
      await eventually(() => expect(a.got).toEqual(['p0', { p: 2, record }, { p: 3, record }]));
      const sent = a.offsets[0]!.split(':')[0];
      expect(a.offsets).toEqual([`${sent}:0`, `${sent}:2`, `${sent}:3`]);
      const adapter = server.io.sockets.adapter as RedisStreamsAdapter;
      const entry = await storedEntry(redis, `${prefix}:realtime`, sent!);
      // The record three of its payloads hold is stored once.
      expect(entry.fields.join(' ').split('shared by').length - 1).toBe(1);

      const persist = persister(adapter, room);
      await persist('cut-after-first');
      const restored = await adapter.restoreSession('cut-after-first', a.offsets[0]!);
      expect(restored).toMatchObject({ sid: room, rooms: [room], data: { seq: 1 } });
      expect(restored.missedPackets).toEqual([
        ['change', { p: 2, record }, `${entry.id}:2`],
        ['change', { p: 3, record }, `${entry.id}:3`],
      ]);
      await persist('saw-all');
      expect((await adapter.restoreSession('saw-all', a.offsets[2]!)).missedPackets).toEqual([]);
      // A session is restored once; an offset that is not ours is refused.
      await expect(adapter.restoreSession('saw-all', a.offsets[2]!)).rejects.toThrow(/not found/);
      await persist('bad-offset');
      await expect(adapter.restoreSession('bad-offset', 'nonsense')).rejects.toThrow(/invalid offset/);
      // The offsets a packet read back from the stream carries (a packet another node sent) work too.
      await persist('by-entry-id');
      expect((await adapter.restoreSession('by-entry-id', `${entry.id}:0`)).missedPackets).toEqual(restored.missedPackets);
    } finally {
      redis.disconnect();
      a.socket.close();
      await server.close();
    }
  });

  it('sends to its own sockets before storing, in the order emitted, and resumes from such a packet once it is stored', async () => {
    // A cluster of its own stream, whose XADDs wait until the test lets them through.
    const stream = `${prefix}-gated:realtime`;
    const redis = new Redis(REDIS_URL);
    const xadd = redis.xadd.bind(redis);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    (redis as unknown as { xadd: (...args: unknown[]) => Promise<unknown> }).xadd = (...args) => gate.then(() => (xadd as (...a: unknown[]) => Promise<unknown>)(...args));
    const cluster = new RedisStreamsCluster(
      redis,
      { streamName: stream, channelPrefix: stream, sessionKeyPrefix: `${stream}:session:`, retentionMs: 60_000, readCount: 2, blockTimeInMs: 100 },
      () => undefined,
    );
    const http = createServer();
    const io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 60_000, skipMiddlewares: true } });
    io.adapter(cluster.adapterFor as never);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const a = await client(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
    const other = new Redis(REDIS_URL);
    try {
      const room = a.socket.id!;
      const adapter = io.sockets.adapter as RedisStreamsAdapter;
      io.to(room).emit('change', 'plain first');
      adapter.emitEach('change', [{ room, payload: 'each 1' }]);
      io.to(room).emit('change', 'plain between');
      adapter.emitEach('change', [
        { room, payload: 'each 2a' },
        { room, payload: 'each 2b' },
      ]);
      await eventually(() => expect(a.got).toEqual(['plain first', 'each 1', 'plain between', 'each 2a', 'each 2b']));
      const sent = a.offsets[0]!;
      expect(await other.xlen(stream)).toBe(0);

      const persist = persister(adapter, room);
      // Not stored yet: the session cannot be resumed from it (nor would it be from a lost entry).
      await persist('too-early');
      await expect(adapter.restoreSession('too-early', a.offsets[3]!)).rejects.toThrow(/not found/);

      // Another node's entry is stored before these (its packets were sent before them).
      await other.xadd(stream, '*', 'uid', 'some-node', 'nsp', '/', 'type', '100', 'data', JSON.stringify({ event: 'change', shared: [], items: [['another-room', 'elsewhere']] }));
      open();
      await storedEntry(other, stream, a.offsets[4]!);
      // Paged two entries at a time, past the other node's entry and the ones sent before.
      await persist('after-plain-first');
      expect((await adapter.restoreSession('after-plain-first', sent)).missedPackets.map((p) => p.slice(0, 2))).toEqual([
        ['change', 'each 1'],
        ['change', 'plain between'],
        ['change', 'each 2a'],
        ['change', 'each 2b'],
      ]);
      await persist('inside-the-last');
      expect((await adapter.restoreSession('inside-the-last', a.offsets[3]!)).missedPackets.map((p) => p.slice(0, 2))).toEqual([['change', 'each 2b']]);
      await persist('never-stored');
      await expect(adapter.restoreSession('never-stored', `${sent.split('/')[0]}/nobody.1:0`)).rejects.toThrow(/not found/);
    } finally {
      open();
      other.disconnect();
      a.socket.close();
      await new Promise((resolve) => io.close(resolve));
      cluster.close();
      redis.disconnect();
    }
  });
});

/** The stream entry whose packets carry `offset` (`<id>/<node>.<ref>`, as its node sent them), once it is stored. */
async function storedEntry(redis: Redis, stream: string, offset: string): Promise<{ id: string; fields: string[] }> {
  const [, node, ref] = /^[\d-]+\/(\w+)\.(\d+)/.exec(offset)!;
  for (let i = 0; i < 300; i++) {
    const entries = (await redis.xrange(stream, '-', '+')) as Array<[string, string[]]>;
    const found = entries.find(([, f]) => f[1] === node && f.includes('ref') && f[f.indexOf('ref') + 1] === ref);
    if (found) return { id: found[0], fields: found[1] };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no stream entry for ${offset}`);
}

/** Saves a session of one socket in one room under `pid`, as Socket.IO does when the socket drops. */
function persister(adapter: RedisStreamsAdapter, room: string): (pid: string) => Promise<unknown> {
  return (pid) => {
    adapter.persistSession({ sid: room, pid, rooms: [room], data: { seq: 1 } });
    // persistSession does not wait for its SET (Socket.IO calls it and moves on); give it a moment.
    return new Promise((resolve) => setTimeout(resolve, 50));
  };
}
