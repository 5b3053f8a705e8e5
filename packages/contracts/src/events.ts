/** Every event on the EventBus and its payload. Names are past tense. */
export interface EventPayloads {
  'settings.changed': { keys: string[] };
  'apiKey.revoked': { id: string };
}
export type EventName = keyof EventPayloads;
export type EventPayload<N extends EventName> = EventPayloads[N];
