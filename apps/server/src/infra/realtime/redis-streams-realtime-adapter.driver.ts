import { REALTIME_RECOVERY_WINDOW_MS } from '@basalt/contracts';
import { Redis } from 'ioredis';
import type { Server } from 'socket.io';
import { RealtimeAdapter, type RoomEmit, type SocketIoAdapterFactory } from './realtime-adapter.port.js';
import { RedisStreamsAdapter, RedisStreamsCluster } from './redis-streams-adapter.js';

export interface RedisStreamsRealtimeAdapterOptions {
  url: string;
  /** Namespaces the stream, pub/sub channels and session keys (`<prefix>:realtime...`). */
  prefix: string;
  onConnectionError?: (err: Error) => void;
  /** A stream entry or pub/sub message that could not be read (skipped). */
  onBadMessage?: (err: unknown) => void;
}

/**
 * The scaled driver: Socket.IO's cluster adapter over one Redis stream that all API nodes read, so
 * rooms span nodes; the stream doubles as the store of missed packets for connection state
 * recovery, and sessions are kept in Redis, so a client can resume on any node. A change fanned
 * out to many sockets is one stream entry (`emitEach`).
 */
export class RedisStreamsRealtimeAdapter extends RealtimeAdapter {
  private client?: Redis;
  private cluster?: RedisStreamsCluster;

  constructor(private readonly options: RedisStreamsRealtimeAdapterOptions) {
    super();
  }

  override factory(): SocketIoAdapterFactory | null {
    this.cluster ??= this.connect();
    return this.cluster.adapterFor as unknown as SocketIoAdapterFactory;
  }

  private connect(): RedisStreamsCluster {
    const { url, prefix } = this.options;
    // Auto-pipelining sends the XADDs and PUBLISHes of one tick in one write.
    const client = new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: true });
    this.client = client;
    let reported = false;
    client.on('error', (err: Error) => {
      if (reported) return;
      reported = true;
      this.options.onConnectionError?.(err);
    });
    client.on('ready', () => (reported = false));
    return new RedisStreamsCluster(
      client,
      {
        streamName: `${prefix}:realtime`,
        channelPrefix: `${prefix}:realtime`,
        sessionKeyPrefix: `${prefix}:realtime:session:`,
        retentionMs: REALTIME_RECOVERY_WINDOW_MS,
        readCount: 100,
        // XREAD blocks its connection for this long; short, so a closing node lets go quickly.
        blockTimeInMs: 1000,
      },
      (err) => this.options.onBadMessage?.(err),
    );
  }

  override emitEach(io: Server, event: string, items: readonly RoomEmit[]): void {
    const adapter = io.sockets.adapter;
    if (adapter instanceof RedisStreamsAdapter) void adapter.emitEach(event, items);
    else super.emitEach(io, event, items);
  }

  override async close(): Promise<void> {
    this.cluster?.close();
    this.cluster = undefined;
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await client.quit();
    } catch {
      client.disconnect();
    }
  }
}
