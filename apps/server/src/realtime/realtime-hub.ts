import type { BaseRecord, ErrorBody, RealtimeServerEvents, RecordAction } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import type { Server } from 'socket.io';
import { RealtimeAdapter, type RoomEmit } from '../infra/realtime/realtime-adapter.port.js';
import type { SocketSession } from './socket-session.js';

/** One `change` for one subscription of one session. */
export interface ChangeDelivery {
  session: SocketSession;
  subscriptionId: string;
  action: RecordAction;
  record: BaseRecord | { id: string };
}

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

  constructor(private readonly adapter: RealtimeAdapter) {}

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

  /**
   * The `change`s one event makes, each with its session's next sequence number, sent together (the
   * scaled driver stores them as one entry). A session waiting for its hand-over gets its own later.
   */
  emitChanges(deliveries: readonly ChangeDelivery[]): void {
    const now: RoomEmit[] = [];
    for (const d of deliveries) {
      if (d.session.holding) {
        d.session.whenReleased(() => {
          this.emit(d.session.sid, 'change', changeOf(d));
          this.delivered(1);
        });
      } else {
        now.push({ room: d.session.sid, payload: changeOf(d) });
      }
    }
    if (now.length === 0 || !this.io) return;
    this.adapter.emitEach(this.io, 'change', now);
    this.delivered(now.length);
  }

  /**
   * Ends a session whose credential is no longer good. Delivery stops at once (the session is
   * forgotten); the socket is told why, then disconnected by the server, a reason Socket.IO does
   * not recover from. With recovery on, even `socket.emit` travels through the adapter, which may
   * send it later than this call (Socket.IO's own cluster adapters store it first), so the
   * disconnect waits for the client's ack of `unauthorized`, or at most END_GRACE_MS, instead of
   * overtaking it.
   */
  end(session: SocketSession, error: ErrorBody): void {
    const socket = session.socket;
    this.remove(session);
    if (socket?.connected) socket.timeout(END_GRACE_MS).emit('unauthorized', { error }, () => socket.disconnect(true));
  }
}

function changeOf(d: ChangeDelivery): RealtimeServerEvents['change'] {
  return { subscriptionId: d.subscriptionId, action: d.action, record: d.record, seq: d.session.nextSeq() };
}
