import { REALTIME_LIMITS, type RealtimeMember } from '@basalt/contracts';
import type { Socket } from 'socket.io';
import type { AuthValues } from '../collections/query/filter-context.js';
import { MessageRate } from './message-rate.js';
import type { SocketIdentity } from './socket-credentials.js';
import { type Judge, Subscription, type SubscriptionSpec } from './subscription.js';

/**
 * What a socket keeps in `socket.data`: Socket.IO persists it with the session on a dropped
 * connection and hands it back on recovery, on whichever node the client reconnects to.
 */
export interface RecoverableData {
  subscriptions: SubscriptionSpec[];
  /** The last `seq` sent. */
  seq: number;
  /** Channels joined, with the presence state given at join. */
  channels: Record<string, Record<string, unknown> | null>;
  member: Omit<RealtimeMember, 'state'>;
}

/**
 * One client session on this node: its identity, its subscriptions and its `change` sequence.
 * It outlives a dropped connection for the recovery window ("detached"): events keep being judged
 * and sent to its room, where the adapter keeps them for the client to collect when it resumes.
 */
export class SocketSession implements Judge {
  readonly subscriptions = new Map<string, Subscription>();
  readonly rate = new MessageRate(REALTIME_LIMITS.messagesPerSecond, REALTIME_LIMITS.messageBurst);
  socket: Socket | null;
  identity: SocketIdentity;
  auth: AuthValues;
  seq: number;
  /** Rebuilt on this node after a resume: not judging events until its `realtime.resumed` comes round (the old node judges until then). */
  resuming = false;
  private expiryTimer?: NodeJS.Timeout;
  private detachTimer?: NodeJS.Timeout;
  /** Sends waiting for the previous node's hand-over (null: not holding). */
  private held: Array<() => void> | null = null;
  private holdTimer?: NodeJS.Timeout;

  constructor(
    readonly sid: string,
    socket: Socket,
    identity: SocketIdentity,
    auth: AuthValues,
  ) {
    this.socket = socket;
    this.identity = identity;
    this.auth = auth;
    this.seq = this.data.seq ?? 0;
  }

  get principal() {
    return this.identity.principal;
  }

  get hidden(): boolean {
    return this.principal.kind === 'admin' || this.principal.kind === 'apiKey';
  }

  get data(): Partial<RecoverableData> {
    return (this.socket?.data ?? {}) as Partial<RecoverableData>;
  }

  /** Sets the identity and (re)arms the expiry timer; `onExpired` runs at the token's exp. */
  setIdentity(identity: SocketIdentity, auth: AuthValues, onExpired: () => void): void {
    this.identity = identity;
    this.auth = auth;
    clearTimeout(this.expiryTimer);
    this.expiryTimer = undefined;
    if (identity.expiresAt !== null) {
      // setTimeout holds at most ~24.8 days; a longer-lived token is checked again then.
      const delay = Math.min(Math.max(identity.expiresAt - Date.now(), 0), 2 ** 31 - 1);
      this.expiryTimer = setTimeout(() => (Date.now() >= identity.expiresAt! ? onExpired() : this.setIdentity(identity, auth, onExpired)), delay);
      this.expiryTimer.unref();
    }
    if (this.socket) this.socket.data.member = memberOf(this.sid, this.principal);
  }

  /**
   * Holds `change` sends until `release`: a session rebuilt on a new node must first learn the last
   * `seq` the old node used, so numbering goes on without repeats. Released after `maxMs` regardless.
   */
  hold(maxMs: number): void {
    this.held = [];
    this.holdTimer = setTimeout(() => this.release(null), maxMs);
    this.holdTimer.unref();
  }

  release(lastSeq: number | null): void {
    clearTimeout(this.holdTimer);
    if (lastSeq !== null && lastSeq > this.seq) this.seq = lastSeq;
    const held = this.held ?? [];
    this.held = null;
    for (const send of held) send();
  }

  get holding(): boolean {
    return this.held !== null;
  }

  /** Runs `send` now, or in order once a hold is released. */
  whenReleased(send: () => void): void {
    if (this.held) this.held.push(send);
    else send();
  }

  nextSeq(): number {
    this.seq += 1;
    if (this.socket) this.socket.data.seq = this.seq;
    return this.seq;
  }

  /** Mirrors the subscriptions into the recoverable data. */
  saveSubscriptions(): void {
    if (this.socket) this.socket.data.subscriptions = [...this.subscriptions.values()].map((s) => s.spec);
  }

  detach(windowMs: number, onGone: () => void): void {
    this.socket = null;
    this.detachTimer = setTimeout(onGone, windowMs);
    this.detachTimer.unref();
  }

  attach(socket: Socket): void {
    clearTimeout(this.detachTimer);
    this.detachTimer = undefined;
    this.socket = socket;
    socket.data.seq = this.seq;
    this.saveSubscriptions();
  }

  get detached(): boolean {
    return this.socket === null;
  }

  dispose(): void {
    clearTimeout(this.expiryTimer);
    clearTimeout(this.detachTimer);
    clearTimeout(this.holdTimer);
    this.held = null;
    this.subscriptions.clear();
    this.socket = null;
  }
}

export function memberOf(socketId: string, principal: SocketIdentity['principal']): Omit<RealtimeMember, 'state'> {
  return { socketId, kind: principal.kind, userId: principal.kind === 'user' ? (principal.id ?? null) : null };
}
