import { REALTIME_PATH, REALTIME_RECOVERY_WINDOW_MS, type RealtimeAck } from '@basalt/contracts';
import { Inject } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Logger } from 'pino';
import type { Server, Socket } from 'socket.io';
import { LOGGER } from '../common/logger.js';
import type { AuthValues } from '../collections/query/filter-context.js';
import { RecordsService } from '../collections/records/records.service.js';
import { Errors } from '../common/app-error.js';
import { EventBus } from '../infra/events/event-bus.port.js';
import { RealtimeAdapter } from '../infra/realtime/realtime-adapter.port.js';
import { ChannelsService } from './channels.service.js';
import { errorAck, errorBodyOf, RealtimeErrors } from './realtime.errors.js';
import { RealtimeHub } from './realtime-hub.js';
import { parseAuth, parseBroadcast, parseJoin, parseLeave, parseSubscribe, parseUnsubscribe } from './realtime-requests.js';
import { SocketCredentials, type SocketIdentity } from './socket-credentials.js';
import { memberOf, type RecoverableData, SocketSession } from './socket-session.js';
import { SubscriptionsService } from './subscriptions.service.js';

/** Disconnect reasons after which Socket.IO keeps the session for recovery (socket.io's own list). */
const RECOVERABLE = new Set(['transport error', 'transport close', 'forced close', 'ping timeout', 'server shutting down', 'forced server close']);

/** How long a session resumed on a new node waits for the old node's last seq (none comes if that node is gone). */
const HANDOVER_WAIT_MS = 2000;

interface Handshake {
  identity: SocketIdentity;
  auth: AuthValues;
}

/**
 * The Socket.IO endpoint at /realtime, on the API's own HTTP server. The handshake resolves the
 * socket's principal (a bad credential is refused with connect_error, never downgraded to guest);
 * each client message answers with an ack `{ok:true,...}` or `{ok:false, error}` in the API error shape.
 */
@WebSocketGateway({
  path: REALTIME_PATH,
  serveClient: false,
  // Socket.IO's own origin check: any origin, no cookies (credentials travel in `auth`).
  cors: { origin: true, credentials: false },
  connectionStateRecovery: { maxDisconnectionDuration: REALTIME_RECOVERY_WINDOW_MS, skipMiddlewares: false },
})
export class RealtimeGateway implements OnGatewayInit<Server>, OnGatewayConnection<Socket> {
  private readonly handshakes = new WeakMap<Socket, Handshake>();

