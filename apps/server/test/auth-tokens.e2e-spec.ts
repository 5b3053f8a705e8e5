import type { ErrorEnvelope } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuthKit, claimsOf, forgeJwt, type SignedUp } from './support/auth-kit.js';

/**
 * Forged, tampered and revoked tokens are 401, never a guest; tokens of the wrong kind are 403.
 * Besides tokens signed with keys the server does not know, some are signed with the server's own
 * access-token key (derived from the secret the test gave it, or that it wrote into its data dir),
 * to show that expiry, type, audience and issuer are checked and not only the signature.
 */
let k: AuthKit;
let ann: SignedUp, bob: SignedUp;
let serverKey: Buffer;

beforeAll(async () => {
  k = await AuthKit.start();
  [ann, bob] = [await k.signup(), await k.signup()];
  serverKey = Buffer.from(hkdfSync('sha256', secretOf(), 'basalt', 'user-access-token', 32));
});

afterAll(async () => {
  await k?.stop();
});

const HS256 = { alg: 'HS256', typ: 'JWT' };
const now = () => Math.floor(Date.now() / 1000);
/** The claims of ann's real token, to forge from. */
const real = () => claimsOf(ann.session.accessToken);

/** A guest may list users (and sees none), so 200 there would mean "treated as a guest". */
const PROBES = ['/api/auth/me', '/api/collections/users/records'];

async function expectUnauthorized(headers: Record<string, string>): Promise<void> {
  for (const path of PROBES) {
    const res = await k.api<ErrorEnvelope>('GET', path, { headers });
    expect({ path, status: res.status }).toEqual({ path, status: 401 });
    expect(errorOf(res).code).toBe('unauthorized');
  }
}

