import type { AuthUser, Principal } from '@basalt/contracts';
import type { EntityManager } from 'typeorm';
import type { RecordsService, Tx } from '../../collections/records/records.service.js';
import type { AuthService } from '../auth.service.js';
import type { CredentialsRepository } from '../credentials.repository.js';
import type { OneTimeTokens } from '../one-time-tokens.repository.js';
import type { SessionsService } from '../sessions.service.js';
import type { UsersGateway } from '../users.gateway.js';
import { AdminUsersService } from './admin-users.service.js';

const ID = '01930000-0000-7000-8000-00000000000a';
const EM = { name: 'tx-manager' } as unknown as EntityManager;

function user(fields: Partial<AuthUser> = {}): AuthUser {
  return { id: ID, createdAt: '', updatedAt: '', email: 'ann@example.com', emailVerified: true, name: 'Ann', avatar: null, roles: [], anonymous: false, disabled: false, lastLoginAt: null, ...fields };
}

/** Typed doubles that write what they are asked into one log, `commit`/`rollback` included. */
function setup(existing: AuthUser | null = user()) {
  const log: string[] = [];
  const calls: Record<string, unknown[]> = {};
  const record = (name: string, ...args: unknown[]) => {
    log.push(name);
    calls[name] = args;
  };
  const transaction = async <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
    try {
      const result = await work({ em: EM, events: [], afterCommit: [] });
      log.push('commit');
      return result;
    } catch (e) {
      log.push('rollback');
      throw e;
    }
  };
  const users = {
    byId: async () => existing,
    create: async (_tx: Tx, fields: Record<string, unknown>) => (record('users.create', fields), user({ ...fields } as Partial<AuthUser>)),
    update: async (tx: Tx, id: string, fields: Record<string, unknown>) => (record('users.update', id, fields, tx.em), user({ ...fields } as Partial<AuthUser>)),
    transaction,
  } as unknown as UsersGateway;
  const records = {
    list: async (...args: unknown[]) => (record('records.list', ...args), { items: [], limit: 30, nextCursor: null }),
    transaction,
    scope: async (p: Principal) => ({ principal: p }),
    collection: (name: string) => ({ name }),
    write: async (_tx: Tx, scope: { principal: Principal }, schema: { name: string }, w: unknown) => record('records.write', scope.principal, schema.name, w),
  } as unknown as RecordsService;
  const credentials = { set: async (id: string, hash: string, em?: EntityManager) => record('credentials.set', id, hash, em) } as unknown as CredentialsRepository;
  const sessions = {
    revokeAll: async (id: string, reason: string, exceptId?: string, em?: EntityManager) => record(`sessions.revokeAll:${reason}`, id, exceptId, em),
    list: async () => [],
  } as unknown as SessionsService;
  const auth = {
    checkPassword: async (p: unknown) => {
      record('auth.checkPassword', p);
      if (typeof p !== 'string' || p.length < 8) throw Object.assign(new Error('too short'), { code: 'validation_failed' });
    },
  } as unknown as AuthService;
  const tokens = { invalidate: async (kind: string, id: string) => record(`tokens.invalidate:${kind}`, id) } as unknown as OneTimeTokens;
  const service = new AdminUsersService(users, records, credentials, sessions, auth, tokens);
  return { service, log, calls };
}

describe('AdminUsersService', () => {
  it('lists as the system, so a users:manage key needs no records scope, with the default limit', async () => {
    const { service, calls } = setup();
    await service.list({ filter: "name = 'x'" });
    const [principal, collection, query] = calls['records.list']!;
    expect(principal).toMatchObject({ kind: 'admin', scopes: ['*'] });
    expect([collection, query]).toEqual(['users', { filter: "name = 'x'", limit: 30 }]);
  });

  it('creates with a lower-cased email and stores the password hash in the same transaction', async () => {
    const { service, log, calls } = setup();
    await service.create({ email: 'Ann@Example.com', password: 'long enough', roles: ['editor'] });
    expect(log).toEqual(['auth.checkPassword', 'users.create', 'credentials.set', 'commit']);
    expect(calls['users.create']).toEqual([{ email: 'ann@example.com', roles: ['editor'] }]);
    const [, hash, em] = calls['credentials.set']!;
    expect(hash).toMatch(/^scrypt\$/);
    expect(em).toBe(EM);
  });

  it('creates without credentials when no password is given, and refuses a bad body before any write', async () => {
    const { service, log } = setup();
    await service.create({ email: 'bob@example.com' });
    expect(log).toEqual(['users.create', 'commit']);
    await expect(service.create({ email: 'nope' })).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(service.create(['x'])).rejects.toMatchObject({ code: 'validation_failed' });
    await expect(service.create({ email: 'c@example.com', password: 'short' })).rejects.toThrow('too short');
    expect(log).toEqual(['users.create', 'commit', 'auth.checkPassword']);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['a plain change', { name: 'New' }, ['users.update', 'commit']],
    ['disabling', { disabled: true }, ['users.update', 'sessions.revokeAll:disabled_by_admin', 'commit']],
    ['enabling', { disabled: false }, ['users.update', 'commit']],
    ['a new password', { password: 'long enough' }, ['auth.checkPassword', 'users.update', 'credentials.set', 'sessions.revokeAll:password_set_by_admin', 'commit']],
    ['the same email in another case', { email: 'ANN@example.com' }, ['users.update', 'commit']],
    ['a new email', { email: 'New@Example.com' }, ['users.update', 'commit', 'tokens.invalidate:reset_password', 'tokens.invalidate:verify_email']],
  ])('updates with %s, ending sessions inside the transaction only when it must', async (_, body, expected) => {
    const { service, log, calls } = setup();
    await service.update(ID, body);
    expect(log).toEqual(expected);
    const revoked = Object.keys(calls).find((k) => k.startsWith('sessions.revokeAll'));
    if (revoked) expect(calls[revoked]).toEqual([ID, undefined, expect.objectContaining({ em: EM })]);
  });

  it('marks a changed email unverified unless told otherwise', async () => {
    const { service, calls } = setup();
    await service.update(ID, { email: 'New@Example.com' });
    expect(calls['users.update']![1]).toEqual({ email: 'new@example.com', emailVerified: false });
    await service.update(ID, { email: 'other@example.com', emailVerified: true });
    expect(calls['users.update']![1]).toEqual({ email: 'other@example.com', emailVerified: true });
  });

  it('answers not_found for an unknown user before any write', async () => {
    const { service, log } = setup(null);
    for (const call of [() => service.get(ID), () => service.update(ID, { disabled: true }), () => service.delete(ID), () => service.revokeSessions(ID), () => service.listSessions(ID)]) {
      await expect(call()).rejects.toMatchObject({ code: 'not_found' });
    }
    expect(log).toEqual([]);
  });

  it('deletes through the records layer as the system, revoking the sessions in the same transaction', async () => {
    const { service, log, calls } = setup();
    await service.delete(ID);
    expect(log).toEqual(['sessions.revokeAll:user_deleted', 'records.write', 'commit']);
    const [principal, collection, write] = calls['records.write']!;
    expect(principal).toMatchObject({ kind: 'admin' });
    expect([collection, write]).toEqual(['users', { method: 'DELETE', id: ID }]);
  });
});
