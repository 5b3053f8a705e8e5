import type { BaseRecord, Principal, RecordChangedEvent } from '@basalt/contracts';
import { pino } from 'pino';
import type { Socket } from 'socket.io';
import type { DataSource } from 'typeorm';
import { posts, users } from '../collections/query/testing/query-fixtures.js';
import type { CollectionSchema } from '../collections/schema/collection-schema.js';
import type { SchemaRegistry } from '../collections/schema/schema-registry.js';
import { MemoryEventBus } from '../infra/events/memory-event-bus.driver.js';
import { MemoryRealtimeAdapter } from '../infra/realtime/memory-realtime-adapter.driver.js';
import { ChangeDispatcher } from './change-dispatcher.js';
import { RealtimeHub } from './realtime-hub.js';
import type { RealtimeMetrics } from './realtime.metrics.js';
import { SocketSession } from './socket-session.js';
import { SubscriptionsService } from './subscriptions.service.js';

const ALICE = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const BOB = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const authUsers: CollectionSchema = { ...users, kind: 'auth' };
const postsSchema: CollectionSchema = { ...posts, rules: { list: null, view: 'published = true || author = @request.auth.id', create: null, update: null, delete: null } };

/** Everything the dispatcher touches, with a Socket.IO server double that records what it is asked to send. */
function setup(opts: { query?: DataSource['query'] } = {}) {
  const sent: Array<{ room: string; event: string; payload: any }> = [];
  const io = { to: (room: string) => ({ emit: (event: string, payload: unknown) => sent.push({ room, event, payload }) }) };
  const hub = new RealtimeHub(new MemoryRealtimeAdapter());
  hub.attachServer(io as never);
  const registry = { get: (name: string) => ({ posts: postsSchema, users: authUsers })[name as 'posts'], reload: async () => undefined } as unknown as SchemaRegistry;
  const log = pino({ level: 'silent' });
  const subscriptions = new SubscriptionsService(registry, hub, log);
  const dropped: string[] = [];
  const metrics = { dropped: (reason: string) => dropped.push(reason) } as unknown as RealtimeMetrics;
  const events = new MemoryEventBus();
  const ds = { query: opts.query ?? (async () => []) } as unknown as DataSource;
  const dispatcher = new ChangeDispatcher(events, registry, ds, hub, subscriptions, metrics, log);
  dispatcher.onModuleInit();
  let n = 0;
  const session = (principal: Principal) => {
    n += 1;
    const socket = {
      id: `s${n}`,
      data: {},
      connected: true,
      // `unauthorized` is acknowledged at once, as a client would.
      timeout: () => ({ emit: (...args: unknown[]) => (args[args.length - 1] as () => void)() }),
      disconnect: () => undefined,
    } as unknown as Socket;
    const s = new SocketSession(`s${n}`, socket, { principal, expiresAt: null }, { id: principal.id ?? '', roles: principal.roles });
    hub.add(s);
    return s;
  };
  /** Publishes and waits until the dispatcher has handled it (handlers run on a later turn). */
  const publish = async (e: RecordChangedEvent) => {
    await events.publish('record.changed', e);
    await new Promise((r) => setImmediate(r));
    await dispatcher['queue'];
  };
  return { sent, hub, subscriptions, session, publish, events, dropped, dispatcher };
}

const user = (id: string): Principal => ({ kind: 'user', id, roles: [], scopes: [] });
const rec = (fields: Record<string, unknown>): BaseRecord => ({ id: '0192a1b2-0000-7000-8000-0000000000aa', createdAt: 'x', updatedAt: 'x', ...fields }) as BaseRecord;
const changes = (sent: Array<{ event: string; payload: any }>) => sent.filter((s) => s.event === 'change').map((s) => [s.payload.action, s.payload.record, s.payload.seq]);

