import type { AdminAuthResponse, AuthResponse, AuthUser, MfaRequiredResponse, TotpConfirmed, TotpEnrollment } from '@basalt/contracts';
import { type ApiClient, apiClient, type BasaltProcess, errorOf, startBasalt, TEST_ADMIN, testDrivers } from '@basalt/testkit';
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

/*
 * TOTP multi-factor auth over HTTP. The test computes codes with its own small RFC 6238
 * implementation below, never the server's. A wrong code on the authenticated routes (confirm,
 * disable) is 400 validation_failed: the caller's credentials are fine, only the field is wrong;
 * on the login step (verify) it is 401 unauthorized.
 */

let basalt: BasaltProcess;
let api: ApiClient;

beforeAll(async () => {
  basalt = await startBasalt();
  api = apiClient(basalt.url);
});

afterAll(async () => {
  await basalt?.stop();
});

// ---- an independent TOTP (RFC 4226 / 6238: HMAC-SHA1, 6 digits, 30 s) ----

function fromBase32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...text.toUpperCase()].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function codeAt(secret: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', fromBase32(secret)).update(counter).digest();
  const offset = mac[19]! & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

const stepNow = () => Math.floor(Date.now() / 30_000);

/** An authenticator that never hands out a step the server has already seen used (it waits for the next one instead). */
class Authenticator {
  private lastStep = -1;
  constructor(readonly secret: string) {}

  async fresh(): Promise<string> {
    for (;;) {
      const now = stepNow();
      const step = Math.max(now, this.lastStep + 1);
      if (step <= now + 1) {
        this.lastStep = step;
        return codeAt(this.secret, step);
      }
      await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 50));
    }
  }

  /** Six digits that no step near now produces. */
  wrong(): string {
    const near = new Set([-2, -1, 0, 1, 2].map((d) => codeAt(this.secret, stepNow() + d)));
    for (let n = 0; ; n++) {
      const candidate = String(n).padStart(6, '0');
      if (!near.has(candidate)) return candidate;
    }
  }
}

// ---- helpers ----

interface TestUser {
  email: string;
  password: string;
  user: AuthUser;
  token: string;
}

async function signUp(): Promise<TestUser> {
  const email = `mfa-${randomBytes(6).toString('hex')}@example.com`;
  const password = 'correct-horse-battery';
  const res = await api<AuthResponse>('POST', '/api/auth/signup', { body: { email, password } });
  expect(res.status).toBe(201);
  return { email, password, user: res.body.user, token: res.body.session.accessToken };
}

/** A user with TOTP enabled; the recovery codes as confirm returned them. */
async function withTotp(): Promise<TestUser & { auth: Authenticator; recoveryCodes: string[] }> {
  const u = await signUp();
  const enrolled = await api<TotpEnrollment>('POST', '/api/auth/mfa/totp/enroll', { token: u.token });
  expect(enrolled.status).toBe(200);
  const auth = new Authenticator(enrolled.body.secret);
  const confirmed = await api<TotpConfirmed>('POST', '/api/auth/mfa/totp/confirm', { token: u.token, body: { code: await auth.fresh() } });
  expect(confirmed.status).toBe(200);
  return { ...u, auth, recoveryCodes: confirmed.body.recoveryCodes };
}

async function login(u: TestUser) {
  return api<AuthResponse | MfaRequiredResponse>('POST', '/api/auth/login', { body: { email: u.email, password: u.password } });
}

async function mfaToken(u: TestUser): Promise<string> {
  const res = await login(u);
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
  return (res.body as MfaRequiredResponse).mfaToken;
}

function verify(token: string, code: string) {
  return api<AuthResponse>('POST', '/api/auth/mfa/verify', { body: { mfaToken: token, code } });
}

/** The server's secret: given to scaled nodes, generated into the data dir by embedded ones. */
function serverSecret(): string {
  return basalt.env.BASALT_SECRET ?? readFileSync(join(basalt.env.BASALT_DATA_DIR!, 'secret'), 'utf8').trim();
}

/** An mfaToken as the server signs them, to test expiry without waiting five minutes. */
function forgeMfaToken(userId: string, expiresInSeconds: number, secret = serverSecret()): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'basalt', 'mfa-token', 32));
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: 'basalt', iat: now, sub: userId, typ: 'mfa', aud: 'basalt:mfa', exp: now + expiresInSeconds })}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

// ---- scenarios ----

