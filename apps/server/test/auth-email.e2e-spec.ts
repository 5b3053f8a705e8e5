import type { AuthUser, ListResponse, OutboxMail, VerificationRequiredResponse } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { AuthKit, type Mail, newEmail, PASSWORD, sleep } from './support/auth-kit.js';

/**
 * Email verification and password reset, reading the mail where a user would get it: the outbox in
 * the embedded run, a real SMTP server (BASALT_SMTP_URL) in the scaled run.
 */
const PUBLIC_URL = 'https://app.basalt.test/base';
let k: AuthKit;

beforeAll(async () => {
  k = await AuthKit.start({ smtpInScaled: true, env: { BASALT_PUBLIC_URL: PUBLIC_URL } });
});

afterAll(async () => {
  await k?.stop();
});

/** The token of the link to `page` in a mail, after checking that every link in it starts with BASALT_PUBLIC_URL. */
function tokenFrom(mail: Mail, page: string): string {
  const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
  expect(links.length).toBeGreaterThan(0);
  for (const link of links) expect(link.startsWith(`${PUBLIC_URL}/`)).toBe(true);
  const match = new RegExp(`${PUBLIC_URL.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/_/auth/${page}\\?token=([^\\s&]+)`).exec(mail.text);
  expect(match).not.toBeNull();
  return decodeURIComponent(match![1]!);
}

async function expectNoMail(to: string): Promise<void> {
  expect(await k.mailsTo(to)).toEqual([]);
}

describe('email verification required before login', () => {
  beforeAll(() => k.settings({ requireEmailVerification: true }));
  afterAll(() => k.settings({ requireEmailVerification: false }));

  it('signs up without a session, refuses login with 403 until the mailed token is confirmed', async () => {
    const email = newEmail();
    const res = await k.req<VerificationRequiredResponse>('POST', '/api/auth/signup', {}, { email, password: PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ user: expect.objectContaining({ email, emailVerified: false }), verificationRequired: true });

    const refused = await k.login(email, PASSWORD);
    expect(refused.status).toBe(403);
    expect(errorOf(refused)).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/verify/i) });

    const mail = await k.mail(email);
    expect(mail.subject).toMatch(/verify/i);
    const token = tokenFrom(mail, 'verify-email');

    const confirmed = await k.req<AuthUser>('POST', '/api/auth/verify-email/confirm', {}, { token });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: res.body.user.id, email, emailVerified: true });

    const used = await k.req('POST', '/api/auth/verify-email/confirm', {}, { token });
    expect(used.status).toBe(400);
    expect(errorOf(used)).toMatchObject({ code: 'validation_failed', details: { token: expect.any(String) } });

    const login = await k.login(email, PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body.user.emailVerified).toBe(true);
    if (k.smtp) {
      const outbox = await k.req<ListResponse<OutboxMail>>('GET', '/api/admin/mail?limit=500', k.asAdmin);
      expect(outbox.body.items.filter((m) => m.to === email)).toEqual([]);
    }
  });

  it.each([
    ['an unknown token', 'x'.repeat(43)],
    ['a short token', 'abc'],
  ])('refuses %s with 400', async (_, token) => {
    const res = await k.req('POST', '/api/auth/verify-email/confirm', {}, { token });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('validation_failed');
  });
});

describe('email verification on request', () => {
  it('mails a token to a signed-in user; a newer request makes the older token stop working', async () => {
    const a = await k.signup();
    await sleep(300);
    await expectNoMail(a.email); // not required: sign-up sends nothing
    expect((await k.req('POST', '/api/auth/verify-email/request', a.as)).status).toBe(204);
    const first = tokenFrom(await k.mail(a.email, 1), 'verify-email');
    expect((await k.req('POST', '/api/auth/verify-email/request', a.as)).status).toBe(204);
    const second = tokenFrom(await k.mail(a.email, 2), 'verify-email');

    expect((await k.req('POST', '/api/auth/verify-email/confirm', {}, { token: first })).status).toBe(400);
    expect((await k.req('POST', '/api/auth/verify-email/confirm', {}, { token: second })).status).toBe(200);
    expect((await k.req<AuthUser>('GET', '/api/auth/me', a.as)).body.emailVerified).toBe(true);
  });

  it('refuses a guest with 401', async () => {
    expect((await k.req('POST', '/api/auth/verify-email/request')).status).toBe(401);
  });
});

describe('password reset', () => {
  it('always answers 204, and mails only existing accounts', async () => {
    const a = await k.signup();
    const unknown = newEmail('nobody');
    for (const email of [unknown, 'not-an-address', a.email.toUpperCase()]) {
      const res = await k.req('POST', '/api/auth/password-reset/request', {}, { email });
      expect({ email, status: res.status }).toEqual({ email, status: 204 });
    }
    const mail = await k.mail(a.email);
    expect(mail.subject).toMatch(/reset/i);
    tokenFrom(mail, 'reset-password');
    await sleep(1000);
    await expectNoMail(unknown);
  });

  it('sets the new password, ends every session, verifies the address, and the token works once', async () => {
    const a = await k.signup();
    const other = await k.session(a.email, a.password);
    expect((await k.req('POST', '/api/auth/password-reset/request', {}, { email: a.email })).status).toBe(204);
    const token = tokenFrom(await k.mail(a.email), 'reset-password');

    const weak = await k.req('POST', '/api/auth/password-reset/confirm', {}, { token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(errorOf(weak).details).toEqual({ password: expect.any(String) });

    const newPassword = 'a completely new password';
    expect((await k.req('POST', '/api/auth/password-reset/confirm', {}, { token, password: newPassword })).status).toBe(204);
    for (const s of [a.session, other]) {
      await k.refusedWithin(s.accessToken);
      expect((await k.refresh(s.refreshToken)).status).toBe(401);
    }
    expect((await k.login(a.email, a.password)).status).toBe(401);
    const login = await k.login(a.email, newPassword);
    expect(login.status).toBe(200);
    expect(login.body.user.emailVerified).toBe(true);

    const again = await k.req('POST', '/api/auth/password-reset/confirm', {}, { token, password: 'yet another password' });
    expect(again.status).toBe(400);
    expect(errorOf(again)).toMatchObject({ code: 'validation_failed', details: { token: expect.any(String) } });
    expect((await k.login(a.email, newPassword)).status).toBe(200);
  });

  it('sends nothing for a disabled account', async () => {
    const a = await k.signup();
    expect((await k.req('PATCH', `/api/admin/users/${a.user.id}`, k.asAdmin, { disabled: true })).status).toBe(200);
    expect((await k.req('POST', '/api/auth/password-reset/request', {}, { email: a.email })).status).toBe(204);
    const b = await k.signup();
    expect((await k.req('POST', '/api/auth/password-reset/request', {}, { email: b.email })).status).toBe(204);
    await k.mail(b.email);
    await sleep(1000);
    await expectNoMail(a.email);
  });
});
