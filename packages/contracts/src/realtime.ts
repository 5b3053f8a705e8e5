/**
 * The realtime wire contract (Socket.IO v4 at path `/realtime`): what a client emits, what it gets
 * back as acks, and what the server emits. Shared by the server, the SDK and the dashboard.
 */
import type { BaseRecord, RecordAction } from './collections';
import type { ErrorBody } from './errors';
import type { PrincipalKind } from './principal';

/** The Socket.IO path of the realtime endpoint (same host and port as the HTTP API). */
export const REALTIME_PATH = '/realtime';

/** `io(url, { path: REALTIME_PATH, auth })`: a user or admin token, an API key, or nothing (guest). */
export interface RealtimeHandshakeAuth {
  token?: string;
  apiKey?: string;
}

/** Every ack: `{ ok: true, ...result }` or `{ ok: false, error }` with the API error body. */
export type RealtimeAck<T extends object = object> = ({ ok: true } & T) | RealtimeErrorAck;
export interface RealtimeErrorAck {
  ok: false;
  error: ErrorBody;
}

// ---- client -> server ----

export interface SubscribeRequest {
  collection: string;
  /** Filter language; ANDed with the collection's view rule. */
  filter?: string;
  /** Only this record. */
  id?: string;
}
export type SubscribeAck = RealtimeAck<{ subscriptionId: string }>;

export interface UnsubscribeRequest {
  subscriptionId: string;
}
export type UnsubscribeAck = RealtimeAck;

/** Swaps the socket's credential (e.g. a refreshed access token) without reconnecting. */
export interface AuthRequest {
  token?: string;
  apiKey?: string;
}
export type AuthAck = RealtimeAck<{ kind: PrincipalKind; userId: string | null }>;

/** Presence state is any small JSON object shown to the other members (`null` when none was given). */
export type PresenceState = Record<string, unknown>;

export interface JoinRequest {
  channel: string;
  presence?: PresenceState;
}
export type JoinAck = RealtimeAck<{ members: RealtimeMember[] }>;

export interface LeaveRequest {
  channel: string;
}
export type LeaveAck = RealtimeAck;

export interface BroadcastRequest {
  channel: string;
  event: string;
  payload?: unknown;
}
export type BroadcastAck = RealtimeAck;

// ---- server -> client ----

/** One socket in a channel. `userId` is set for user sockets; identities cannot be spoofed. */
export interface RealtimeMember {
  socketId: string;
  kind: PrincipalKind;
  userId: string | null;
  state: PresenceState | null;
}

/** `delete` carries `{ id }` only. `seq` grows by one per `change` event on a socket. */
export interface ChangeEvent<T extends BaseRecord = BaseRecord> {
  subscriptionId: string;
  action: RecordAction;
  record: T | { id: string };
  seq: number;
}

export interface BroadcastEvent {
  channel: string;
  event: string;
  payload: unknown;
  from: RealtimeMember;
}

export interface PresenceEvent {
  channel: string;
  joined: RealtimeMember[];
  left: RealtimeMember[];
}

/** The server ended a subscription (its collection was deleted or renamed, or its filter/rules no longer apply). */
export interface UnsubscribedEvent {
  subscriptionId: string;
  error: ErrorBody;
}

/**
 * Sent on connect when the client had a session that could not be recovered (gone for longer than
 * the recovery window, or the node forgot it): events were missed, so reload data and subscribe again.
 */
export interface ResyncEvent {
  reason: 'session_expired';
}

/** Sent just before the server disconnects a socket whose session was revoked or whose token expired. */
export interface UnauthorizedEvent {
  error: ErrorBody;
}

export interface RealtimeServerEvents {
  change: ChangeEvent;
  broadcast: BroadcastEvent;
  presence: PresenceEvent;
  unsubscribed: UnsubscribedEvent;
  resync: ResyncEvent;
  unauthorized: UnauthorizedEvent;
}

/** How long a dropped client can be away and still get what it missed. */
export const REALTIME_RECOVERY_WINDOW_MS = 2 * 60 * 1000;

/** Per-socket limits (errors: `validation_failed`, `payload_too_large`, `rate_limited`). */
export const REALTIME_LIMITS = {
  subscriptionsPerSocket: 100,
  channelsPerSocket: 50,
  /** Client messages (any event) per second, with bursts up to `messageBurst`. */
  messagesPerSecond: 50,
  messageBurst: 100,
  /** JSON size of a broadcast `payload`. */
  broadcastPayloadBytes: 16 * 1024,
  /** JSON size of a presence state. */
  presenceStateBytes: 1024,
  eventNameLength: 64,
} as const;

/** Channel names: letters, digits and `_ . : -`, 1 to 128 characters. */
export const CHANNEL_NAME = /^[A-Za-z0-9_.:-]{1,128}$/;
