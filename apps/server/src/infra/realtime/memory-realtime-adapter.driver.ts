import { RealtimeAdapter, type SocketIoAdapterFactory } from './realtime-adapter.port.js';

/**
 * The embedded driver: one process, rooms in memory. With connection state recovery on, Socket.IO's
 * default adapter is its session-aware one, which keeps every packet broadcast to a room for the
 * recovery window, so a client that reconnects gets what it missed.
 */
export class MemoryRealtimeAdapter extends RealtimeAdapter {
  override factory(): SocketIoAdapterFactory | null {
    return null;
  }

  override async close(): Promise<void> {
    // Nothing of its own: the adapter lives and dies with the Socket.IO server.
  }
}
