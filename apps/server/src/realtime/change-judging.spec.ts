import { jest } from '@jest/globals';
import type { BaseRecord, Principal, RecordChangedEvent } from '@basalt/contracts';
import type { Socket } from 'socket.io';
import { posts, schemas } from '../collections/query/testing/query-fixtures.js';
import type { CollectionSchema } from '../collections/schema/collection-schema.js';
import { ChangeJudging, NOTHING_RELATED } from './change-judging.js';
import { SocketSession } from './socket-session.js';
import { Subscription } from './subscription.js';

const ALICE = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const BOB = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const schema: CollectionSchema = { ...posts, rules: { list: null, view: 'published = true || author = @request.auth.id', create: null, update: null, delete: null } };
const at = new Date().toISOString();

function record(fields: Record<string, unknown>): BaseRecord {
  return { id: '0192a1b2-0000-7000-8000-000000000001', createdAt: at, updatedAt: at, title: 't', ...fields } as BaseRecord;
}

let n = 0;
/** A socket's session as the gateway makes it, with one subscription compiled for it. */
function subscribed(userId: string, spec: { filter?: string } = {}): { session: SocketSession; sub: Subscription } {
  n += 1;
  const principal: Principal = { kind: 'user', id: userId, roles: [], scopes: [] };
  const session = new SocketSession(`s${n}`, { id: `s${n}`, data: {} } as unknown as Socket, { principal, expiresAt: null }, { id: userId, roles: [] });
  const sub = new Subscription({ subscriptionId: `sub${n}`, collection: 'posts', ...spec });
  sub.compile(schema, schemas, session);
  session.subscriptions.set(sub.id, sub);
  return { session, sub };
}

const update = (before: BaseRecord, after: BaseRecord): RecordChangedEvent => ({ collection: 'posts', action: 'update', before, after }) as RecordChangedEvent;

describe('ChangeJudging', () => {
  it('judges each verdict key once per change, however many sockets share it', () => {
    const sockets = [subscribed(ALICE), subscribed(ALICE), subscribed(ALICE)];
    const judged = sockets.map(({ sub }) => jest.spyOn(sub, 'matches'));
    const judging = new ChangeJudging(update(record({ published: false, author: BOB }), record({ published: true, author: BOB })), schema, schemas);
    const deliveries = sockets.map(({ session, sub }) => judging.delivery(session, sub, NOTHING_RELATED));
    expect(deliveries.map((d) => d?.action)).toEqual(['create', 'create', 'create']);
    expect(judged.map((spy) => spy.mock.calls.length)).toEqual([2, 0, 0]);
    // Each socket still gets its own delivery: its session and its subscription id.
    expect(deliveries.map((d) => [d?.session, d?.subscriptionId])).toEqual(sockets.map(({ session, sub }) => [session, sub.id]));
  });

  it('never gives one user the verdict of another', () => {
    const [alice, bob, aliceAgain] = [subscribed(ALICE), subscribed(BOB), subscribed(ALICE)];
    const judging = new ChangeJudging(update(record({ published: false, author: BOB }), record({ published: false, author: ALICE })), schema, schemas);
    const actions = [alice, bob, aliceAgain].map(({ session, sub }) => judging.delivery(session, sub, NOTHING_RELATED)?.action ?? null);
    // Alice's private draft (it was Bob's): she now sees it, he no longer does.
    expect(actions).toEqual(['create', 'delete', 'create']);
  });

  it('judges the same user with another filter on its own', () => {
    const [all, high] = [subscribed(ALICE), subscribed(ALICE, { filter: 'score > 10' })];
    const judging = new ChangeJudging(update(record({ published: true, score: 1 }), record({ published: true, score: 5 })), schema, schemas);
    expect([all, high].map(({ session, sub }) => judging.delivery(session, sub, NOTHING_RELATED)?.action ?? null)).toEqual(['update', null]);
  });

  it('presents the record once for every socket that sees it', () => {
    const sockets = [subscribed(ALICE), subscribed(BOB)];
    const judging = new ChangeJudging(update(record({ published: true }), record({ published: true, title: 'new' })), schema, schemas);
    const [a, b] = sockets.map(({ session, sub }) => judging.delivery(session, sub, NOTHING_RELATED));
    expect(a?.record).toMatchObject({ title: 'new' });
    expect(a?.record).toBe(b?.record);
  });
});
