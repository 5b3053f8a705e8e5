import { decode, encode } from '@msgpack/msgpack';
import type { Redis } from 'ioredis';
import {
  Adapter,
  type BroadcastOptions,
  ClusterAdapterWithHeartbeat,
  type ClusterMessage,
  type ClusterResponse,
  MessageType,
  type PrivateSessionId,
  type Session,
} from 'socket.io-adapter';
import type { Namespace } from 'socket.io';
import { EachPacketText, type EachData, eachHasBinary, hasBinary, packEach, unpackItem } from './each-packets.js';
import type { RoomEmit } from './realtime-adapter.port.js';

/**
 * A stream entry holding one event packet per room (`emitEach`): a change fanned out to a thousand
 * sockets is one XADD and one entry to read back, not a thousand. Not one of Socket.IO's own types.
 * 101: `EachData` with shapes (100 held each payload's keys); a node reads only its own version's.
 */
const EACH = 101;
/** Socket.IO's EVENT packet type. */
const EVENT = 2;

export interface RedisStreamsAdapterOptions {
  streamName: string;
  channelPrefix: string;
  sessionKeyPrefix: string;
  /** How long entries are kept: the recovery window (older packets cannot be asked for). */
  retentionMs: number;
  /** Entries per XREAD, and per XRANGE page when restoring a session. */
  readCount: number;
  /** How long an XREAD blocks its connection: short, so a closing node lets go quickly. */
  blockTimeInMs: number;
}

/** Entries as ioredis returns them from XREAD/XRANGE: id and a flat field/value list. */
type RawEntry = [id: string, fields: string[]];
type XReadReply = Array<[stream: string, entries: RawEntry[]]> | null;
/** A cluster message as read back: Socket.IO's union, with its data (when any) seen as unknown. */
type ReadMessage = ClusterMessage & { data?: unknown };

interface StoredMessage {
  uid: string;
  nsp: string;
  type: string;
  data?: string;
  /** Set on the entries of packets this node sent before storing them: what their offsets name. */
  ref?: string;
}

/**
 * A packet's offset: the entry id (`<id>`, `<id>:<index>` for a packet of an `emitEach` entry) when
 * it was read from the stream, or, for a packet its node sent before the entry was stored, an entry
 * id that node had seen stored and the entry's reference (`<id>/<node uid>.<ref>[:<index>]`).
 */
const OFFSET = /^(\d+-\d+)(?:\/([^./:]+)\.(\d+))?(?::(\d+))?$/;

/**
 * Socket.IO's cluster adapter over one Redis stream (what `@socket.io/redis-streams-adapter` does),
 * plus `emitEach`: many packets, one per room, published as ONE entry. A node sends its packets to
 * its own sockets first and stores them behind (the XADD round trip is not on the way to the
 * sockets); their offsets name the entry by a reference, so a client cut off halfway through an
 * entry is given the rest of it when it resumes. Entries live for the recovery window (trimmed by
 * age, not count, so a busy node keeps the whole window).
 */
export class RedisStreamsAdapter extends ClusterAdapterWithHeartbeat {
  private readonly publicChannel: string;
  private readonly privateChannel: string;
  /** An entry this node saw stored (its latest XADD or read): an entry it stores next comes after it. */
  private knownId = '0-0';
  private refs = 0;

  constructor(
    nsp: Namespace,
    private readonly redis: Redis,
    private readonly options: RedisStreamsAdapterOptions,
  ) {
    super(nsp, {});
    this.publicChannel = `${options.channelPrefix}#${nsp.name}#`;
    this.privateChannel = `${options.channelPrefix}#${nsp.name}#${this.uid}#`;
    // Until this answers (or this node stores or reads an entry), offsets start from the stream's beginning.
    void redis.xrevrange(options.streamName, '+', '-', 'COUNT', 1).then(
      (last) => last[0] && this.noteId(last[0][0]),
      () => undefined,
    );
  }

  /** The pub/sub channels this adapter listens on (ephemeral messages and responses to its requests). */
  get channels(): string[] {
    return [this.publicChannel, this.privateChannel];
  }

  /** Sends each payload to its room, in order: to this node's sockets now, to the others' through one stream entry. */
  emitEach(event: string, items: readonly RoomEmit[]): void {
    if (items.length === 0) return;
    const data = packEach(event, items);
    const { ref, offset } = this.nextRef();
    this.sendEach(data, offset);
    // EACH is ours, not in Socket.IO's union of message types; the cluster adapter passes it through.
    this.storeBehind({ type: EACH as MessageType, data }, ref);
  }

