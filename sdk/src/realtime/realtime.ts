import type { BroadcastEvent, ErrorBody, PresenceEvent, RealtimeAck, ResyncEvent, UnsubscribedEvent } from '@basalt/contracts';
import { io, type Socket } from 'socket.io-client';
import { BasaltError } from '../errors';
import { ChannelClient } from './channel';

/** A change to a record you subscribed to; a delete carries only the id. */
export type RecordEvent<T> =
  | { action: 'create' | 'update'; record: T; seq: number; subscriptionId: string }
  | { action: 'delete'; record: { id: string }; seq: number; subscriptionId: string };

/** Socket.IO path of the realtime endpoint (REALTIME_PATH in the contracts; a type-only import keeps them out of the bundle). */
const REALTIME_PATH = '/realtime';

export interface Subscription {
  /** The server's id for it; changes after a reconnect that had to subscribe again. */
  readonly id: string;
  unsubscribe(): Promise<void>;
}

/** The handshake `auth` payload: a user/admin token, an API key, or nothing (guest). */
export type SocketAuth = { token: string } | { apiKey: string } | Record<string, never>;

type Ack = RealtimeAck<{ subscriptionId?: string; members?: unknown[] }>;

interface LiveSubscription {
  collection: string;
  filter?: string;
  id?: string;
  handler: (event: RecordEvent<unknown>) => void;
  onEnd?: (error: BasaltError) => void;
  serverId?: string;
  attaching?: Promise<void>;
  closed?: boolean;
}

const ACK_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 15_000;

/**
 * One Socket.IO connection (path `/realtime`) for every subscription and channel, opened on first
 * use. The handshake reads the current credentials each time, so a reconnect carries a fresh token;
 * a live socket gets new tokens through the `auth` event. When the server could not restore the
 * session (restart, long outage), every subscription and channel is set up again.
 */
export class Realtime {
  private socket?: Socket;
  private readonly subs = new Set<LiveSubscription>();
  private readonly byServerId = new Map<string, LiveSubscription>();
  private readonly channels = new Map<string, ChannelClient>();
  private readonly resyncListeners = new Set<() => void>();
  /** The user token the last handshake carried (undefined: it carried none). */
  private handshakeToken?: string;
  /** A token change (new token, or null: signed out) that came while a handshake was under way. */
  private missedToken?: string | null;

  constructor(
    private readonly url: string,
    private readonly credentials: () => Promise<SocketAuth>,
    private readonly onAuthFailure: () => Promise<void>,
  ) {}

  /** The socket, connecting it if needed (for events the SDK does not wrap). */
  connect(): Socket {
    if (this.socket) return this.socket;
    const socket = io(this.url, {
      path: REALTIME_PATH,
      transports: ['websocket'],
      auth: (cb) => {
        // The credentials are read now: a change from here to 'connect' is handed over once connected.
        this.missedToken = undefined;
        void this.credentials().then(
          (auth) => {
            this.handshakeToken = 'token' in auth ? auth.token : undefined;
            cb(auth);
          },
          () => {
            this.handshakeToken = undefined;
            cb({});
          },
        );
      },
    });
    socket.on('connect', () => {
      this.catchUpToken(socket);
      void this.restore(socket);
    });
    // A refusal at the handshake (e.g. an expired token) or a disconnect by the server (token expired or
    // revoked on a live socket) stops Socket.IO's own retries: renew the credentials and connect again.
    const reconnect = () => setTimeout(() => void this.onAuthFailure().finally(() => this.socket === socket && !socket.connected && socket.connect()), 1000);
    socket.on('connect_error', () => {
      if (!socket.active) reconnect();
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') reconnect();
    });
    socket.on('change', (e: RecordEvent<unknown>) => this.byServerId.get(e.subscriptionId)?.handler(e));
    socket.on('unsubscribed', (e: UnsubscribedEvent) => {
      const sub = this.byServerId.get(e.subscriptionId);
      if (!sub) return;
      sub.closed = true;
      this.subs.delete(sub);
      this.byServerId.delete(e.subscriptionId);
      sub.onEnd?.(BasaltError.fromBody(e.error, e.error.status));
    });
    socket.on('resync', (_e: ResyncEvent) => {
      for (const l of this.resyncListeners) l();
    });
    socket.on('broadcast', (m: BroadcastEvent) => this.channels.get(m.channel)?.dispatch('broadcast', m));
    socket.on('presence', (p: PresenceEvent) => this.channels.get(p.channel)?.dispatch('presence', p));
    this.socket = socket;
    return socket;
  }

  get connected(): boolean {
    return this.socket?.connected ?? false;
  }

