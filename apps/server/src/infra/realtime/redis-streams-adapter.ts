import { decode, encode } from '@msgpack/msgpack';
import type { Redis } from 'ioredis';
import {
  Adapter,
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
 */
const EACH = 100;
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
}

/**
 * Socket.IO's cluster adapter over one Redis stream (what `@socket.io/redis-streams-adapter` does),
 * plus `emitEach`: many packets, one per room, published as ONE entry and sent locally after its
 * one round trip. Packet offsets are the entry id, with `:index` for packets of an `emitEach` entry,
 * so a client cut off halfway through one is given the rest of it when it resumes. Entries live
 * for the recovery window (trimmed by age, not count, so a busy node keeps the whole window).
 */
export class RedisStreamsAdapter extends ClusterAdapterWithHeartbeat {
  private readonly publicChannel: string;
  private readonly privateChannel: string;

  constructor(
    nsp: Namespace,
    private readonly redis: Redis,
    private readonly options: RedisStreamsAdapterOptions,
  ) {
    super(nsp, {});
    this.publicChannel = `${options.channelPrefix}#${nsp.name}#`;
    this.privateChannel = `${options.channelPrefix}#${nsp.name}#${this.uid}#`;
  }

  /** The pub/sub channels this adapter listens on (ephemeral messages and responses to its requests). */
  get channels(): string[] {
    return [this.publicChannel, this.privateChannel];
  }

  /** Sends each payload to its room, in order, through one stream entry. */
  async emitEach(event: string, items: readonly RoomEmit[]): Promise<void> {
    if (items.length === 0) return;
    const data = packEach(event, items);
    let id: string;
    try {
      // EACH is ours, not in Socket.IO's union of message types; the cluster adapter passes it through.
      id = await this.publishAndReturnOffset({ type: EACH as MessageType, data } as never);
    } catch {
      // As Socket.IO's own broadcast: a packet that could not be stored is still sent to whoever is here.
      id = '';
    }
    this.sendEach(data, id);
  }

  protected override doPublish(message: ClusterMessage): Promise<string> {
    if (isEphemeral(message)) {
      return this.redis.publish(this.publicChannel, Buffer.from(encode(message))).then(() => '');
    }
    const minId = `${Date.now() - this.options.retentionMs}-0`;
    return this.redis.xadd(this.options.streamName, 'MINID', '~', minId, '*', ...toFields(message)) as Promise<string>;
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
    if (stored.uid === this.uid) return;
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
    const at = /^(\d+-\d+)(?::(\d+))?$/.exec(offset);
    if (!at) throw new Error('invalid offset');
    const [, entryId, index] = at;
    const key = this.options.sessionKeyPrefix + pid;
    const [[, raw], [, found]] = (await this.redis.multi().getdel(key).xrange(this.options.streamName, entryId!, entryId!).exec()) as [
      [unknown, string | null],
      [unknown, RawEntry[]],
    ];
    if (!raw || found.length === 0) throw new Error('session or offset not found');
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
        if (packet.type === EVENT && packet.id === undefined && !opts.flags?.volatile && includes(rooms, opts)) session.missedPackets.push([...packet.data, id]);
      }
    };
    // The rest of the entry the offset points into, when it points at one packet of an emitEach.
    if (index !== undefined) collect(found[0]!, Number(index));
    let from = `(${entryId}`;
    for (;;) {
      const page = (await this.redis.xrange(this.options.streamName, from, '+', 'COUNT', this.options.readCount)) as RawEntry[];
      for (const entry of page) collect(entry);
      if (page.length < this.options.readCount) break;
      from = `(${page[page.length - 1]![0]}`;
    }
    return session;
  }

  /**
   * The packets of an `emitEach` entry to the sockets of their rooms on this node, with offsets
   * `<entry id>:<index>` (none when the entry could not be stored). Written as the in-memory
   * adapter's broadcast writes them, but each shared value is serialized once for all of them.
   */
  private sendEach(data: EachData, id: string): void {
    const text = encodesAsText(this.nsp.server.encoder) && !eachHasBinary(data) ? new EachPacketText(data, this.nsp.name) : null;
    data.items.forEach((item, index) => {
      const sids = this.rooms.get(item[0]);
      if (!sids) return;
      const offset = id && `${id}:${index}`;
      const packet = () => {
        const payload = unpackItem(data, item);
        return { type: EVENT, data: offset ? [data.event, payload, offset] : [data.event, payload], nsp: this.nsp.name };
      };
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

function includes(rooms: ReadonlySet<string>, opts: { rooms: string[]; except: string[] }): boolean {
  const included = opts.rooms.length === 0 || opts.rooms.some((r) => rooms.has(r));
  return included && !opts.except.some((r) => rooms.has(r));
}

/** Stream fields: JSON data, or base64 msgpack when it holds binary (JSON would turn a Buffer into an object). */
function toFields(message: ClusterMessage): string[] {
  const fields = ['uid', message.uid, 'nsp', message.nsp, 'type', String(message.type)];
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
