import type { EventPayload } from '@basalt/contracts';
import type { EventBus } from '../../src/infra/events/event-bus.port.js';

/** Polls until `check` passes; events arrive asynchronously on every driver. */
export async function eventually(check: () => void, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/**
 * The EventBus contract, run against every driver. `makeBus` returns a fresh, connected bus;
 * the suite closes every bus it made.
 */
export function eventBusContract(makeBus: () => Promise<EventBus>): void {
  const opened: EventBus[] = [];
  const open = async (): Promise<EventBus> => {
    const bus = await makeBus();
    opened.push(bus);
    return bus;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((bus) => bus.close()));
  });

  it('delivers a published event to every handler of that event only', async () => {
    const bus = await open();
    const first: unknown[] = [];
    const second: unknown[] = [];
    const other: unknown[] = [];
    bus.subscribe('settings.changed', (p) => void first.push(p));
    bus.subscribe('settings.changed', (p) => void second.push(p));
    bus.subscribe('apiKey.revoked', (p) => void other.push(p));

    await bus.publish('settings.changed', { keys: ['smtp.host'] });

    await eventually(() => {
      expect(first).toEqual([{ keys: ['smtp.host'] }]);
      expect(second).toEqual([{ keys: ['smtp.host'] }]);
    });
    await bus.publish('apiKey.revoked', { id: 'k1' });
    await eventually(() => expect(other).toEqual([{ id: 'k1' }]));
    expect(first).toHaveLength(1);
  });

  it('never calls a handler synchronously inside publish()', async () => {
    const bus = await open();
    let calls = 0;
    bus.subscribe('apiKey.revoked', () => void calls++);

    const published = bus.publish('apiKey.revoked', { id: 'k1' });
    expect(calls).toBe(0);
    await published;
    await eventually(() => expect(calls).toBe(1));
  });

  it('JSON round-trips the payload: handlers share one frozen copy, a Date arrives as a string', async () => {
    const bus = await open();
    const at = new Date('2030-01-02T03:04:05.678Z');
    // The payload types only allow JSON; the cast shows what happens to a value that is not.
    const payload = { keys: ['a'], at } as unknown as EventPayload<'settings.changed'>;
    const received: unknown[] = [];
    bus.subscribe('settings.changed', (p) => void received.push(p));
    bus.subscribe('settings.changed', (p) => void received.push(p));

    await bus.publish('settings.changed', payload);
    payload.keys.push('mutated after publish');

    await eventually(() => expect(received).toHaveLength(2));
    expect(received[0]).toEqual({ keys: ['a'], at: '2030-01-02T03:04:05.678Z' });
    expect(received[0]).not.toBe(payload);
    // Parsed once for both handlers, and frozen all the way down, so neither can change what the other sees.
    expect(received[1]).toBe(received[0]);
    const shared = received[0] as { keys: string[] };
    expect(Object.isFrozen(shared) && Object.isFrozen(shared.keys)).toBe(true);
    expect(() => shared.keys.push('b')).toThrow(TypeError);
  });

  it('stops delivering to a handler once it is unsubscribed', async () => {
    const bus = await open();
    const removed: unknown[] = [];
    const kept: unknown[] = [];
    const unsubscribe = bus.subscribe('apiKey.revoked', (p) => void removed.push(p));
    bus.subscribe('apiKey.revoked', (p) => void kept.push(p));

    unsubscribe();
    unsubscribe(); // a second call is harmless
    await bus.publish('apiKey.revoked', { id: 'k1' });

    // Both handlers are dispatched together, so once `kept` has it `removed` would have too.
    await eventually(() => expect(kept).toHaveLength(1));
    expect(removed).toEqual([]);
  });

  it('delivers again after the last handler left and a new one subscribed', async () => {
    const bus = await open();
    bus.subscribe('apiKey.revoked', () => undefined)();
    const received: unknown[] = [];
    bus.subscribe('apiKey.revoked', (p) => void received.push(p));

    await bus.publish('apiKey.revoked', { id: 'k2' });

    await eventually(() => expect(received).toEqual([{ id: 'k2' }]));
  });

  it('keeps delivering to other handlers when one throws or rejects', async () => {
    const bus = await open();
    const received: unknown[] = [];
    bus.subscribe('apiKey.revoked', () => {
      throw new Error('handler failed');
    });
    bus.subscribe('apiKey.revoked', async () => {
      throw new Error('handler rejected');
    });
    bus.subscribe('apiKey.revoked', (p) => void received.push(p));

    await bus.publish('apiKey.revoked', { id: 'k1' });
    await bus.publish('apiKey.revoked', { id: 'k2' });

    await eventually(() => expect(received).toEqual([{ id: 'k1' }, { id: 'k2' }]));
  });

  it('answers ping while open', async () => {
    const bus = await open();
    await expect(bus.ping()).resolves.toBeUndefined();
  });

  it('refuses to publish once closed', async () => {
    const bus = await open();
    await bus.close();
    await expect(bus.publish('apiKey.revoked', { id: 'k1' })).rejects.toThrow();
  });
}
