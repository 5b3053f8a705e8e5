import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Redis } from 'ioredis';
import { RealtimeAdapter, type SocketIoAdapterFactory } from './realtime-adapter.port.js';

export interface RedisStreamsRealtimeAdapterOptions {
  url: string;
  /** Namespaces the stream, pub/sub channels and session keys (`<prefix>:realtime...`). */
  prefix: string;
  onConnectionError?: (err: Error) => void;
}

/**
 * The scaled driver: `@socket.io/redis-streams-adapter`. Every packet sent to a room goes through one
 * Redis stream that all API nodes read, so rooms span nodes; the stream doubles as the store of
 * missed packets for connection state recovery, and sessions are kept in Redis, so a client can
 * resume on any node.
 */
export class RedisStreamsRealtimeAdapter extends RealtimeAdapter {
  private client?: Redis;

  constructor(private readonly options: RedisStreamsRealtimeAdapterOptions) {
    super();
  }

  override factory(): SocketIoAdapterFactory | null {
    const { url, prefix } = this.options;
    // One change fans out into one XADD per subscribed socket; auto-pipelining sends the XADDs of one
    // tick in one write instead of one round trip each.
    this.client ??= new Redis(url, { maxRetriesPerRequest: null, enableAutoPipelining: true });
    let reported = false;
    this.client.on('error', (err: Error) => {
      if (reported) return;
      reported = true;
      this.options.onConnectionError?.(err);
    });
    this.client.on('ready', () => (reported = false));
    return createAdapter(this.client, {
      streamName: `${prefix}:realtime`,
      channelPrefix: `${prefix}:realtime`,
      sessionKeyPrefix: `${prefix}:realtime:session:`,
      // XREAD blocks its connection for this long; short, so a closing node lets go quickly.
      blockTimeInMs: 1000,
      // Packets older than the recovery window are useless; 10k entries is the library default.
      maxLen: 10_000,
      // A write seen by 1 000 sockets is 1 000 entries: read them back in one XREAD, not ten.
      readCount: 1000,
    });
  }

  override async close(): Promise<void> {
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
