import type { AuthUser, ListResponse, SessionInfo } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { AuthKit, claimsOf, median, newEmail, PASSWORD, UUID } from './support/auth-kit.js';

let k: AuthKit;

beforeAll(async () => {
  k = await AuthKit.start();
});

afterAll(async () => {
  await k?.stop();
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

describe('sign-up and login', () => {
  it('signs up with 201, a user record without secrets and a working session', async () => {
    const email = newEmail('Mixed');
    const res = await k.signupRaw({ email, password: PASSWORD, name: 'Ann' });
    expect(res.status).toBe(201);
    const { user, session } = res.body;
    expect(user).toMatchObject({ email: email.toLowerCase(), name: 'Ann', emailVerified: false, roles: [], anonymous: false, disabled: false });
    expect(user.id).toMatch(UUID);
    expect(user.createdAt).toMatch(ISO);
    expect(JSON.stringify(res.body)).not.toMatch(/password|hash|scrypt/i);
    expect(session).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    const me = await k.req<AuthUser>('GET', '/api/auth/me', { token: session.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, email: email.toLowerCase() });
  });

  it('refuses a second account for the same address, whatever its case, with 409', async () => {
    const a = await k.signup();
    const res = await k.signupRaw({ email: a.email.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
  });

  it.each([
    ['roles', ['admin']],
    ['emailVerified', true],
    ['disabled', false],
    ['anonymous', true],
    ['notAField', 1],
  ])('refuses sign-up that sets %s with 400 and creates nothing', async (field, value) => {
    const email = newEmail();
    const res = await k.signupRaw({ email, password: PASSWORD, [field]: value });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'validation_failed', details: { [field]: expect.any(String) } });
    expect((await k.login(email, PASSWORD)).status).toBe(401);
  });

  it('logs in with 200, a new session and lastLoginAt set', async () => {
    const a = await k.signup();
    const res = await k.login(a.email.toUpperCase(), a.password);
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(a.user.id);
    expect(res.body.user.lastLoginAt).toMatch(ISO);
    expect(claimsOf(res.body.session.accessToken).sid).not.toBe(claimsOf(a.session.accessToken).sid);
    expect(await k.meStatus(res.body.session.accessToken)).toBe(200);
  });

  it('answers an unknown email and a wrong password alike, in about the same time (a dummy hash runs)', async () => {
    // Spread over accounts so no account reaches the failed-login lockout.
    const accounts = [await k.signup(), await k.signup(), await k.signup()];
    const wrong = 'not the password at all';
    await k.login(newEmail('nobody'), wrong); // warm-up: the dummy hash is made on first use
    await k.login(accounts[0]!.email, wrong);
    const unknownMs: number[] = [];
    const wrongMs: number[] = [];
    for (let i = 0; i < 10; i++) {
      let t = performance.now();
      const unknown = await k.login(newEmail('nobody'), wrong);
      unknownMs.push(performance.now() - t);
      t = performance.now();
      const bad = await k.login(accounts[i % accounts.length]!.email, wrong);
      wrongMs.push(performance.now() - t);
      expect([unknown.status, bad.status]).toEqual([401, 401]);
      const { requestId: _a, ...e1 } = errorOf(unknown);
      const { requestId: _b, ...e2 } = errorOf(bad);
      expect(e1).toEqual(e2);
      expect(e1).toMatchObject({ code: 'unauthorized', message: 'wrong email or password' });
    }
    expect(median(unknownMs)).toBeGreaterThanOrEqual(median(wrongMs) / 2);
  });

  it('refuses sign-up with 403 while allowSignup is false, and login keeps working', async () => {
    const a = await k.signup();
    await k.settings({ allowSignup: false });
    try {
      const res = await k.signupRaw({ email: newEmail(), password: PASSWORD });
      expect(res.status).toBe(403);
      expect(errorOf(res).code).toBe('forbidden');
      expect((await k.login(a.email, a.password)).status).toBe(200);
    } finally {
      await k.settings({ allowSignup: true });
    }
  });

  it('enforces the password length: 8..256 by default, the minimum set in the admin settings', async () => {
    const tooShort = await k.signupRaw({ email: newEmail(), password: 'x'.repeat(7) });
    expect(tooShort.status).toBe(400);
    expect(errorOf(tooShort).details).toEqual({ password: expect.stringMatching(/at least 8/) });
    expect((await k.signupRaw({ email: newEmail(), password: 'x'.repeat(8) })).status).toBe(201);
    expect((await k.signupRaw({ email: newEmail(), password: 'x'.repeat(256) })).status).toBe(201);
    const tooLong = await k.signupRaw({ email: newEmail(), password: 'x'.repeat(257) });
    expect(tooLong.status).toBe(400);
    expect(errorOf(tooLong).details).toEqual({ password: expect.stringMatching(/at most 256/) });

    const a = await k.signup();
    await k.settings({ passwordMinLength: 12 });
    try {
      expect(errorOf(await k.signupRaw({ email: newEmail(), password: 'x'.repeat(11) })).details).toEqual({ password: expect.stringMatching(/at least 12/) });
      expect((await k.signupRaw({ email: newEmail(), password: 'x'.repeat(12) })).status).toBe(201);
      const change = await k.req('POST', '/api/auth/password', a.as, { currentPassword: a.password, newPassword: 'y'.repeat(11) });
      expect(change.status).toBe(400);
      expect(errorOf(change).details).toEqual({ newPassword: expect.stringMatching(/at least 12/) });
    } finally {
      await k.settings({ passwordMinLength: 8 });
    }
  });
});

describe('the signed-in user', () => {
  it('answers 401 for /me without a token', async () => {
    const res = await k.req('GET', '/api/auth/me');
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('unauthorized');
  });

  it('changes its own fields with PATCH /me', async () => {
    const a = await k.signup();
    const res = await k.req<AuthUser>('PATCH', '/api/auth/me', a.as, { name: 'Renamed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: a.user.id, name: 'Renamed', email: a.email });
    expect((await k.req<AuthUser>('GET', '/api/auth/me', a.as)).body.name).toBe('Renamed');
  });

  it.each([
    ['roles', ['admin']],
    ['emailVerified', true],
    ['disabled', true],
    ['anonymous', true],
    ['email', 'other@basalt.test'],
    ['lastLoginAt', '2020-01-01T00:00:00.000Z'],
  ])('refuses PATCH /me of %s with 400 and changes nothing', async (field, value) => {
    const a = await k.signup();
    const before = (await k.req<AuthUser>('GET', '/api/auth/me', a.as)).body;
    const res = await k.req('PATCH', '/api/auth/me', a.as, { name: 'Sneaky', [field]: value });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'validation_failed', details: { [field]: expect.any(String) } });
    expect((await k.req<AuthUser>('GET', '/api/auth/me', a.as)).body).toEqual(before);
  });

  it('logs out the current session only: its tokens stop working, other sessions go on', async () => {
    const a = await k.signup();
    const other = await k.session(a.email, a.password);
    expect((await k.req('POST', '/api/auth/logout', a.as)).status).toBe(204);
    await k.refusedWithin(a.session.accessToken);
    expect((await k.refresh(a.session.refreshToken)).status).toBe(401);
    expect(await k.meStatus(other.accessToken)).toBe(200);
    expect((await k.refresh(other.refreshToken)).status).toBe(200);
  });
});

describe('password change', () => {
  it('refuses a wrong current password with 400 and keeps the old one', async () => {
    const a = await k.signup();
    const res = await k.req('POST', '/api/auth/password', a.as, { currentPassword: 'not my password', newPassword: 'a brand new password' });
    expect(res.status).toBe(400);
    expect(errorOf(res).details).toEqual({ currentPassword: expect.any(String) });
    expect((await k.login(a.email, a.password)).status).toBe(200);
  });

  it('sets the new password, ends the other sessions and keeps the current one', async () => {
    const a = await k.signup();
    const other = await k.session(a.email, a.password);
    const newPassword = 'a brand new password';
    expect((await k.req('POST', '/api/auth/password', a.as, { currentPassword: a.password, newPassword })).status).toBe(204);

    await k.refusedWithin(other.accessToken);
    expect((await k.refresh(other.refreshToken)).status).toBe(401);
    expect(await k.meStatus(a.session.accessToken)).toBe(200);
    const refreshed = await k.refresh(a.session.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(await k.meStatus(refreshed.body.session.accessToken)).toBe(200);

    const old = await k.login(a.email, a.password);
    expect(old.status).toBe(401);
    expect((await k.login(a.email, newPassword)).status).toBe(200);
  });
});

describe('sessions', () => {
  it('lists the active sessions, marking the caller\'s own as current', async () => {
    const a = await k.signup();
    const other = await k.session(a.email, a.password);
    const res = await k.req<ListResponse<SessionInfo>>('GET', '/api/auth/sessions', a.as);
    expect(res.status).toBe(200);
    const byId = new Map(res.body.items.map((s) => [s.id, s]));
    expect(res.body.items).toHaveLength(2);
    expect(byId.get(claimsOf(a.session.accessToken).sid as string)).toMatchObject({ current: true, createdAt: expect.stringMatching(ISO), expiresAt: expect.stringMatching(ISO) });
    expect(byId.get(claimsOf(other.accessToken).sid as string)).toMatchObject({ current: false });
  });

  it('revokes one session: its access token is refused within seconds and its refresh token at once', async () => {
    const a = await k.signup();
    const other = await k.session(a.email, a.password);
    const sid = claimsOf(other.accessToken).sid as string;
    expect((await k.req('DELETE', `/api/auth/sessions/${sid}`, a.as)).status).toBe(204);
    await k.refusedWithin(other.accessToken);
    expect((await k.refresh(other.refreshToken)).status).toBe(401);
    const list = await k.req<ListResponse<SessionInfo>>('GET', '/api/auth/sessions', a.as);
    expect(list.body.items.map((s) => s.id)).toEqual([claimsOf(a.session.accessToken).sid]);
    expect((await k.req('DELETE', `/api/auth/sessions/${sid}`, a.as)).status).toBe(404);
  });

  it('answers 404 for another user\'s session and leaves it working', async () => {
    const [a, b] = [await k.signup(), await k.signup()];
    for (const id of [claimsOf(b.session.accessToken).sid as string, 'not-a-uuid']) {
      const res = await k.req('DELETE', `/api/auth/sessions/${id}`, a.as);
      expect(res.status).toBe(404);
      expect(errorOf(res).code).toBe('not_found');
    }
    expect(await k.meStatus(b.session.accessToken)).toBe(200);
    expect((await k.refresh(b.session.refreshToken)).status).toBe(200);
  });
});