  constructor(
    private readonly adapter: RealtimeAdapter,
    private readonly hub: RealtimeHub,
    private readonly credentials: SocketCredentials,
    private readonly records: RecordsService,
    private readonly subscriptions: SubscriptionsService,
    private readonly channels: ChannelsService,
    private readonly events: EventBus,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  afterInit(io: Server): void {
    const factory = this.adapter.factory();
    if (factory) io.adapter(factory);
    this.hub.attachServer(io);
    // Runs on every connection, a resumed one too (skipMiddlewares: false): a revoked credential cannot resume.
    io.use((socket, next) => {
      this.authenticate(socket).then(
        () => next(),
        (err: unknown) => {
          const body = errorBodyOf(err);
          if (body.code === 'internal') this.log.error({ err }, 'realtime handshake failed');
          next(Object.assign(new Error(body.message), { data: body }));
        },
      );
    });
  }

  handleConnection(socket: Socket): void {
    const handshake = this.handshakes.get(socket);
    this.handshakes.delete(socket);
    if (!handshake) {
      socket.disconnect(true);
      return;
    }
    socket.on('disconnect', (reason: string) => this.disconnected(socket, reason));
    this.bindMessages(socket);
    const kept = this.hub.get(socket.id);
    if (socket.recovered && kept?.detached) {
      // Resumed on the node that kept the session through the gap: same subscriptions, same seq.
      kept.attach(socket);
      this.start(kept, handshake);
      this.subscriptions.recompileAll(kept);
    } else if (socket.recovered) {
      // Resumed on another node: rebuild from the recovered socket data, and let the old node let go.
      const session = new SocketSession(socket.id, socket, handshake.identity, handshake.auth);
      session.resuming = true;
      session.hold(HANDOVER_WAIT_MS);
      this.start(session, handshake);
      this.subscriptions.restore(session, (socket.data as RecoverableData).subscriptions ?? []);
      void this.events.publish('realtime.resumed', { socketId: socket.id }).catch((err: unknown) => {
        // Without the announcement nobody hands over: judge from now on with the recovered seq.
        this.log.warn({ err }, 'could not announce a resumed socket');
        session.resuming = false;
        session.release(null);
      });
    } else {
      socket.data = { subscriptions: [], seq: 0, channels: {}, member: memberOf(socket.id, handshake.identity.principal) } satisfies RecoverableData;
      this.start(new SocketSession(socket.id, socket, handshake.identity, handshake.auth), handshake);
      // The client had a session (Socket.IO sends its pid) that could not be recovered: it missed events.
      if (hadSession(socket.handshake.auth)) socket.emit('resync', { reason: 'session_expired' });
    }
    if (socket.recovered) this.channels.announceRejoined(socket);
  }

  /**
   * Client messages, bound per socket rather than with @SubscribeMessage: the app's global HTTP
   * guard and validation pipe must not run on socket messages, and every message, failures
   * included, must answer with an ack in the API error shape.
   */
  private readonly messages: Record<string, (session: SocketSession, body: unknown) => object | Promise<object>> = {
    subscribe: (session, body) => ({ subscriptionId: this.subscriptions.subscribe(session, parseSubscribe(body)) }),
    unsubscribe: (session, body) => {
      this.subscriptions.unsubscribe(session, parseUnsubscribe(body).subscriptionId);
      return {};
    },
    // Swaps the credential (e.g. a refreshed access token); a bad one is refused and the old one stays.
    auth: async (session, body) => {
      const identity = await this.credentials.resolve(parseAuth(body));
      const scope = await this.records.scope(identity.principal);
      this.start(session, { identity, auth: scope.auth });
      this.subscriptions.recompileAll(session);
      return { kind: identity.principal.kind, userId: identity.principal.kind === 'user' ? (identity.principal.id ?? null) : null };
    },
    join: async (session, body) => ({ members: await this.channels.join(session.socket!, parseJoin(body)) }),
    leave: (session, body) => {
      this.channels.leave(session.socket!, parseLeave(body).channel);
      return {};
    },
    broadcast: (session, body) => {
      this.channels.broadcast(session.socket!, parseBroadcast(body));
      return {};
    },
  };

  private bindMessages(socket: Socket): void {
    for (const [event, work] of Object.entries(this.messages)) {
      socket.on(event, (...args: unknown[]) => {
        const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (answer: RealtimeAck) => void) : undefined;
        void this.handle(socket, (session) => work(session, args[0])).then((answer) => ack?.(answer));
      });
    }
  }

  private async authenticate(socket: Socket): Promise<void> {
    const identity = await this.credentials.fromHandshake(socket.handshake.auth);
    const scope = await this.records.scope(identity.principal);
    this.handshakes.set(socket, { identity, auth: scope.auth });
  }

  private start(session: SocketSession, { identity, auth }: Handshake): void {
    session.setIdentity(identity, auth, () => this.hub.end(session, errorBodyOf(Errors.unauthorized('your token expired; connect again with a fresh one'))));
    this.hub.add(session);
  }

  private disconnected(socket: Socket, reason: string): void {
    this.channels.announceLeft(socket.data as RecoverableData);
    const session = this.hub.get(socket.id);
    if (!session || session.socket !== socket) return;
    if (RECOVERABLE.has(reason)) session.detach(REALTIME_RECOVERY_WINDOW_MS, () => this.hub.remove(session));
    else this.hub.remove(session);
  }

  /** Rate limit, run, and answer with an ack in the API error shape whatever happens. */
  private async handle(socket: Socket, work: (session: SocketSession) => object | Promise<object>): Promise<RealtimeAck> {
    try {
      const session = this.hub.get(socket.id);
      if (!session || session.socket !== socket) throw Errors.unauthorized('this socket has no session; connect again');
      if (!session.rate.take()) throw RealtimeErrors.rateLimited(session.rate.perSecond);
      return { ok: true, ...(await work(session)) };
    } catch (err) {
      const ack = errorAck(err);
      if (ack.error.code === 'internal') this.log.error({ err }, 'realtime message failed');
      return ack;
    }
  }
}

function hadSession(auth: unknown): boolean {
  return typeof auth === 'object' && auth !== null && typeof (auth as { pid?: unknown }).pid === 'string';
}
