/** Every event on the EventBus and its payload. Names are past tense. */
import type { BaseRecord, RecordAction } from './collections';

/** After commit. `before` is null on create, `after` is null on delete. Hidden fields included: subscribers strip them. */
export interface RecordChangedEvent {
  collection: string;
  action: RecordAction;
  before: BaseRecord | null;
  after: BaseRecord | null;
}

export interface EventPayloads {
  'record.changed': RecordChangedEvent;
  /** A collection's schema or rules changed (caches of compiled rules drop it). */
  'collection.changed': { name: string; previousName?: string; deleted?: boolean };
  'settings.changed': { keys: string[] };
  'apiKey.revoked': { id: string };
  /** Sessions ended early (logout, revoke, password change, reuse detected); caches drop them at once. */
  'session.revoked': { sessionIds: string[]; userId: string };
  /** A realtime socket resumed (connection state recovery) on some node: any other node stops serving it. */
  'realtime.resumed': { socketId: string };
  /** The node that kept a resumed socket's session hands over its last `seq`, so numbering goes on without repeats. */
  'realtime.handedOver': { socketId: string; seq: number };
}
export type EventName = keyof EventPayloads;
export type EventPayload<N extends EventName> = EventPayloads[N];
