import type { AuthUser } from '@basalt/contracts';
import { createHmac } from 'node:crypto';
import { asyncStorageAdapter, BasaltError, createClient, localStorageAdapter } from '../src';
import { Live, newEmail, PASSWORD } from './support/live';

/* basalt.auth against a live server: every method, the session it keeps, and the errors it throws. */

let live: Live;
beforeAll(async () => {
  live = await Live.start();
});
afterAll(async () => {
  await live?.stop();
});

describe('sign-up, sign-in and sign-out', () => {
  it('signUp keeps the session and tells onChange listeners', async () => {
    const basalt = live.client();
    const seen: Array<AuthUser | null> = [];
    basalt.auth.onChange((u) => seen.push(u));
    const email = newEmail();
    const res = await basalt.auth.signUp({ email, password: PASSWORD, name: 'Ann' });
    expect('session' in res && res.user.email).toBe(email);
    expect(basalt.auth.user).toMatchObject({ email, name: 'Ann', anonymous: false });
    expect(seen.map((u) => u?.email)).toEqual([email]);
    expect(await basalt.auth.me()).toMatchObject({ id: basalt.auth.user!.id, email });
  });

  it('signIn, then signOut ends the session on the server and here', async () => {
    const email = newEmail();
    await live.client().auth.signUp({ email, password: PASSWORD });
    const basalt = live.client();
    const seen: Array<string | null> = [];
    const off = basalt.auth.onChange((u) => seen.push(u?.email ?? null));
    const res = await basalt.auth.signIn({ email, password: PASSWORD });
    if (!('session' in res)) throw new Error('expected a session');
    await basalt.auth.signOut();
    expect(basalt.auth.user).toBeNull();
    expect(seen).toEqual([email, null]);
    // The old access token no longer works: the server revoked the session.
    const raw = await fetch(`${live.url}/api/auth/me`, { headers: { authorization: `Bearer ${res.session.accessToken}` } });
    expect(raw.status).toBe(401);
    off();
  });

  it('a wrong password is a BasaltError with the server envelope', async () => {
    const err = await live.client().auth.signIn({ email: newEmail(), password: 'wrong password!' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BasaltError);
    expect(err).toMatchObject({ status: 401, code: 'unauthorized' });
    expect((err as BasaltError).requestId).toEqual(expect.any(String));
  });

  it('validation errors carry details', async () => {
    const err = await live.client().auth.signUp({ email: 'not-an-email', password: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((err as BasaltError).details).toEqual(expect.any(Object));
  });

  it('signInAnonymously, then linkPassword keeps the same user', async () => {
    const basalt = live.client();
    const { user } = await basalt.auth.signInAnonymously();
    expect(user.anonymous).toBe(true);
    const email = newEmail('anon');
    const linked = await basalt.auth.linkPassword({ email, password: PASSWORD });
    expect(linked).toMatchObject({ id: user.id, email, anonymous: false });
    expect(basalt.auth.user).toMatchObject({ id: user.id, email });
  });

  it('updateMe, listSessions, revokeSession and changePassword', async () => {
    const { client: basalt, email } = await live.user();
    expect(await basalt.auth.updateMe({ name: 'Bea' })).toMatchObject({ name: 'Bea' });
    expect(basalt.auth.user?.name).toBe('Bea');
    const other = live.client();
    await other.auth.signIn({ email, password: PASSWORD });
    const sessions = await basalt.auth.listSessions();
    expect(sessions).toHaveLength(2);
    const otherSession = sessions.find((s) => !s.current)!;
    await basalt.auth.revokeSession(otherSession.id);
    await expect(other.auth.me()).rejects.toMatchObject({ code: 'unauthorized' });
    // The revoked client found out on refresh and signed itself out.
    expect(other.auth.user).toBeNull();
    await basalt.auth.changePassword(PASSWORD, 'a brand new password');
    const again = await live.client().auth.signIn({ email, password: 'a brand new password' });
    expect('session' in again).toBe(true);
  });

  it('sessions persist in the storage: a second client on the same storage is signed in', async () => {
    // An AsyncStorage-shaped store (React Native): every method returns a promise.
    const store = new Map<string, string>();
    const storage = asyncStorageAdapter({ getItem: async (k) => store.get(k) ?? null, setItem: async (k, v) => void store.set(k, v), removeItem: async (k) => void store.delete(k) });
    const { email } = await live.user({ storage });
    const later = createClient(live.url, { storage });
    await later.auth.ready();
    expect(later.auth.user?.email).toBe(email);
    expect((await later.auth.me()).email).toBe(email);
    await later.auth.signOut();
    expect(store.size).toBe(0);
  });

  it('localStorageAdapter keeps the session in Web Storage (a browser tab reload)', async () => {
    const items = new Map<string, string>();
    const webStorage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), removeItem: (k: string) => void items.delete(k) };
    const { email } = await live.user({ storage: localStorageAdapter(webStorage) });
    expect([...items.keys()]).toEqual([`basalt.session:${live.url}`]);
    const reloaded = createClient(live.url, { storage: localStorageAdapter(webStorage) });
    await reloaded.auth.ready();
    expect(reloaded.auth.user?.email).toBe(email);
    expect(() => localStorageAdapter()).toThrow(/no localStorage/);
  });
});

describe('email verification and password reset', () => {
  it('requestVerification and confirmVerification, with the token from the outbox', async () => {
    const { client: basalt, email } = await live.user();
    await basalt.auth.requestVerification();
    const admin = await live.admin();
    const token = await tokenFromMail(admin, email, 'verify-email');
    const user = await basalt.auth.confirmVerification(token);
    expect(user.emailVerified).toBe(true);
    expect(basalt.auth.user?.emailVerified).toBe(true);
  });

  it('requestPasswordReset and confirmPasswordReset', async () => {
    const { email } = await live.user();
    const basalt = live.client();
    await basalt.auth.requestPasswordReset(email);
    const token = await tokenFromMail(await live.admin(), email, 'reset-password');
    await basalt.auth.confirmPasswordReset(token, 'reset to this one');
    const res = await basalt.auth.signIn({ email, password: 'reset to this one' });
    expect('session' in res).toBe(true);
    await expect(basalt.auth.confirmPasswordReset(token, 'and again please')).rejects.toBeInstanceOf(BasaltError);
  });
});

describe('MFA (TOTP)', () => {
  it('enroll, confirm, sign in with mfaRequired, verify the challenge, disable', async () => {
    const { client: basalt, email } = await live.user();
    const enrollment = await basalt.auth.mfa.enroll();
    expect(enrollment.otpauthUrl).toContain(enrollment.secret);
    const { recoveryCodes } = await basalt.auth.mfa.confirm(totp(enrollment.secret, 0));
    expect(recoveryCodes.length).toBeGreaterThan(0);

    const phone = live.client();
    const first = await phone.auth.signIn({ email, password: PASSWORD });
    if (!('mfaRequired' in first)) throw new Error('expected an MFA challenge');
    expect(phone.auth.user).toBeNull();
    await expect(phone.auth.mfa.verify({ mfaToken: first.mfaToken, code: '000000' === totp(enrollment.secret, 0) ? '111111' : '000000' })).rejects.toMatchObject({ code: 'unauthorized' });
    const done = await phone.auth.mfa.verify({ mfaToken: first.mfaToken, code: recoveryCodes[0]! });
    expect(done.user.email).toBe(email);
    expect(phone.auth.user?.email).toBe(email);

    await phone.auth.mfa.disable(recoveryCodes[1]!);
    const plain = await live.client().auth.signIn({ email, password: PASSWORD });
    expect('session' in plain).toBe(true);
  });
});

describe('OAuth2 helpers', () => {
  it('providers, start URL (with PKCE) and a code that does not exchange', async () => {
    const basalt = live.client();
    expect(await basalt.auth.oauth2.providers()).toEqual([]);
    const { url, codeVerifier } = await basalt.auth.oauth2.start('acme', { redirectUri: 'myapp://callback', pkce: true });
    const parsed = new URL(url);
    expect(parsed.pathname).toBe('/api/auth/oauth2/acme/start');
    expect(parsed.searchParams.get('redirectUri')).toBe('myapp://callback');
    expect(parsed.searchParams.get('codeChallenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The provider is not configured: the server says so (following the URL as a browser would).
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(404);
    await expect(basalt.auth.oauth2.exchange('not-a-code', { codeVerifier })).rejects.toMatchObject({ status: expect.any(Number), code: expect.stringMatching(/unauthorized|validation_failed|not_found/) });
  });
});

describe('errors without an HTTP answer', () => {
  it('network_error when nothing listens', async () => {
    const basalt = createClient('http://127.0.0.1:9');
    await expect(basalt.auth.signIn({ email: 'a@b.c', password: PASSWORD })).rejects.toMatchObject({ name: 'BasaltError', status: 0, code: 'network_error' });
  });

  it('aborted when the caller aborts', async () => {
    const admin = await live.admin();
    await admin.admin.collections.create({ name: 'abort_me', fields: [{ name: 'title', type: 'text' }], rules: { list: '', view: '', create: '', update: '', delete: '' } });
    const controller = new AbortController();
    controller.abort();
    await expect(live.client().collection('abort_me').list({ signal: controller.signal })).rejects.toMatchObject({ status: 0, code: 'aborted' });
  });
});

async function tokenFromMail(admin: ReturnType<Live['client']>, email: string, page: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const mail = (await admin.admin.mail.list()).find((m) => m.to === email && m.text.includes(page));
    const token = mail?.text.match(/[?&]token=([^\s&]+)/)?.[1];
    if (token) return decodeURIComponent(token);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${page} mail for ${email}`);
}

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s), independent of the server's implementation. */
function totp(secret: string, stepOffset: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...secret.toUpperCase().replace(/=+$/, '')].map((c) => alphabet.indexOf(c).toString(2).padStart(5, '0')).join('');
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30_000) + stepOffset));
  const mac = createHmac('sha1', key).update(counter).digest();
  const at = mac[mac.length - 1]! & 0xf;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
