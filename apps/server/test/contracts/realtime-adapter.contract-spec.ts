import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { MemoryRealtimeAdapter } from '../../src/infra/realtime/memory-realtime-adapter.driver.js';
import type { RealtimeAdapter } from '../../src/infra/realtime/realtime-adapter.port.js';
import { RedisStreamsAdapter } from '../../src/infra/realtime/redis-streams-adapter.js';
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
      const entry = a.offsets[0]!.split(':')[0];
      expect(a.offsets).toEqual([`${entry}:0`, `${entry}:2`, `${entry}:3`]);
      // The record three of its payloads hold is stored once.
      const [[, fields]] = (await redis.xrange(`${prefix}:realtime`, entry!, entry!)) as Array<[string, string[]]>;
      expect(fields.join(' ').split('shared by').length - 1).toBe(1);

      const adapter = server.io.sockets.adapter as RedisStreamsAdapter;
      const session = (pid: string) => ({ sid: room, pid, rooms: [room], data: { seq: 1 } });
      // persistSession does not wait for its SET (Socket.IO calls it and moves on); give it a moment.
      const persist = (pid: string) => {
        adapter.persistSession(session(pid));
        return new Promise((resolve) => setTimeout(resolve, 50));
      };
      await persist('cut-after-first');
      const restored = await adapter.restoreSession('cut-after-first', a.offsets[0]!);
      expect(restored).toMatchObject({ sid: room, rooms: [room], data: { seq: 1 } });
      expect(restored.missedPackets).toEqual([
        ['change', { p: 2, record }, `${entry}:2`],
        ['change', { p: 3, record }, `${entry}:3`],
      ]);
      await persist('saw-all');
      expect((await adapter.restoreSession('saw-all', a.offsets[2]!)).missedPackets).toEqual([]);
      // A session is restored once; an offset that is not ours is refused.
      await expect(adapter.restoreSession('saw-all', a.offsets[2]!)).rejects.toThrow(/not found/);
      await persist('bad-offset');
      await expect(adapter.restoreSession('bad-offset', 'nonsense')).rejects.toThrow(/invalid offset/);
    } finally {
      redis.disconnect();
      a.socket.close();
      await server.close();
    }
  });
});
