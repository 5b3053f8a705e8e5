import type { BaseRecord, ErrorBody, RealtimeServerEvents, RecordAction } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import type { SocketSession } from './socket-session.js';

/** How long a socket being ended may take to acknowledge `unauthorized` before it is disconnected anyway. */
const END_GRACE_MS = 2000;

/**
 * This node's realtime sessions and the Socket.IO server they live on. Everything a session is sent
 * goes through the adapter to the socket's own room (`io.to(sid)`), never `socket.emit`: only
 * packets that pass the adapter are kept for a client that dropped and resumes.
 */
@Injectable()
export class RealtimeHub {
  private io: Server | null = null;
  private readonly sessions = new Map<string, SocketSession>();
  private delivered: (count: number) => void = () => undefined;

  attachServer(io: Server): void {
    this.io = io;
  }

  onDelivered(listener: (count: number) => void): void {
    this.delivered = listener;
  }

  get server(): Server | null {
    return this.io;
  }

  add(session: SocketSession): void {
    this.sessions.set(session.sid, session);
  }

  get(sid: string): SocketSession | undefined {
    return this.sessions.get(sid);
  }

  all(): IterableIterator<SocketSession> {
    return this.sessions.values();
  }

  remove(session: SocketSession): void {
    if (this.sessions.get(session.sid) === session) this.sessions.delete(session.sid);
    session.dispose();
  }

  connectedCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (!s.detached) n += 1;
    return n;
  }

  subscriptionCount(): number {
    let n = 0;
    for (const s of this.sessions.values()) n += s.subscriptions.size;
    return n;
  }

  emit<E extends keyof RealtimeServerEvents>(sid: string, event: E, payload: RealtimeServerEvents[E]): void {
    this.io?.to(sid).emit(event, payload);
  }

  /** A `change` with the session's next sequence number. */
  emitChange(session: SocketSession, subscriptionId: string, action: RecordAction, record: BaseRecord | { id: string }): void {
    session.whenReleased(() => {
      this.emit(session.sid, 'change', { subscriptionId, action, record, seq: session.nextSeq() });
      this.delivered(1);
    });
  }

  /**
   * Ends a session whose credential is no longer good. Delivery stops at once (the session is
   * forgotten); the socket is told why, then disconnected by the server, a reason Socket.IO does
   * not recover from. With recovery on, even `socket.emit` travels through the adapter (in Redis
   * mode: through the stream and back), so the disconnect waits for the client's ack of
   * `unauthorized`, or at most END_GRACE_MS, instead of overtaking it.
   */
  end(session: SocketSession, error: ErrorBody): void {
    const socket = session.socket;
    this.remove(session);
    if (socket?.connected) socket.timeout(END_GRACE_MS).emit('unauthorized', { error }, () => socket.disconnect(true));
  }
}
