import type { EventName, EventPayload } from '@basalt/contracts';

export type EventHandler<N extends EventName> = (payload: EventPayload<N>) => void | Promise<void>;

/** Where drivers report a handler that threw or rejected. */
export type EventHandlerErrorListener = (err: unknown, eventName: EventName) => void;

/**
 * Fire-and-forget fan-out to every process (at-most-once, no persistence).
 * Payloads are JSON round-tripped by every driver, so a handler never sees the publisher's object;
 * the handlers of one event in one process share one copy, frozen all the way down (`sharedPayload`),
 * so none can change what another sees. A handler that throws is logged and does not affect others.
 */
export abstract class EventBus {
  abstract publish<N extends EventName>(name: N, payload: EventPayload<N>): Promise<void>;
  /** Returns a function that removes the subscription. */
  abstract subscribe<N extends EventName>(name: N, handler: EventHandler<N>): () => void;
  /** Throws when the transport cannot be reached; used by readiness. */
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}

/**
 * What every handler of one delivered event gets: the payload parsed once and deeply frozen. A
 * record write reaches five handlers, each of which used to parse its own copy of it.
 */
export function sharedPayload(json: string): unknown {
  return deepFreeze(JSON.parse(json));
}

function deepFreeze(value: unknown): unknown {
  if (value !== null && typeof value === 'object') {
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}
