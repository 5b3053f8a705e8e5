import type { BaseRecord, Principal } from '@basalt/contracts';
import { AppError } from '../common/app-error.js';
import { GUEST as GUEST_AUTH, posts, schemas } from '../collections/query/testing/query-fixtures.js';
import type { CollectionSchema } from '../collections/schema/collection-schema.js';
import { type Judge, Subscription } from './subscription.js';

const ALICE = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
const BOB = '0192a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c';
const RULES = { list: null, view: 'published = true || author = @request.auth.id', create: null, update: null, delete: null };
const schema: CollectionSchema = { ...posts, rules: RULES };

const guest: Judge = { principal: { kind: 'guest', roles: [], scopes: [] }, auth: GUEST_AUTH, hidden: false };
const alice: Judge = { principal: { kind: 'user', id: ALICE, roles: [], scopes: [] }, auth: { id: ALICE, roles: [] }, hidden: false };
const admin: Judge = { principal: { kind: 'admin', id: 'a', roles: [], scopes: [] }, auth: GUEST_AUTH, hidden: true };
const now = new Date();
const noRelated = () => null;

function record(fields: Record<string, unknown>): BaseRecord {
  return { id: '0192a1b2-0000-7000-8000-000000000001', createdAt: now.toISOString(), updatedAt: now.toISOString(), ...fields } as BaseRecord;
}

function subscription(judge: Judge, spec: { filter?: string; id?: string } = {}, s: CollectionSchema = schema): Subscription {
  const sub = new Subscription({ subscriptionId: 's1', collection: s.name, ...spec });
  sub.compile(s, schemas, judge);
  return sub;
}

const sees = (sub: Subscription, judge: Judge, r: BaseRecord | null, s: CollectionSchema = schema) => sub.matches(r, s, schemas, judge, now, noRelated);

describe('Subscription', () => {
  it('applies the view rule for the subscriber: guests see published records, users their own too', () => {
    const pub = record({ published: true, author: BOB });
    const alicePrivate = record({ published: false, author: ALICE });
    const bobPrivate = record({ published: false, author: BOB });
    const g = subscription(guest);
    expect([pub, alicePrivate, bobPrivate].map((r) => sees(g, guest, r))).toEqual([true, false, false]);
    const a = subscription(alice);
    expect([pub, alicePrivate, bobPrivate].map((r) => sees(a, alice, r))).toEqual([true, true, false]);
  });

  it('ANDs the filter with the rule; a filter never widens what the rule allows', () => {
    const a = subscription(alice, { filter: 'score > 10 || published = false' });
    expect(sees(a, alice, record({ published: false, author: BOB, score: 50 }))).toBe(false);
    expect(sees(a, alice, record({ published: true, author: BOB, score: 50 }))).toBe(true);
    expect(sees(a, alice, record({ published: true, author: BOB, score: 5 }))).toBe(false);
  });

  it('lets admins bypass rules, even a null one, and filter on hidden fields', () => {
    const locked = { ...schema, rules: { ...RULES, view: null } };
    const sub = subscription(admin, { filter: "secret = 'x'" }, locked);
    expect(sees(sub, admin, record({ secret: 'x' }), locked)).toBe(true);
    expect(sees(sub, admin, record({ secret: 'y' }), locked)).toBe(false);
  });

  it.each<[string, Judge, Partial<CollectionSchema>, string | undefined, string]>([
    ['a null view rule for a user', alice, { rules: { ...RULES, view: null } }, undefined, 'forbidden'],
    ['a filter that does not parse', alice, {}, 'score >', 'invalid_filter'],
    ['a filter on a hidden field for a user', alice, {}, "secret = 'x'", 'invalid_filter'],
    ['a filter on an unknown field', guest, {}, 'nope = 1', 'invalid_filter'],
  ])('refuses %s', (_, judge, change, filter, code) => {
    const sub = new Subscription({ subscriptionId: 's', collection: 'posts', ...(filter !== undefined && { filter }) });
    expect(() => sub.compile({ ...schema, ...change }, schemas, judge)).toThrow(expect.objectContaining({ code }) as AppError);
  });

  it('follows only its record with an id', () => {
    const sub = subscription(admin, { id: '0192A1B2-0000-7000-8000-000000000001' });
    expect(sees(sub, admin, record({}))).toBe(true);
    expect(sees(sub, admin, { ...record({}), id: '0192a1b2-0000-7000-8000-000000000002' })).toBe(false);
    expect(sees(sub, admin, null)).toBe(false);
  });

  it('names the relations its rule and filter follow, and judges them with the related records', () => {
    const byName = { ...schema, rules: { ...RULES, view: "author.name = 'Alice'" } };
    const sub = subscription(guest, { filter: 'author.age > 20' }, byName);
    expect(sub.relations).toEqual(['author']);
    const r = record({ author: ALICE });
    expect(sub.matches(r, byName, schemas, guest, now, () => ({ id: ALICE, name: 'Alice', age: 30 }))).toBe(true);
    expect(sub.matches(r, byName, schemas, guest, now, () => ({ id: ALICE, name: 'Alice', age: 10 }))).toBe(false);
    expect(sub.matches(r, byName, schemas, guest, now, () => null)).toBe(false);
  });

  it('is current until the schema version or the principal changes', () => {
    const sub = subscription(alice);
    expect(sub.isCurrent(schema, alice)).toBe(true);
    expect(sub.isCurrent({ ...schema, version: schema.version + 1 }, alice)).toBe(false);
    const swapped: Judge = { ...alice, principal: { ...alice.principal } as Principal };
    expect(sub.isCurrent(schema, swapped)).toBe(false);
  });

  describe('verdictKey', () => {
    const bob: Judge = { principal: { kind: 'user', id: BOB, roles: [], scopes: [] }, auth: { id: BOB, roles: [] }, hidden: false };
    const key = (judge: Judge, spec: { filter?: string; id?: string } = {}, s: CollectionSchema = schema) => subscription(judge, spec, s).verdictKey(judge);

    it('is the same for two sockets of one user with the same subscription', () => {
      const otherSocket: Judge = { ...alice, principal: { ...alice.principal } as Principal, auth: { ...alice.auth } };
      expect(key(alice, { filter: 'score > 1' })).toBe(key(otherSocket, { filter: 'score > 1' }));
    });

    it.each<[string, () => string | undefined]>([
      ['another user', () => key(bob)],
      ['a guest', () => key(guest)],
      ['an admin (the rule bypassed, hidden fields seen)', () => key({ ...admin, auth: alice.auth })],
      ['another filter', () => key(alice, { filter: 'score > 1' })],
      ['one record', () => key(alice, { id: '0192a1b2-0000-7000-8000-000000000001' })],
      ['another schema version (another rule)', () => key(alice, {}, { ...schema, version: schema.version + 1 })],
      ['other values under @request.auth', () => key({ ...alice, auth: { ...alice.auth, roles: ['editor'] } })],
    ])('differs for %s', (_, other) => {
      expect(other()).not.toBe(key(alice));
    });

    it('follows the auth values the judge has now', () => {
      const judge: Judge = { ...alice, auth: { ...alice.auth } };
      const sub = subscription(judge);
      const before = sub.verdictKey(judge);
      judge.auth = { ...judge.auth, roles: ['editor'] };
      expect(sub.verdictKey(judge)).not.toBe(before);
    });

    it('is undefined for a subscription that follows relations (judged with its own related records)', () => {
      expect(key(guest, { filter: 'author.age > 20' })).toBeUndefined();
    });
  });
});
