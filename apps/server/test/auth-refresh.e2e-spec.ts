import type { AuthSession } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { AuthKit, claimsOf, sleep } from './support/auth-kit.js';

/** REFRESH_GRACE_MS in src/auth/sessions.service.ts: a rotated token used within it gets the same new pair. */
const REFRESH_GRACE_MS = 10_000;

let k: AuthKit;

beforeAll(async () => {
  k = await AuthKit.start();
});

afterAll(async () => {
  await k?.stop();
});

async function rotate(refreshToken: string): Promise<AuthSession> {
  const res = await k.refresh(refreshToken);
  if (res.status !== 200) throw new Error(`refresh failed: ${res.status} ${res.text}`);
  return res.body.session;
}

describe('refresh token rotation', () => {
  it('answers a new pair for the same session, and the new refresh token rotates again', async () => {
    const a = await k.signup();
    const res = await k.refresh(a.session.refreshToken);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['session']);
    const s1 = res.body.session;
    expect(s1).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    expect(s1.refreshToken).not.toBe(a.session.refreshToken);
    expect(claimsOf(s1.accessToken)).toMatchObject({ sub: a.user.id, sid: claimsOf(a.session.accessToken).sid });
    expect(await k.meStatus(s1.accessToken)).toBe(200);
    const s2 = await rotate(s1.refreshToken);
    expect(s2.refreshToken).not.toBe(s1.refreshToken);
    expect(await k.meStatus(s2.accessToken)).toBe(200);
  });

  it.each([
    ['an unknown session', () => `${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}.c2VjcmV0`],
    ['a token without a dot', () => 'no-dot-here'],
    ['an access token', () => 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
  ])('refuses %s with 401', async (_, token) => {
    const res = await k.refresh(token());
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('unauthorized');
  });

  // KNOWN BUG (sessions.service.ts refresh(): any hash that is not the current one counts as reuse):
  // a guessed secret revokes the session, so anyone who knows a session id (the `sid` claim of an
  // access token, the prefix of a refresh token) can sign that session out. Turn into it() once fixed.
  it('refuses a guessed secret for a real session with 401 and leaves the session working', async () => {
    const a = await k.signup();
    const [sid] = a.session.refreshToken.split('.');
    expect((await k.refresh(`${sid}.guessed-secret`)).status).toBe(401);
    expect(await k.meStatus(a.session.accessToken)).toBe(200);
  });
});

describe('two refreshes racing with the same token', () => {
  it('both succeed with the same new pair, which works', async () => {
    const a = await k.signup();
    const [r1, r2] = await Promise.all([k.refresh(a.session.refreshToken), k.refresh(a.session.refreshToken)]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(r2.body.session).toEqual(r1.body.session);
    expect(r1.body.session.refreshToken).not.toBe(a.session.refreshToken);
    // A third late request inside the grace window is answered the same way.
    const late = await k.refresh(a.session.refreshToken);
    expect(late.status).toBe(200);
    expect(late.body.session).toEqual(r1.body.session);
    expect(await k.meStatus(r1.body.session.accessToken)).toBe(200);
    const next = await rotate(r1.body.session.refreshToken);
    expect(await k.meStatus(next.accessToken)).toBe(200);
  });
});

describe('reuse of a rotated refresh token', () => {
  it(`after the grace window (${REFRESH_GRACE_MS} ms) revokes the whole session, its newest tokens too`, async () => {
    const a = await k.signup();
    const other = await k.session(a.email, a.password);
    const newest = await rotate(a.session.refreshToken);
    expect(await k.meStatus(newest.accessToken)).toBe(200);
    await sleep(REFRESH_GRACE_MS + 1000);

    const reused = await k.refresh(a.session.refreshToken);
    expect(reused.status).toBe(401);
    expect(errorOf(reused)).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/already used/) });
    await k.refusedWithin(newest.accessToken);
    await k.refusedWithin(a.session.accessToken);
    expect((await k.refresh(newest.refreshToken)).status).toBe(401);
    // Only that session: the user's other session goes on.
    expect(await k.meStatus(other.accessToken)).toBe(200);
    expect((await k.refresh(other.refreshToken)).status).toBe(200);
  }, 40_000);

  it('of a token two rotations old, even inside the grace window, revokes the session', async () => {
    const a = await k.signup();
    const s1 = await rotate(a.session.refreshToken);
    const s2 = await rotate(s1.refreshToken);
    const reused = await k.refresh(a.session.refreshToken);
    expect(reused.status).toBe(401);
    await k.refusedWithin(s2.accessToken);
    expect((await k.refresh(s2.refreshToken)).status).toBe(401);
  });
});
