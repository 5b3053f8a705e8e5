import type { AuthUser } from '@basalt/contracts';
import type { SettingsService } from '../../admin/settings.service.js';
import type { AuthService } from '../auth.service.js';
import type { OneTimeTokens } from '../one-time-tokens.repository.js';
import type { UsersGateway } from '../users.gateway.js';
import type { ProviderProfile } from './id-token.js';
import { OAuth2Accounts } from './oauth2-accounts.service.js';
import { OAuth2Failure } from './oauth2.errors.js';
import type { UserIdentities } from './user-identities.repository.js';

function user(fields: Partial<AuthUser>): AuthUser {
  return { id: 'u-?', email: null, emailVerified: false, name: null, avatar: null, roles: [], anonymous: false, disabled: false, lastLoginAt: null, createdAt: '', updatedAt: '', ...fields } as AuthUser;
}

/** In-memory doubles of the users collection and the identities table. */
function setup(opts: { users?: AuthUser[]; identities?: Array<[string, string, string]>; allowSignup?: boolean } = {}) {
  const users = new Map((opts.users ?? []).map((u) => [u.id, u]));
  const identities = new Map((opts.identities ?? []).map(([p, s, id]) => [`${p}/${s}`, id]));
  const created: Array<Record<string, unknown>> = [];
  const gateway = {
    byEmail: async (email: string) => [...users.values()].find((u) => u.email === email) ?? null,
    byId: async (id: string) => users.get(id) ?? null,
    transaction: async <T>(work: (tx: { em: object; events: [] }) => Promise<T>) => work({ em: {}, events: [] }),
    create: async (_tx: unknown, fields: Record<string, unknown>) => {
      created.push(fields);
      const u = user({ id: `u-new-${created.length}`, ...(fields as Partial<AuthUser>) });
      users.set(u.id, u);
      return u;
    },
  } as unknown as UsersGateway;
  const identitiesRepo = {
    userIdFor: async (p: string, s: string) => identities.get(`${p}/${s}`) ?? null,
    link: async (_em: unknown, i: { provider: string; subject: string; userId: string }) => void identities.set(`${i.provider}/${i.subject}`, i.userId),
  } as unknown as UserIdentities;
  const settings = { group: async () => ({ allowSignup: opts.allowSignup ?? true }) } as unknown as SettingsService;
  const accounts = new OAuth2Accounts(gateway, identitiesRepo, {} as OneTimeTokens, settings, {} as AuthService);
  return { accounts, identities, created };
}

const profile = (p: Partial<ProviderProfile>): ProviderProfile => ({ sub: 'sub-1', email: null, emailVerified: false, name: null, picture: null, ...p });

async function failureOf(run: Promise<unknown>): Promise<string | null> {
  try {
    await run;
    return null;
  } catch (e) {
    if (e instanceof OAuth2Failure) return e.code;
    throw e;
  }
}

describe('OAuth2Accounts.userFor', () => {
  it('returns the user an identity is already linked to, whatever the email says', async () => {
    const { accounts, created } = setup({ users: [user({ id: 'u-1', email: 'old@x.test' })], identities: [['idp', 'sub-1', 'u-1']] });
    expect((await accounts.userFor('idp', profile({ email: 'new@x.test', emailVerified: true }))).id).toBe('u-1');
    expect(created).toEqual([]);
  });

  it('links a provider-verified email onto a verified user with that email', async () => {
    const { accounts, identities, created } = setup({ users: [user({ id: 'u-1', email: 'ann@x.test', emailVerified: true })] });
    expect((await accounts.userFor('idp', profile({ email: 'ann@x.test', emailVerified: true }))).id).toBe('u-1');
    expect(identities.get('idp/sub-1')).toBe('u-1');
    expect(created).toEqual([]);
  });

  it('refuses a provider-verified email that an unverified account holds, and links nothing', async () => {
    const { accounts, identities, created } = setup({ users: [user({ id: 'u-1', email: 'ann@x.test', emailVerified: false })] });
    expect(await failureOf(accounts.userFor('idp', profile({ email: 'ann@x.test', emailVerified: true })))).toBe('account_exists_unverified');
    expect(identities.size).toBe(0);
    expect(created).toEqual([]);
  });

  it('never links an email the provider did not verify: a new user without email', async () => {
    const { accounts, identities, created } = setup({ users: [user({ id: 'u-1', email: 'ann@x.test', emailVerified: true })] });
    const u = await accounts.userFor('idp', profile({ email: 'ann@x.test', emailVerified: false, name: 'Mallory' }));
    expect(u.id).not.toBe('u-1');
    expect(created).toEqual([{ email: null, emailVerified: false, name: 'Mallory' }]);
    expect(identities.get('idp/sub-1')).toBe(u.id);
  });

  it('creates a user with the verified email and links the identity', async () => {
    const { accounts, identities, created } = setup();
    const u = await accounts.userFor('idp', profile({ email: 'new@x.test', emailVerified: true }));
    expect(created).toEqual([{ email: 'new@x.test', emailVerified: true }]);
    expect(identities.get('idp/sub-1')).toBe(u.id);
  });

  it('refuses to create users when sign-up is disabled, but still signs in linked ones', async () => {
    const { accounts } = setup({ allowSignup: false, users: [user({ id: 'u-1' })], identities: [['idp', 'known', 'u-1']] });
    expect(await failureOf(accounts.userFor('idp', profile({ sub: 'stranger' })))).toBe('signup_disabled');
    expect((await accounts.userFor('idp', profile({ sub: 'known' }))).id).toBe('u-1');
  });

  it('keeps identities of different providers apart', async () => {
    const { accounts } = setup({ users: [user({ id: 'u-1' })], identities: [['a', 'sub-1', 'u-1']] });
    expect((await accounts.userFor('b', profile({}))).id).not.toBe('u-1');
  });
});
