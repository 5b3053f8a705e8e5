import type { EventName, EventPayload } from '@basalt/contracts';
import { EventBus, type EventHandler, type EventHandlerErrorListener, sharedPayload } from './event-bus.port.js';

export interface MemoryEventBusOptions {
  /** Told about every handler that throws or rejects; defaults to console.error. */
  onError?: EventHandlerErrorListener;
}

type AnyHandler = (payload: unknown) => void | Promise<void>;

/**
 * The embedded EventBus: one process, no transport. It behaves like the Redis driver on purpose:
 * payloads are JSON round-tripped and handlers run on a later turn of the event loop, so code
 * that only works with an in-process bus fails in tests too.
 */
export class MemoryEventBus extends EventBus {
  private readonly handlers = new Map<EventName, Set<AnyHandler>>();
  private readonly onError: EventHandlerErrorListener;
  private closed = false;

  constructor(options: MemoryEventBusOptions = {}) {
    super();
    this.onError = options.onError ?? ((err, eventName) => console.error(`event handler for ${eventName} failed`, err));
  }

  override async publish<N extends EventName>(name: N, payload: EventPayload<N>): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
    // Serialised now, so a publisher that mutates its object afterwards changes nothing.
    const json = JSON.stringify(payload);
    const handlers = this.handlers.get(name);
    if (!handlers) return;
    const subscribed = [...handlers];
    setImmediate(() => {
      // Unsubscribed between publish and delivery: like Redis, the message is not seen.
      const current = subscribed.filter((handler) => this.handlers.get(name)?.has(handler));
      if (current.length === 0) return;
      const payload = sharedPayload(json);
      for (const handler of current) void this.deliver(name, handler, payload);
    });
  }

  override subscribe<N extends EventName>(name: N, handler: EventHandler<N>): () => void {
    if (this.closed) throw new Error('event bus is closed');
    // A distinct wrapper per call, so subscribing the same function twice means two subscriptions.
    const entry: AnyHandler = (payload) => handler(payload as EventPayload<N>);
    let set = this.handlers.get(name);
    if (!set) this.handlers.set(name, (set = new Set()));
    set.add(entry);
    return () => {
      const current = this.handlers.get(name);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.handlers.delete(name);
    };
  }

  override async ping(): Promise<void> {
    if (this.closed) throw new Error('event bus is closed');
  }

  override async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }

  private async deliver(name: EventName, handler: AnyHandler, payload: unknown): Promise<void> {
    try {
      await handler(payload);
    } catch (err) {
      try {
        this.onError(err, name);
      } catch {
        // A failing logger must not turn into an unhandled rejection.
      }
    }
  }
}
