import type { EventName, EventPayload } from '@basalt/contracts';

export type EventHandler<N extends EventName> = (payload: EventPayload<N>) => void | Promise<void>;

/** Where drivers report a handler that threw or rejected. */
export type EventHandlerErrorListener = (err: unknown, eventName: EventName) => void;

/**
 * Fire-and-forget fan-out to every process (at-most-once, no persistence).
 * Payloads are JSON round-tripped by every driver, so a handler never sees the publisher's object.
 * A handler that throws is logged and does not affect other handlers.
 */
export abstract class EventBus {
  abstract publish<N extends EventName>(name: N, payload: EventPayload<N>): Promise<void>;
  /** Returns a function that removes the subscription. */
  abstract subscribe<N extends EventName>(name: N, handler: EventHandler<N>): () => void;
  /** Throws when the transport cannot be reached; used by readiness. */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}
