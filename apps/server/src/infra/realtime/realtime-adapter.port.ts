import type { Server } from 'socket.io';

/** What Socket.IO's `server.adapter(...)` accepts: an Adapter class or a factory taking the namespace. */
export type SocketIoAdapterFactory = NonNullable<Parameters<Server['adapter']>[0]>;

/** One event payload for one room. */
export interface RoomEmit {
  room: string;
  payload: unknown;
}

/**
 * How the realtime gateway's Socket.IO rooms reach every API node, and where missed packets wait for
 * a client that dropped (connection state recovery). Drivers must support recovery: the adapter
 * keeps packets sent to a room for at least the recovery window and replays them by offset.
 */
export abstract class RealtimeAdapter {
  /**
   * The adapter to install on the Socket.IO server, created lazily (a worker process never asks);
   * null keeps Socket.IO's own in-memory, session-aware adapter.
   */
  abstract factory(): SocketIoAdapterFactory | null;

  /**
   * Sends `event` with each payload to its room, in order, kept for recovery like any emit. One
   * change seen by many sockets is one call; a driver may store the lot at once.
   */
  emitEach(io: Server, event: string, items: readonly RoomEmit[]): void {
    for (const item of items) io.to(item.room).emit(event, item.payload);
  }

  /** Releases connections the driver opened; the Socket.IO server is closed before this. */
  abstract close(): Promise<void>;
}