describe('ChangeDispatcher', () => {
  it('sends create, update and delete for a visible record, with hidden fields stripped and seq counting up', async () => {
    const t = setup();
    const alice = t.session(user(ALICE));
    t.subscriptions.subscribe(alice, { collection: 'posts' });
    const v1 = rec({ author: ALICE, secret: 's', title: 'a' });
    const v2: BaseRecord = { ...v1, title: 'b' };
    await t.publish({ collection: 'posts', action: 'create', before: null, after: v1 });
    await t.publish({ collection: 'posts', action: 'update', before: v1, after: v2 });
    await t.publish({ collection: 'posts', action: 'delete', before: v2, after: null });
    const { secret: _s, ...shown1 } = v1;
    const { secret: _t, ...shown2 } = v2;
    expect(changes(t.sent)).toEqual([
      ['create', shown1, 1],
      ['update', shown2, 2],
      ['delete', { id: v1.id }, 3],
    ]);
    expect(t.sent.every((s) => s.room === alice.sid)).toBe(true);
  });

  it('turns an update that leaves visibility into delete and one that enters into create; invisible ones send nothing', async () => {
    const t = setup();
    t.subscriptions.subscribe(t.session(user(ALICE)), { collection: 'posts' });
    const mine = rec({ author: ALICE });
    const bobs = { ...mine, author: BOB };
    await t.publish({ collection: 'posts', action: 'create', before: null, after: bobs });
    await t.publish({ collection: 'posts', action: 'update', before: bobs, after: mine });
    await t.publish({ collection: 'posts', action: 'update', before: mine, after: bobs });
    await t.publish({ collection: 'posts', action: 'update', before: bobs, after: { ...bobs, title: 'x' } });
    expect(changes(t.sent).map(([action]) => action)).toEqual(['create', 'delete']);
  });

  it('drops an event only for the subscription whose evaluation fails', async () => {
    const t = setup({ query: async () => Promise.reject(new Error('database gone')) });
    const alice = t.session(user(ALICE));
    const broken = t.subscriptions.subscribe(alice, { collection: 'posts', filter: "author.name = 'Alice'" });
    const fine = t.subscriptions.subscribe(alice, { collection: 'posts' });
    await t.publish({ collection: 'posts', action: 'create', before: null, after: rec({ author: ALICE }) });
    expect(t.sent.map((s) => s.payload.subscriptionId)).toEqual([fine]);
    expect(t.dropped).toEqual(['evaluation_failed']);
    expect(alice.subscriptions.has(broken)).toBe(true);
  });

  it('sees a change of the user record in @request.auth at the next event', async () => {
    const t = setup();
    const roleRule = { ...postsSchema, rules: { ...postsSchema.rules, view: "@request.auth.role = 'editor'" } };
    const registryGet = (name: string) => (name === 'posts' ? roleRule : authUsers);
    (t.subscriptions as unknown as { registry: { get: typeof registryGet } }).registry.get = registryGet;
    const alice = t.session(user(ALICE));
    t.subscriptions.subscribe(alice, { collection: 'posts' });
    await t.publish({ collection: 'posts', action: 'create', before: null, after: rec({}) });
    await t.publish({ collection: 'users', action: 'update', before: { id: ALICE } as BaseRecord, after: { id: ALICE, role: 'editor', roles: [] } as unknown as BaseRecord });
    await t.publish({ collection: 'posts', action: 'create', before: null, after: rec({ title: 'now' }) });
    expect(changes(t.sent).map(([, r]) => (r as { title?: string }).title)).toEqual(['now']);
  });

  it('ends the sessions of revoked session ids and forgets them', async () => {
    const t = setup();
    const kept = t.session({ ...user(ALICE), sessionId: 'keep' });
    const revoked = t.session({ ...user(ALICE), sessionId: 'gone' });
    await t.events.publish('session.revoked', { sessionIds: ['gone'], userId: ALICE });
    await new Promise((r) => setImmediate(r));
    expect(t.hub.get(revoked.sid)).toBeUndefined();
    expect(t.hub.get(kept.sid)).toBe(kept);
    t.dispatcher.onModuleDestroy();
  });
});