describe('enrolling', () => {
  it('returns a base32 secret and an otpauth URL naming Basalt and the account', async () => {
    const u = await signUp();
    const res = await api<TotpEnrollment>('POST', '/api/auth/mfa/totp/enroll', { token: u.token });
    expect(res.status).toBe(200);
    expect(res.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(res.body.otpauthUrl).toBe(
      `otpauth://totp/Basalt:${encodeURIComponent(u.email)}?secret=${res.body.secret}&issuer=Basalt&algorithm=SHA1&digits=6&period=30`,
    );
    // Not enabled until confirmed: login still answers with a session.
    expect((await login(u)).body).toMatchObject({ session: { accessToken: expect.any(String) } });
  });

  it('replaces an unconfirmed secret when enrolling again, and confirms only the latest', async () => {
    const u = await signUp();
    const first = await api<TotpEnrollment>('POST', '/api/auth/mfa/totp/enroll', { token: u.token });
    const second = await api<TotpEnrollment>('POST', '/api/auth/mfa/totp/enroll', { token: u.token });
    expect(second.status).toBe(200);
    expect(second.body.secret).not.toBe(first.body.secret);
    const stale = await api('POST', '/api/auth/mfa/totp/confirm', { token: u.token, body: { code: await new Authenticator(first.body.secret).fresh() } });
    expect(stale.status).toBe(400);
    const ok = await api('POST', '/api/auth/mfa/totp/confirm', { token: u.token, body: { code: await new Authenticator(second.body.secret).fresh() } });
    expect(ok.status).toBe(200);
  });

  it('answers confirm with a wrong code with 400 validation_failed naming the code field', async () => {
    const u = await signUp();
    const enrolled = await api<TotpEnrollment>('POST', '/api/auth/mfa/totp/enroll', { token: u.token });
    const res = await api('POST', '/api/auth/mfa/totp/confirm', { token: u.token, body: { code: new Authenticator(enrolled.body.secret).wrong() } });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'validation_failed', details: { code: expect.stringContaining('current code') } });
    expect((await login(u)).body).toMatchObject({ session: expect.any(Object) });
  });

  it('answers confirm without an enrollment with 409', async () => {
    const u = await signUp();
    const res = await api('POST', '/api/auth/mfa/totp/confirm', { token: u.token, body: { code: '123456' } });
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
  });

  it.each([
    ['a guest', undefined, 401],
    ['an admin', 'admin', 403],
  ])('refuses %s on the enrollment routes', async (_, who, status) => {
    const token = who === 'admin' ? (await api<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN })).body.token : undefined;
    for (const [method, path, body] of [
      ['POST', '/api/auth/mfa/totp/enroll', undefined],
      ['POST', '/api/auth/mfa/totp/confirm', { code: '123456' }],
      ['DELETE', '/api/auth/mfa/totp', { code: '123456' }],
    ] as const) {
      expect((await api(method, path, { token, body })).status).toBe(status);
    }
  });
});

describe('with TOTP enabled', () => {
  let u: Awaited<ReturnType<typeof withTotp>>;

  beforeAll(async () => {
    u = await withTotp();
  });

  it('returns ten distinct xxxx-xxxx recovery codes on confirm', () => {
    expect(u.recoveryCodes).toHaveLength(10);
    for (const c of u.recoveryCodes) expect(c).toMatch(/^[a-z2-7]{4}-[a-z2-7]{4}$/);
    expect(new Set(u.recoveryCodes).size).toBe(10);
  });

  it('refuses a second enrollment with 409', async () => {
    const res = await api('POST', '/api/auth/mfa/totp/enroll', { token: u.token });
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
  });

  it('answers login with mfaRequired and an mfaToken, and no session', async () => {
    const res = await login(u);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ mfaRequired: true, mfaToken: expect.any(String) });
  });

  it('signs in with a fresh code, whose access token works; the same code again is a replay (401)', async () => {
    const token = await mfaToken(u);
    const code = await u.auth.fresh();
    const res = await verify(token, code);
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: u.user.id, email: u.email });
    const me = await api<AuthUser>('GET', '/api/auth/me', { token: res.body.session.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(u.user.id);

    for (const again of [token, await mfaToken(u)]) {
      const replay = await verify(again, code);
      expect(replay.status).toBe(401);
      expect(errorOf(replay)).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('already used') });
    }
  });

  it('answers a wrong code with 401 unauthorized', async () => {
    const res = await verify(await mfaToken(u), u.auth.wrong());
    expect(res.status).toBe(401);
    expect(errorOf(res)).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('wrong code') });
  });

  it.each([
    ['a garbage string', () => 'not-a-token'],
    ['an expired token', () => forgeMfaToken(u.user.id, -1)],
    ['a token signed with another secret', () => forgeMfaToken(u.user.id, 300, randomBytes(32).toString('base64url'))],
    ['a token for a user without MFA', () => forgeMfaToken('00000000-0000-7000-8000-000000000000', 300)],
    ['an access token', () => u.token],
  ])('refuses %s as the mfaToken with 401 before looking at the code', async (_, token) => {
    const res = await verify(token(), '123456');
    expect(res.status).toBe(401);
    expect(errorOf(res)).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('MFA token') });
  });

  it('accepts a forged mfaToken signed like the server, so the expired case above is not vacuous', async () => {
    const res = await verify(forgeMfaToken(u.user.id, 300), u.auth.wrong());
    expect(errorOf(res).message).toContain('wrong code');
  });

  it('refuses an mfaToken as an access token', async () => {
    const res = await api('GET', '/api/auth/me', { token: await mfaToken(u) });
    expect(res.status).toBe(401);
  });

  it('accepts each recovery code once, in any case and with or without the dash', async () => {
    const [first, second] = u.recoveryCodes as [string, string];
    expect((await verify(await mfaToken(u), first)).status).toBe(200);
    const again = await verify(await mfaToken(u), first);
    expect(again.status).toBe(401);
    expect(errorOf(again).code).toBe('unauthorized');
    expect((await verify(await mfaToken(u), second.replace('-', '').toUpperCase())).status).toBe(200);
  });

  // The embedded database lives inside the server process; the scaled one can be looked at directly.
  // Only the scaled run can open the server's database from the test (PGlite belongs to the server process).
  if (testDrivers() === 'scaled')
    it('marks the session signed in with a second factor', async () => {
    const res = await verify(await mfaToken(u), u.recoveryCodes[2]!);
    expect(res.status).toBe(200);
    const plain = await api<AuthResponse>('POST', '/api/auth/signup', { body: { email: `p-${randomBytes(4).toString('hex')}@example.com`, password: 'correct-horse-battery' } });
    const db = new pg.Client({ connectionString: basalt.env.BASALT_DATABASE_URL });
    await db.connect();
    try {
      const mfaOf = async (refreshToken: string) =>
        (await db.query('SELECT mfa FROM basalt.user_sessions WHERE id = $1', [refreshToken.split('.')[0]])).rows[0]?.mfa;
      expect(await mfaOf(res.body.session.refreshToken)).toBe(true);
      expect(await mfaOf(plain.body.session.refreshToken)).toBe(false);
    } finally {
      await db.end();
    }
  });
});