  /**
   * Called when the server could not restore this client's session after a reconnect: changes made
   * meanwhile were missed (subscriptions are set up again by the SDK; reload what you show).
   */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  async subscribe<T>(collection: string, opts: { filter?: string; id?: string; onEnd?: (error: BasaltError) => void }, handler: (event: RecordEvent<T>) => void): Promise<Subscription> {
    const sub: LiveSubscription = { collection, filter: opts.filter, id: opts.id, onEnd: opts.onEnd, handler: handler as LiveSubscription['handler'] };
    const socket = this.connect();
    this.subs.add(sub);
    try {
      await this.whenConnected(socket);
      await this.ensureAttached(socket, sub);
    } catch (e) {
      this.subs.delete(sub);
      throw e;
    }
    return {
      get id() {
        return sub.serverId ?? '';
      },
      unsubscribe: async () => {
        sub.closed = true;
        this.subs.delete(sub);
        if (sub.serverId) {
          this.byServerId.delete(sub.serverId);
          if (socket.connected) await this.request(socket, 'unsubscribe', { subscriptionId: sub.serverId });
        }
      },
    };
  }

  /** A broadcast/presence channel; `join` it to receive. */
  channel(name: string): ChannelClient {
    let ch = this.channels.get(name);
    if (!ch) {
      ch = new ChannelClient(name, {
        socket: () => this.connect(),
        whenConnected: (s) => this.whenConnected(s),
        request: (s, event, payload) => this.request(s, event, payload),
        forget: () => this.channels.delete(name),
      });
      this.channels.set(name, ch);
    }
    return ch;
  }

  /** Hands a new access token to the live socket (called by the SDK after each refresh). */
  swapToken(token: string | null): void {
    const socket = this.socket;
    if (!socket) return;
    if (socket.connected) this.handOver(socket, token);
    // Mid-handshake, the socket may be authenticating with the token before this one.
    else this.missedToken = token;
  }

  /** A token that changed while the socket was connecting, unless the handshake already carried it. */
  private catchUpToken(socket: Socket): void {
    const token = this.missedToken;
    this.missedToken = undefined;
    if (token !== undefined && token !== (this.handshakeToken ?? null)) this.handOver(socket, token);
  }

  private handOver(socket: Socket, token: string | null): void {
    if (token) socket.emit('auth', { token });
    else {
      // Signed out: start over as a guest so nothing keeps the old user's rights.
      socket.disconnect();
      socket.connect();
    }
  }

  /** Closes the socket; subscriptions stop. */
  close(): void {
    this.socket?.disconnect();
    this.socket = undefined;
    this.subs.clear();
    this.byServerId.clear();
    this.channels.clear();
  }

  private async restore(socket: Socket): Promise<void> {
    if (socket.recovered) return; // the server kept our subscriptions and replayed what we missed
    this.byServerId.clear();
    for (const sub of this.subs) sub.serverId = undefined;
    for (const sub of this.subs) await this.ensureAttached(socket, sub).catch(() => undefined);
    for (const ch of this.channels.values()) await ch.rejoin().catch(() => undefined);
  }

  /** One subscribe request per subscription at a time (the connect handler and subscribe() may both ask). */
  private ensureAttached(socket: Socket, sub: LiveSubscription): Promise<void> {
    if (sub.serverId) return Promise.resolve();
    sub.attaching ??= this.attach(socket, sub).finally(() => (sub.attaching = undefined));
    return sub.attaching;
  }

  private async attach(socket: Socket, sub: LiveSubscription): Promise<void> {
    const payload: Record<string, string> = { collection: sub.collection };
    if (sub.filter) payload.filter = sub.filter;
    if (sub.id) payload.id = sub.id;
    const ack = await this.request(socket, 'subscribe', payload);
    const serverId = String(ack.subscriptionId);
    if (sub.closed) {
      await this.request(socket, 'unsubscribe', { subscriptionId: serverId }).catch(() => undefined);
      return;
    }
    sub.serverId = serverId;
    this.byServerId.set(serverId, sub);
  }

  private async request(socket: Socket, event: string, payload: unknown): Promise<Exclude<Ack, { ok: false }>> {
    let ack: Ack;
    try {
      ack = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload)) as Ack;
    } catch (e) {
      throw new BasaltError(0, 'network_error', `realtime: no answer to ${event}`, undefined, undefined, { cause: e });
    }
    if (!ack || ack.ok !== true) {
      const error = (ack as { error?: ErrorBody } | undefined)?.error;
      throw error ? BasaltError.fromBody(error, error.status ?? 400) : new BasaltError(0, 'invalid_response', `realtime: bad answer to ${event}`);
    }
    return ack;
  }

  private whenConnected(socket: Socket): Promise<void> {
    if (socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.off('connect', onConnect);
        reject(new BasaltError(0, 'network_error', 'realtime: could not connect'));
      }, CONNECT_TIMEOUT_MS);
      const onConnect = () => {
        clearTimeout(timer);
        resolve();
      };
      socket.once('connect', onConnect);
    });
  }
}

export type { BroadcastEvent, PresenceEvent };