  /**
   * Socket.IO's cluster broadcast, but sent here before it is stored, as `emitEach` is: both send at
   * once, so this node's sockets get its packets in the order they were emitted, and the stream holds
   * them in that order too (one connection, XADDs in call order).
   */
  override async broadcast(packet: { type: number; id?: number; data: unknown[] }, opts: BroadcastOptions): Promise<void> {
    if (!opts.flags?.local) {
      const { ref, offset } = this.nextRef();
      // Stored as it was emitted: the entry is serialized before the offset joins the packet.
      this.storeBehind({ type: MessageType.BROADCAST, data: { packet, opts: { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags } } }, ref);
      if (this.nsp.server.opts.connectionStateRecovery && isKept(packet, opts.flags)) packet.data.push(offset);
    }
    Adapter.prototype.broadcast.call(this, packet, opts);
  }

  protected override doPublish(message: ClusterMessage, ref?: string): Promise<string> {
    if (isEphemeral(message)) {
      return this.redis.publish(this.publicChannel, Buffer.from(encode(message))).then(() => '');
    }
    const minId = `${Date.now() - this.options.retentionMs}-0`;
    const stored = this.redis.xadd(this.options.streamName, 'MINID', '~', minId, '*', ...toFields(message, ref)) as Promise<string>;
    return stored.then((id) => {
      this.noteId(id);
      return id;
    });
  }

  /** The reference for an entry sent before it is stored, and the offset its packets carry. */
  private nextRef(): { ref: string; offset: string } {
    const ref = String(++this.refs);
    return { ref, offset: `${this.knownId}/${this.uid}.${ref}` };
  }

  /**
   * Stores what was just sent. A packet whose entry could not be stored has still reached the
   * sockets here (as with Socket.IO's own broadcast); a client resuming from it is not recovered.
   */
  private storeBehind(message: { type: MessageType; data: unknown }, ref: string): void {
    this.doPublish({ ...message, uid: this.uid, nsp: this.nsp.name } as ClusterMessage, ref).catch(() => undefined);
  }

  /** Any entry already stored precedes the next XADD; the latest one seen keeps a restore's search short. */
  private noteId(id: string): void {
    this.knownId = id;
  }

  protected override doPublishResponse(requesterUid: string, response: ClusterResponse): Promise<void> {
    const channel = `${this.options.channelPrefix}#${this.nsp.name}#${requesterUid}#`;
    return this.redis.publish(channel, Buffer.from(encode(response))).then(() => undefined);
  }

  /** A message from pub/sub (msgpack). */
  onPubSubMessage(payload: Buffer): void {
    this.onMessage(decode(payload) as ClusterMessage);
  }

  /** A stream entry, from any node (its own too: those are dropped before decoding their data). */
  onStreamEntry(id: string, stored: StoredMessage): void {
    this.noteId(id);
    if (stored.uid === this.uid) return;
    // A node without sockets (an API node beside realtime nodes) has no room for any packet of it.
    if (stored.type === String(EACH) && this.rooms.size === 0) return;
    const message = fromStored(stored);
    if (message.type === (EACH as MessageType)) this.sendEach(message.data as EachData, id);
    this.onMessage(message, id);
  }

  override serverCount(): Promise<number> {
    return this.redis.pubsub('NUMSUB', this.publicChannel).then((reply) => Number((reply as [string, number])[1]));
  }

  override persistSession(session: Parameters<ClusterAdapterWithHeartbeat['persistSession']>[0]): void {
    const key = this.options.sessionKeyPrefix + session.pid;
    const ttl = (this.nsp.server.opts.connectionStateRecovery as { maxDisconnectionDuration: number }).maxDisconnectionDuration;
    void this.redis.set(key, Buffer.from(encode(session)).toString('base64'), 'PX', ttl).catch(() => undefined);
  }

