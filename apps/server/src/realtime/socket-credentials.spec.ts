import type { Principal } from '@basalt/contracts';
import { CredentialResolvers } from '../common/auth/credential-resolvers.js';
import { jwtExpiry, SocketCredentials } from './socket-credentials.js';

const jwt = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
const USER: Principal = { kind: 'user', id: 'u1', roles: [], scopes: [] };

function credentials(): SocketCredentials {
  const resolvers = new CredentialResolvers();
  resolvers.addBearer(async (token) => (token.startsWith('h.') ? USER : null));
  resolvers.setApiKey(async (key) => (key === 'bsk_good' ? { kind: 'apiKey', id: 'k', roles: [], scopes: ['records:read'] } : null));
  return new SocketCredentials(resolvers);
}

describe('SocketCredentials', () => {
  it('makes a socket without credentials a guest, ignoring the keys Socket.IO adds on reconnection', async () => {
    expect((await credentials().fromHandshake({ pid: 'p', offset: 'o' })).principal.kind).toBe('guest');
    expect((await credentials().fromHandshake(undefined)).principal.kind).toBe('guest');
  });

  it('resolves a token with its expiry and an API key without one', async () => {
    expect(await credentials().fromHandshake({ token: jwt({ exp: 2_000_000_000 }) })).toEqual({ principal: USER, expiresAt: 2_000_000_000_000 });
    expect(await credentials().fromHandshake({ apiKey: 'bsk_good' })).toMatchObject({ principal: { kind: 'apiKey' }, expiresAt: null });
  });

  it.each<[string, Record<string, unknown>]>([
    ['an unknown token', { token: 'nope' }],
    ['a token that is not a string', { token: 42 }],
    ['an unknown API key', { apiKey: 'bsk_bad' }],
    ['both', { token: jwt({}), apiKey: 'bsk_good' }],
  ])('refuses %s as unauthorized, never as a guest', async (_, auth) => {
    await expect(credentials().fromHandshake(auth)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('reads exp from a JWT, and nothing from anything else', () => {
    expect(jwtExpiry(jwt({ exp: 10 }))).toBe(10_000);
    expect(jwtExpiry(jwt({}))).toBeNull();
    expect(jwtExpiry('opaque-metrics-token')).toBeNull();
    expect(jwtExpiry('a.!!!.c')).toBeNull();
  });
});
