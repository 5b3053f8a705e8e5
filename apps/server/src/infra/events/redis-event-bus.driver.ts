import type { EventName, EventPayload } from '@basalt/contracts';
import { Redis } from 'ioredis';
import { EventBus, type EventHandler, type EventHandlerErrorListener, sharedPayload } from './event-bus.port.js';

export interface RedisEventBusOptions {
  url: string;
  /** Namespaces the channels (`<prefix>:events:<name>`), so several deployments can share one Redis. */
  prefix: string;
  /** How long publish() and ping() wait for Redis before they reject. Default 2000 ms. */
  timeoutMs?: number;
  /** Told about every handler that throws or rejects; defaults to console.error. */
  onError?: EventHandlerErrorListener;
  /** Told once per outage and connection when Redis cannot be reached; defaults to console.warn. */
  onConnectionError?: (err: Error, connection: 'publisher' | 'subscriber') => void;
}

type AnyHandler = (payload: unknown) => void | Promise<void>;

/**
 * ioredis keeps a timer this long after disconnect() even when the socket is already gone (as
 * during an outage); its 2 s default would hold a closing process open for nothing.
 */
const DISCONNECT_TIMEOUT_MS = 100;

/**
 * The scaled EventBus: Redis pub/sub with one publishing and one subscribing connection.
 * Every process, this one included, receives an event through Redis, so a node never sees
 * its own events earlier or differently from the others.
 */