  /** The session and every packet for its rooms after `offset`, in order; rejects if either is gone. */
  override async restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
    const at = OFFSET.exec(offset);
    if (!at) throw new Error('invalid offset');
    const [, entryId, node, ref, index] = at;
    const key = this.options.sessionKeyPrefix + pid;
    // An entry id must still be there; an entry named by reference is looked for after its id.
    const [[, raw], [, exact]] = (await this.redis.multi().getdel(key).xrange(this.options.streamName, entryId!, entryId!).exec()) as [
      [unknown, string | null],
      [unknown, RawEntry[]],
    ];
    if (!raw || (ref === undefined && exact.length === 0)) throw new Error('session or offset not found');
    const session = decode(Buffer.from(raw, 'base64')) as Session;
    session.missedPackets = [];
    const rooms = new Set(session.rooms);
    const collect = ([id, fields]: RawEntry, after = -1) => {
      const stored = toStored(fields);
      if (stored.nsp !== this.nsp.name) return;
      if (stored.type === String(EACH)) {
        const data = fromStored(stored).data as EachData;
        data.items.forEach((item, i) => {
          if (i > after && rooms.has(item[0])) session.missedPackets.push([data.event, unpackItem(data, item), `${id}:${i}`]);
        });
      } else if (stored.type === String(MessageType.BROADCAST)) {
        const { packet, opts } = fromStored(stored).data as { packet: { type: number; id?: number; data: unknown[] }; opts: { rooms: string[]; except: string[]; flags?: { volatile?: boolean } } };
        if (isKept(packet, opts.flags) && includes(rooms, opts)) session.missedPackets.push([...packet.data, id]);
      }
    };
    // The entry the offset points into: the rest of it when the offset is one packet of an emitEach.
    let reached = ref === undefined;
    if (reached && index !== undefined) collect(exact[0]!, Number(index));
    let from = `(${entryId}`;
    for (;;) {
      const page = (await this.redis.xrange(this.options.streamName, from, '+', 'COUNT', this.options.readCount)) as RawEntry[];
      for (const entry of page) {
        if (reached) collect(entry);
        else if (isEntry(entry[1], node!, ref!)) {
          // Entries stored between the offset's id and this one were sent before it, or by other nodes.
          reached = true;
          if (index !== undefined) collect(entry, Number(index));
        }
      }
      if (page.length < this.options.readCount) break;
      from = `(${page[page.length - 1]![0]}`;
    }
    // Sent but not stored (yet, or ever): what followed it cannot be told apart from what preceded it.
    if (!reached) throw new Error('session or offset not found');
    return session;
  }

  /**
   * The packets of an `emitEach` entry to the sockets of their rooms on this node, with offsets
   * `<entry offset>:<index>`. Written as the in-memory adapter's broadcast writes them, but each
   * shared value is serialized once for all of them.
   */
  private sendEach(data: EachData, entryOffset: string): void {
    const text = encodesAsText(this.nsp.server.encoder) && !eachHasBinary(data) ? new EachPacketText(data, this.nsp.name) : null;
    data.items.forEach((item, index) => {
      const sids = this.rooms.get(item[0]);
      if (!sids) return;
      const offset = `${entryOffset}:${index}`;
      const packet = () => ({ type: EVENT, data: [data.event, unpackItem(data, item), offset], nsp: this.nsp.name });
      if (!text) {
        Adapter.prototype.broadcast.call(this, packet(), { rooms: new Set<string>([item[0]]), except: new Set<string>() });
        return;
      }
      const encoded = [text.of(index, offset)];
      for (const sid of sids) {
        const socket = this.nsp.sockets.get(sid) as unknown as WritableSocket | undefined;
        if (!socket) continue;
        // The packet object is made only for a socket that has `onAnyOutgoing` listeners to show it to.
        if (socket._anyOutgoingListeners?.length) socket.notifyOutgoingListeners(packet());
        socket.client.writeToEngine(encoded, { preEncoded: true });
      }
    });
  }
}

/** The parts of a Socket.IO socket that the in-memory adapter's broadcast uses (private in its types). */
interface WritableSocket {
  _anyOutgoingListeners?: unknown[];
  notifyOutgoingListeners(packet: unknown): void;
  client: { writeToEngine(encoded: string[], opts: { preEncoded: true }): void };
}

/** Socket.IO's default parser, whose text encoding `EachPacketText` writes (a custom parser encodes its own way). */
function encodesAsText(encoder: unknown): boolean {
  const e = encoder as { encodeAsString?: unknown; replacer?: unknown };
  return typeof e.encodeAsString === 'function' && e.replacer === undefined;
}

/** Requests answered over pub/sub are not kept: their acks and responses cannot be replayed. */
function isEphemeral(message: ClusterMessage): boolean {
  if (message.type === MessageType.BROADCAST) return (message.data as { requestId?: string }).requestId !== undefined;
  return message.type === MessageType.SERVER_SIDE_EMIT || message.type === MessageType.FETCH_SOCKETS;
}