describe('forged and malformed tokens', () => {
  it('accepts a token the test signs with the server key and the real claims (the forging below is sound)', async () => {
    const token = forgeJwt(HS256, { ...real(), iat: now() }, serverKey);
    const me = await k.req<{ id: string }>('GET', '/api/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(ann.user.id);
  });

  it.each<[string, () => string]>([
    ['alg none, no signature', () => forgeJwt({ alg: 'none', typ: 'JWT' }, real(), null)],
    ['alg none, the real signature kept', () => `${forgeJwt({ alg: 'none', typ: 'JWT' }, real(), null)}${ann.session.accessToken.split('.')[2]}`],
    ['HS256 with a random key', () => forgeJwt(HS256, real(), randomBytes(32))],
    ['HS512 with the server key', () => forgeJwt({ alg: 'HS512', typ: 'JWT' }, real(), serverKey)],
    ['RS256 header, HMAC with the server key', () => forgeJwt({ alg: 'RS256', typ: 'JWT' }, real(), serverKey)],
    ['a tampered payload (sub of another user), the signature kept', () => {
      const [head, , sig] = ann.session.accessToken.split('.');
      const body = Buffer.from(JSON.stringify({ ...real(), sub: bob.user.id })).toString('base64url');
      return `${head}.${body}.${sig}`;
    }],
    ['a past exp, signed with a random key', () => forgeJwt(HS256, { ...real(), iat: now() - 3600, exp: now() - 1800 }, randomBytes(32))],
    ['a past exp, signed with the server key (true expiry)', () => forgeJwt(HS256, { ...real(), iat: now() - 3600, exp: now() - 5 }, serverKey)],
    ['typ refresh, signed with the server key', () => forgeJwt(HS256, { ...real(), typ: 'refresh' }, serverKey)],
    ['typ mfa, signed with the server key', () => forgeJwt(HS256, { ...real(), typ: 'mfa', aud: 'basalt:mfa' }, serverKey)],
    ['the admin audience, signed with the server key', () => forgeJwt(HS256, { ...real(), aud: 'basalt:admin' }, serverKey)],
    ['another issuer, signed with the server key', () => forgeJwt(HS256, { ...real(), iss: 'evil' }, serverKey)],
    ['no subject, signed with the server key', () => forgeJwt(HS256, { ...real(), sub: undefined }, serverKey)],
    ['the admin token key re-used for a user token', () => forgeJwt(HS256, real(), Buffer.from(hkdfSync('sha256', secretOf(), 'basalt', 'admin-token', 32)))],
    ['a refresh token used as an access token', () => ann.session.refreshToken],
    ['two segments only', () => ann.session.accessToken.split('.').slice(0, 2).join('.')],
    ['random text', () => 'not-a-token'],
  ])('refuses %s with 401 on every route', async (_, token) => {
    await expectUnauthorized({ authorization: `Bearer ${token()}` });
  });

  it.each([
    ['another scheme', () => `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['a bearer without a token', () => 'Bearer '],
    ['a token with spaces', () => `Bearer ${ann.session.accessToken} extra`],
  ])('refuses an Authorization header with %s with 401', async (_, header) => {
    await expectUnauthorized({ authorization: header() });
  });

  it('refuses a valid token sent together with an API key with 401', async () => {
    await expectUnauthorized({ authorization: `Bearer ${ann.session.accessToken}`, 'x-api-key': 'bk_whatever' });
  });

  it('keeps the real tokens working after all of the above', async () => {
    expect(await k.meStatus(ann.session.accessToken)).toBe(200);
    expect(await k.meStatus(bob.session.accessToken)).toBe(200);
  });
});

describe('tokens of the wrong kind', () => {
  it.each([
    ['GET', '/api/admin/users'],
    ['POST', '/api/admin/users'],
    ['GET', '/api/admin/settings'],
    ['GET', '/api/admin/mail'],
    ['GET', '/api/admin/keys'],
    ['POST', '/api/collections'],
  ])('refuses a user token on %s %s with 403 forbidden', async (method, path) => {
    const res = await k.req(method, path, ann.as, method === 'POST' ? {} : undefined);
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('forbidden');
  });

  it.each([
    ['GET', '/api/auth/me'],
    ['PATCH', '/api/auth/me'],
    ['GET', '/api/auth/sessions'],
    ['POST', '/api/auth/logout'],
  ])('refuses an admin token on %s %s with 403 forbidden', async (method, path) => {
    const res = await k.req(method, path, k.asAdmin, method === 'PATCH' ? { name: 'x' } : undefined);
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('forbidden');
  });
});

describe('revoked tokens', () => {
  /** Ends a session of `u` (whose other session makes the request where one is needed) and returns the tokens that must stop working. */
  const ways: Array<[string, (u: SignedUp) => Promise<{ accessToken: string; refreshToken: string }>]> = [
    ['logout', async (u) => {
      expect((await k.req('POST', '/api/auth/logout', u.as)).status).toBe(204);
      return u.session;
    }],
    ['revoking the session', async (u) => {
      const other = await k.session(u.email, u.password);
      expect((await k.req('DELETE', `/api/auth/sessions/${claimsOf(u.session.accessToken).sid}`, { token: other.accessToken })).status).toBe(204);
      return u.session;
    }],
    ['a password change in another session', async (u) => {
      const other = await k.session(u.email, u.password);
      expect((await k.req('POST', '/api/auth/password', { token: other.accessToken }, { currentPassword: u.password, newPassword: 'another long password' })).status).toBe(204);
      return u.session;
    }],
    ['an admin revoking every session', async (u) => {
      expect((await k.req('POST', `/api/admin/users/${u.user.id}/sessions/revoke`, k.asAdmin)).status).toBe(204);
      return u.session;
    }],
  ];

  it.each(ways)('refuses the access token (within seconds) and the refresh token after %s', async (_, end) => {
    const u = await k.signup();
    expect(await k.meStatus(u.session.accessToken)).toBe(200);
    const dead = await end(u);
    await k.refusedWithin(dead.accessToken);
    await expectUnauthorized({ authorization: `Bearer ${dead.accessToken}` });
    const refresh = await k.refresh(dead.refreshToken);
    expect(refresh.status).toBe(401);
    expect(errorOf(refresh).code).toBe('unauthorized');
  });
});

/** BASALT_SECRET as the test gave it (scaled), or as the server generated it into its data dir (embedded). */
function secretOf(): string {
  return k.basalt.env.BASALT_SECRET ?? readFileSync(join(k.basalt.env.BASALT_DATA_DIR!, 'secret'), 'utf8').trim();
}