export class RedisEventBus extends EventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channelPrefix: string;
  private readonly timeoutMs: number;
  private readonly onError: EventHandlerErrorListener;
  private readonly onConnectionError: NonNullable<RedisEventBusOptions['onConnectionError']>;
  private readonly handlers = new Map<EventName, Set<AnyHandler>>();
  /** SUBSCRIBE/UNSUBSCRIBE commands not yet acknowledged. */
  private readonly pendingSubscriptions = new Set<Promise<void>>();
  private readonly readyWaits = new Map<Redis, Promise<void>>();
  private closed = false;

  constructor(options: RedisEventBusOptions) {
    super();
    this.channelPrefix = `${options.prefix}:events:`;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.onError = options.onError ?? ((err, eventName) => console.error(`event handler for ${eventName} failed`, err));
    this.onConnectionError =
      options.onConnectionError ?? ((err, connection) => console.warn(`event bus: redis ${connection} connection failed: ${err.message}`));

    // Events are fire-and-forget: while Redis is away a publish fails instead of waiting in a
    // queue, and one left unanswered by a dropped connection is not sent again on reconnect.
    // Publishes of concurrent requests issued in the same tick go out in one write (auto-pipelining).
    this.publisher = new Redis(options.url, {
      enableAutoPipelining: true,
      disconnectTimeout: DISCONNECT_TIMEOUT_MS,
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      commandTimeout: this.timeoutMs,
    });
    // The subscriber keeps its (UN)SUBSCRIBE commands until Redis is back, and ioredis
    // re-subscribes every channel after a reconnect, so subscriptions survive an outage.
    this.subscriber = new Redis(options.url, { disconnectTimeout: DISCONNECT_TIMEOUT_MS, maxRetriesPerRequest: null });
    this.watch(this.publisher, 'publisher');
    this.watch(this.subscriber, 'subscriber');
    this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /**
   * Waits (within the timeout) for this bus's own pending subscriptions first, so a handler
   * subscribed before publish() is called sees the event, as with the memory driver.
   */
  override async publish<N extends EventName>(name: N, payload: EventPayload<N>): Promise<void> {
    this.assertOpen();
    const message = JSON.stringify(payload);
    // Waiting costs a timer and a few promises per event: only when there is something to wait for.
    if (this.pendingSubscriptions.size > 0 || this.publisher.status !== 'ready') {
      await this.withTimeout(Promise.all([this.subscriptionsSettled(), this.whenReady(this.publisher)]));
    }
    await this.publisher.publish(this.channel(name), message);
  }

  override subscribe<N extends EventName>(name: N, handler: EventHandler<N>): () => void {
    this.assertOpen();
    // A distinct wrapper per call, so subscribing the same function twice means two subscriptions.
    const entry: AnyHandler = (payload) => handler(payload as EventPayload<N>);
    let set = this.handlers.get(name);
    if (!set) {
      set = new Set();
      this.handlers.set(name, set);
      this.track(this.subscriber.subscribe(this.channel(name)));
    }
    set.add(entry);
    const own = set;
    return () => {
      if (this.closed || this.handlers.get(name) !== own || !own.delete(entry) || own.size > 0) return;
      this.handlers.delete(name);
      this.track(this.subscriber.unsubscribe(this.channel(name)));
    };
  }

  /** Resolves once both connections answer PING and this bus's subscriptions are in place. */
  override async ping(): Promise<void> {
    this.assertOpen();
    await this.withTimeout(
      Promise.all([
        this.subscriptionsSettled(),
        this.whenReady(this.publisher).then(() => this.publisher.ping()),
        // Sent after the SUBSCRIBE that ioredis replays on reconnect, so its answer means the
        // subscriptions are back, not only the socket.
        this.whenReady(this.subscriber).then(() => this.subscriber.ping()),
      ]),
    );
  }

  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await Promise.all([shutdown(this.publisher), shutdown(this.subscriber)]);
  }

  private channel(name: EventName): string {
    return this.channelPrefix + name;
  }

  private dispatch(channel: string, message: string): void {
    if (!channel.startsWith(this.channelPrefix)) return;
    const name = channel.slice(this.channelPrefix.length) as EventName;
    const set = this.handlers.get(name);
    if (!set) return;
    let payload: unknown;
    try {
      payload = sharedPayload(message);
    } catch (err) {
      // Not JSON (another client published on our channel): no handler can be given it.
      this.report(err, name);
      return;
    }
    for (const handler of [...set]) void this.deliver(name, handler, payload);
  }

  private async deliver(name: EventName, handler: AnyHandler, payload: unknown): Promise<void> {
    try {
      await handler(payload);
    } catch (err) {
      this.report(err, name);
    }
  }

  private report(err: unknown, name: EventName): void {
    try {
      this.onError(err, name);
    } catch {
      // A failing logger must not turn into an unhandled rejection.
    }
  }

  private track(command: Promise<unknown>): void {
    const settled = command.then(
      () => undefined,
      (err: unknown) => {
        if (!this.closed) this.onConnectionError(err instanceof Error ? err : new Error(String(err)), 'subscriber');
      },
    );
    this.pendingSubscriptions.add(settled);
    void settled.then(() => this.pendingSubscriptions.delete(settled));
  }

  private async subscriptionsSettled(): Promise<void> {
    await Promise.all(this.pendingSubscriptions);
  }

  /** Waits for a connection without queueing a command on it. */
  private whenReady(connection: Redis): Promise<void> {
    if (connection.status === 'ready') return Promise.resolve();
    // One shared listener however many callers wait, so an outage does not pile up listeners.
    let wait = this.readyWaits.get(connection);
    if (!wait) {
      wait = new Promise<void>((resolve) => {
        connection.once('ready', () => {
          this.readyWaits.delete(connection);
          resolve();
        });
      });
      this.readyWaits.set(connection, wait);
    }
    return wait;
  }

  private async withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`redis did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reports the first error of an outage only; ioredis retries (and fails) every few seconds. */
  private watch(connection: Redis, role: 'publisher' | 'subscriber'): void {
    let reported = false;
    connection.on('error', (err: Error) => {
      if (reported || this.closed) return;
      reported = true;
      this.onConnectionError(err, role);
    });
    connection.on('ready', () => {
      reported = false;
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event bus is closed');
  }
}

async function shutdown(connection: Redis): Promise<void> {
  if (connection.status !== 'ready') {
    connection.disconnect();
    // Outlive ioredis's disconnect timer, so nothing of this bus is left once close() resolves.
    await new Promise((resolve) => setTimeout(resolve, DISCONNECT_TIMEOUT_MS + 10));
    return;
  }
  try {
    await connection.quit();
  } catch {
    connection.disconnect();
  }
}