/** What Socket.IO keeps for recovery: events without an ack that are not volatile. */
function isKept(packet: { type: number; id?: number }, flags?: { volatile?: boolean }): boolean {
  return packet.type === EVENT && packet.id === undefined && !flags?.volatile;
}

/** Whether the entry's fields are those of the entry a node stored under `ref`. */
function isEntry(fields: string[], node: string, ref: string): boolean {
  const stored = toStored(fields);
  return stored.uid === node && stored.ref === ref;
}

function includes(rooms: ReadonlySet<string>, opts: { rooms: string[]; except: string[] }): boolean {
  const included = opts.rooms.length === 0 || opts.rooms.some((r) => rooms.has(r));
  return included && !opts.except.some((r) => rooms.has(r));
}

/** Stream fields: JSON data, or base64 msgpack when it holds binary (JSON would turn a Buffer into an object). */
function toFields(message: ClusterMessage, ref?: string): string[] {
  const fields = ['uid', message.uid, 'nsp', message.nsp, 'type', String(message.type)];
  if (ref !== undefined) fields.push('ref', ref);
  const data = (message as { data?: unknown }).data;
  if (data !== undefined) {
    const binary = message.type === (EACH as MessageType) ? eachHasBinary(data as EachData) : hasBinary(data);
    fields.push('data', binary ? Buffer.from(encode(data)).toString('base64') : JSON.stringify(data));
  }
  return fields;
}

function toStored(fields: string[]): StoredMessage {
  const out: Record<string, string> = {};
  for (let i = 0; i < fields.length; i += 2) out[fields[i]!] = fields[i + 1]!;
  return out as unknown as StoredMessage;
}

function fromStored(stored: StoredMessage): ReadMessage {
  const message = { uid: stored.uid, nsp: stored.nsp, type: Number(stored.type) } as ReadMessage;
  if (stored.data !== undefined) message.data = stored.data.startsWith('{') ? JSON.parse(stored.data) : decode(Buffer.from(stored.data, 'base64'));
  return message;
}

/**
 * What the adapters of one Socket.IO server share: a connection blocked reading the stream and one
 * subscribed to the pub/sub channels. `adapterFor` is what `io.adapter(...)` takes.
 */
export class RedisStreamsCluster {
  private readonly adapters = new Map<string, RedisStreamsAdapter>();
  private readonly reader: Redis;
  private readonly subscriber: Redis;
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisStreamsAdapterOptions,
    private readonly onBadMessage: (err: unknown) => void,
  ) {
    // Their connection errors are the publishing client's too, which reports them.
    this.reader = redis.duplicate().on('error', () => undefined);
    this.subscriber = redis.duplicate().on('error', () => undefined);
    this.subscriber.on('messageBuffer', (channel: Buffer, payload: Buffer) => {
      const name = channel.toString();
      for (const adapter of this.adapters.values()) if (adapter.channels.includes(name)) this.guard(() => adapter.onPubSubMessage(payload));
    });
    void this.poll();
  }

  /** Socket.IO calls this with `new`, so a plain function, not an arrow. */
  get adapterFor(): (nsp: Namespace) => RedisStreamsAdapter {
    const cluster = this;
    return function (nsp) {
      const adapter = new RedisStreamsAdapter(nsp, cluster.redis, cluster.options);
      cluster.adapters.set(nsp.name, adapter);
      void cluster.subscriber.subscribe(...adapter.channels);
      return adapter;
    };
  }

  close(): void {
    this.closed = true;
    this.reader.disconnect();
    this.subscriber.disconnect();
  }

  /** Reads every entry after the ones there at start, in order, for as long as the server lives. */
  private async poll(): Promise<void> {
    const { streamName, readCount, blockTimeInMs } = this.options;
    let last = '$';
    while (!this.closed) {
      let reply: XReadReply;
      try {
        reply = (await this.reader.xread('COUNT', readCount, 'BLOCK', blockTimeInMs, 'STREAMS', streamName, last)) as XReadReply;
      } catch {
        // Disconnected: ioredis reconnects and the next read goes on from the last entry seen.
        if (!this.closed) await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      for (const [id, fields] of reply?.[0]?.[1] ?? []) {
        last = id;
        const stored = toStored(fields);
        const adapter = this.adapters.get(stored.nsp);
        if (adapter) this.guard(() => adapter.onStreamEntry(id, stored));
      }
    }
  }

  /** A message that cannot be read is reported and skipped; the ones after it still arrive. */
  private guard(handle: () => void): void {
    try {
      handle();
    } catch (err) {
      this.onBadMessage(err);
    }
  }
}