describe('disabling', () => {
  it('needs a code: none is 400, a wrong one 400; a right one turns MFA off (204) and login asks no more', async () => {
    const u = await withTotp();
    const none = await api('DELETE', '/api/auth/mfa/totp', { token: u.token });
    expect(none.status).toBe(400);
    const wrong = await api('DELETE', '/api/auth/mfa/totp', { token: u.token, body: { code: u.auth.wrong() } });
    expect(wrong.status).toBe(400);
    expect(errorOf(wrong)).toMatchObject({ code: 'validation_failed', details: { code: expect.stringContaining('wrong code') } });
    expect(await mfaToken(u)).toEqual(expect.any(String));

    const ok = await api('DELETE', '/api/auth/mfa/totp', { token: u.token, body: { code: await u.auth.fresh() } });
    expect(ok.status).toBe(204);
    const res = await login(u);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user: { id: u.user.id }, session: { accessToken: expect.any(String) } });
    expect(res.body).not.toHaveProperty('mfaRequired');

    const gone = await api('DELETE', '/api/auth/mfa/totp', { token: u.token, body: { code: '123456' } });
    expect(gone.status).toBe(404);
    // And it can be enrolled afresh.
    expect((await api('POST', '/api/auth/mfa/totp/enroll', { token: u.token })).status).toBe(200);
  });

  it('accepts a recovery code instead of a TOTP code', async () => {
    const u = await withTotp();
    expect((await api('DELETE', '/api/auth/mfa/totp', { token: u.token, body: { code: u.recoveryCodes[3] } })).status).toBe(204);
    expect((await login(u)).body).toMatchObject({ session: expect.any(Object) });
  });
});

describe('brute force', () => {
  it('refuses further codes for the user with 429 and Retry-After after 5 wrong ones, across new mfaTokens and disable', async () => {
    const u = await withTotp();
    const token = await mfaToken(u);
    for (let i = 0; i < 5; i++) expect((await verify(token, u.auth.wrong())).status).toBe(401);

    const limited = await verify(token, await u.auth.fresh());
    expect(limited.status).toBe(429);
    expect(errorOf(limited)).toMatchObject({ code: 'rate_limited', details: { retryAfter: expect.stringMatching(/^\d+$/) } });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(300);

    // Logging in again gives a new mfaToken, not new attempts.
    expect((await verify(await mfaToken(u), u.recoveryCodes[1]!)).status).toBe(429);
    expect((await api('DELETE', '/api/auth/mfa/totp', { token: u.token, body: { code: u.recoveryCodes[0] } })).status).toBe(429);
  });

  it('forgives earlier wrong codes after a right one', async () => {
    const u = await withTotp();
    const token = await mfaToken(u);
    for (let i = 0; i < 4; i++) expect((await verify(token, u.auth.wrong())).status).toBe(401);
    expect((await verify(token, await u.auth.fresh())).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await verify(token, u.auth.wrong())).status).toBe(401);
    expect((await verify(token, u.recoveryCodes[0]!)).status).toBe(200);
  });

  it('counts parallel guesses too: of 12 at once, at most 5 are checked', async () => {
    const u = await withTotp();
    const token = await mfaToken(u);
    const results = await Promise.all(Array.from({ length: 12 }, () => verify(token, u.auth.wrong())));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
  });
});
