import type { AuthUser, Collection, ListResponse, RecordList, SessionInfo } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { randomBytes } from 'node:crypto';
import { type As, AuthKit, newEmail, PASSWORD, UUID } from './support/auth-kit.js';

/** `/api/admin/users`: admins and `users:manage` keys manage users; changes that must sign a user out do so. */
let k: AuthKit;
let manager: As, reader: As;
const tag = randomBytes(3).toString('hex');

beforeAll(async () => {
  k = await AuthKit.start();
  [manager, reader] = [await k.key(['users:manage']), await k.key(['records:read'])];
  // A custom field on users, to show admin writes are validated like any record.
  const users = (await k.req<Collection>('GET', '/api/collections/users', k.asAdmin)).body;
  const res = await k.req('PATCH', '/api/collections/users', k.asAdmin, { fields: [...users.fields, { name: 'nickname', type: 'text', max: 10 }] });
  if (res.status !== 200) throw new Error(`could not add a users field: ${res.status} ${res.text}`);
});

afterAll(async () => {
  await k?.stop();
});

const admin = () => k.asAdmin;
const path = (id?: string, rest = '') => `/api/admin/users${id ? `/${id}` : ''}${rest}`;

async function create(body: Record<string, unknown>, as: As = admin()): Promise<AuthUser> {
  const res = await k.req<AuthUser>('POST', path(), as, body);
  if (res.status !== 201) throw new Error(`create refused: ${res.status} ${res.text}`);
  return res.body;
}

describe('access', () => {
  it.each<[string, number, () => As]>([
    ['an admin', 200, admin],
    ['a users:manage key', 200, () => manager],
    ['a records:read key', 403, () => reader],
    ['a user token', 403, () => ({ token: 'user' })],
    ['a guest', 401, () => ({})],
  ])('answers %s on every route with %i (2xx for 200)', async (_, status, as) => {
    let who = as();
    if (who.token === 'user') who = (await k.signup()).as;
    for (const [method, p, body] of [['GET', path()], ['POST', path(), { email: newEmail(), password: PASSWORD }]] as const) {
      const res = await k.req(method, p, who, body);
      expect({ method, status: res.status }).toEqual({ method, status: method === 'POST' && status === 200 ? 201 : status });
    }
    const target = (await k.signup()).user.id;
    const routes = [['GET', ''], ['PATCH', '', { name: 'x' }], ['GET', '/sessions'], ['POST', '/sessions/revoke'], ['POST', '/impersonate'], ['DELETE', '']] as const;
    for (const [method, rest, body] of routes) {
      const res = await k.req(method, path(target, rest), who, body);
      if (status !== 200) expect({ method, rest, status: res.status }).toEqual({ method, rest, status });
      else expect({ method, rest, ok: res.status < 300 }).toEqual({ method, rest, ok: true });
    }
    // A refused caller changed nothing.
    if (status !== 200) expect((await k.req<AuthUser>('GET', path(target), admin())).body.name).toBe('Test User');
  });
});

describe('listing', () => {
  beforeAll(async () => {
    for (const [i, roles] of [['a', ['editor']], ['b', []], ['c', ['editor']]] as const) await create({ email: `list-${tag}-${i}@basalt.test`, password: PASSWORD, roles });
  });

  it('filters, sorts, pages by cursor and counts like the records API', async () => {
    const filter = encodeURIComponent(`email ~ 'list-${tag}' && roles ?= 'editor'`);
    const first = await k.req<RecordList>('GET', `${path()}?filter=${filter}&sort=-email&limit=1&count=true`, admin());
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ limit: 1, total: 2, nextCursor: expect.any(String) });
    expect(first.body.items.map((u) => u.email)).toEqual([`list-${tag}-c@basalt.test`]);
    const second = await k.req<RecordList>('GET', `${path()}?filter=${filter}&sort=-email&limit=1&cursor=${encodeURIComponent(first.body.nextCursor!)}`, manager);
    expect(second.body.items.map((u) => u.email)).toEqual([`list-${tag}-a@basalt.test`]);
    expect(second.body.nextCursor).toBeNull();
  });

  it.each([
    ['a malformed filter', 'filter=email%20~', 'invalid_filter'],
    ['an unknown field', 'filter=password%20%3D%20%27x%27', 'invalid_filter'],
    ['a limit over 500', 'limit=501', 'validation_failed'],
    ['an unknown parameter', 'offset=2', 'validation_failed'],
  ])('refuses %s with 400', async (_, query, code) => {
    const res = await k.req('GET', `${path()}?${query}`, admin());
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe(code);
  });
});

describe('creating', () => {
  it('creates a user with protected and custom fields; its password signs in', async () => {
    const email = newEmail('Created');
    const res = await k.req<AuthUser>('POST', path(), manager, { email, password: PASSWORD, name: 'Cora', roles: ['editor'], emailVerified: true, nickname: 'cc' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: email.toLowerCase(), name: 'Cora', roles: ['editor'], emailVerified: true, anonymous: false, disabled: false, nickname: 'cc' });
    expect(res.body.id).toMatch(UUID);
    expect(JSON.stringify(res.body)).not.toMatch(/password|scrypt/i);
    expect((await k.req<AuthUser>('GET', path(res.body.id), admin())).body).toEqual(res.body);
    const login = await k.login(email, PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body.user.roles).toEqual(['editor']);
  });

  it('creates a user without a password, who cannot sign in until a password is set', async () => {
    const user = await create({ email: newEmail() });
    expect((await k.login(user.email!, PASSWORD)).status).toBe(401);
    expect((await k.req('PATCH', path(user.id), admin(), { password: PASSWORD })).status).toBe(200);
    expect((await k.login(user.email!, PASSWORD)).status).toBe(200);
  });

  it('refuses a second user with the same email, whatever its case, with 409', async () => {
    const user = await create({ email: newEmail() });
    const res = await k.req('POST', path(), admin(), { email: user.email!.toUpperCase(), password: PASSWORD });
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
  });

  /** Replaced by an address no one has, so only the named problem can refuse the request. */
  const FRESH = 'fresh';

  it.each<[string, Record<string, unknown>, string]>([
    ['no email', { password: PASSWORD }, 'email'],
    ['a malformed email', { email: 'nope' }, 'email'],
    ['a short password', { email: FRESH, password: 'short' }, 'password'],
    ['a custom field too long', { email: FRESH, nickname: 'far too long a nickname' }, 'nickname'],
    ['an unknown field', { email: FRESH, notAField: 1 }, 'notAField'],
    ['a server-set field', { email: FRESH, createdAt: '2020-01-01T00:00:00Z' }, 'createdAt'],
  ])('refuses %s with 400 and creates nobody', async (_, body, field) => {
    const email = body.email === FRESH ? newEmail() : body.email;
    const res = await k.req('POST', path(), admin(), { ...body, email });
    expect(res.status).toBe(400);
    expect(errorOf(res)).toMatchObject({ code: 'validation_failed', details: { [field]: expect.any(String) } });
    if (body.email === FRESH) {
      const found = await k.req<RecordList>('GET', `${path()}?filter=${encodeURIComponent(`email = '${email}'`)}`, admin());
      expect(found.body.items).toEqual([]);
    }
  });
});

describe('changing', () => {
  it('sets roles, name, custom fields and emailVerified; 404 for an unknown user', async () => {
    const user = await create({ email: newEmail() });
    const res = await k.req<AuthUser>('PATCH', path(user.id), admin(), { roles: ['a', 'b'], name: 'New', emailVerified: true, nickname: 'nn' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, roles: ['a', 'b'], name: 'New', emailVerified: true, nickname: 'nn' });
    for (const id of ['00000000-0000-7000-8000-000000000000', 'not-a-uuid']) {
      const missing = await k.req('PATCH', path(id), admin(), { name: 'x' });
      expect(missing.status).toBe(404);
      expect(errorOf(missing).code).toBe('not_found');
    }
    const bad = await k.req('PATCH', path(user.id), admin(), { roles: 'admin' });
    expect(bad.status).toBe(400);
  });

  it('changes the email (lower-cased, unverified unless told); the new address signs in, old reset links stop working', async () => {
    const a = await k.signup();
    await k.req('PATCH', path(a.user.id), admin(), { emailVerified: true });
    expect((await k.req('POST', '/api/auth/password-reset/request', {}, { email: a.email })).status).toBe(204);
    const resetToken = /password-reset\/confirm: (\S+)/.exec((await k.mail(a.email)).text)![1]!;
    const email = newEmail('Moved');
    const res = await k.req<AuthUser>('PATCH', path(a.user.id), admin(), { email });
    expect(res.body).toMatchObject({ email: email.toLowerCase(), emailVerified: false });
    expect((await k.login(email, a.password)).status).toBe(200);
    expect((await k.login(a.email, a.password)).status).toBe(401);
    // Whoever reads the old mailbox can no longer take the account over.
    expect((await k.req('POST', '/api/auth/password-reset/confirm', {}, { token: resetToken, password: 'taken over!!' })).status).toBe(400);
    expect((await k.login(email, a.password)).status).toBe(200);
    const taken = await k.signup();
    expect((await k.req('PATCH', path(a.user.id), admin(), { email: taken.email })).status).toBe(409);
  });

  it('sets a password: every session ends, the old password stops working', async () => {
    const a = await k.signup();
    const other = await k.session(a.email, a.password);
    const newPassword = 'set by the admin';
    expect((await k.req('PATCH', path(a.user.id), manager, { password: newPassword })).status).toBe(200);
    for (const s of [a.session, other]) {
      await k.refusedWithin(s.accessToken);
      expect((await k.refresh(s.refreshToken)).status).toBe(401);
    }
    expect((await k.login(a.email, a.password)).status).toBe(401);
    expect((await k.login(a.email, newPassword)).status).toBe(200);
    expect((await k.req('PATCH', path(a.user.id), admin(), { password: 'short' })).status).toBe(400);
    expect((await k.login(a.email, newPassword)).status).toBe(200);
  });

  it('disables a user: its token is refused within seconds, login answers 403, refresh 401; enabling lets it sign in again', async () => {
    const a = await k.signup();
    const res = await k.req<AuthUser>('PATCH', path(a.user.id), admin(), { disabled: true });
    expect(res.status).toBe(200);
    expect(res.body.disabled).toBe(true);
    await k.refusedWithin(a.session.accessToken);
    expect((await k.refresh(a.session.refreshToken)).status).toBe(401);
    const login = await k.login(a.email, a.password);
    expect(login.status).toBe(403);
    expect(errorOf(login).code).toBe('forbidden');
    expect((await k.req<ListResponse<SessionInfo>>('GET', path(a.user.id, '/sessions'), admin())).body.items).toEqual([]);

    expect((await k.req('PATCH', path(a.user.id), admin(), { disabled: false })).status).toBe(200);
    const again = await k.login(a.email, a.password);
    expect(again.status).toBe(200);
    expect(await k.meStatus(again.body.session.accessToken)).toBe(200);
    // Enabling does not bring back the sessions that disabling ended.
    expect(await k.meStatus(a.session.accessToken)).toBe(401);
  });
});

describe('sessions', () => {
  it('lists the user\'s sessions and revokes them all at once', async () => {
    const a = await k.signup();
    const other = await k.session(a.email, a.password);
    const list = await k.req<ListResponse<SessionInfo>>('GET', path(a.user.id, '/sessions'), manager);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.items.every((s) => s.current === false && UUID.test(s.id))).toBe(true);

    expect((await k.req('POST', path(a.user.id, '/sessions/revoke'), manager)).status).toBe(204);
    for (const s of [a.session, other]) {
      await k.refusedWithin(s.accessToken);
      expect((await k.refresh(s.refreshToken)).status).toBe(401);
    }
    expect((await k.req<ListResponse<SessionInfo>>('GET', path(a.user.id, '/sessions'), admin())).body.items).toEqual([]);
    // Not disabled: the user signs in again.
    expect((await k.login(a.email, a.password)).status).toBe(200);
  });

  it('answers 404 for the sessions of an unknown user', async () => {
    const id = '00000000-0000-7000-8000-000000000000';
    expect((await k.req('GET', path(id, '/sessions'), admin())).status).toBe(404);
    expect((await k.req('POST', path(id, '/sessions/revoke'), admin())).status).toBe(404);
  });
});

describe('deleting', () => {
  it('deletes with 204: tokens, refresh tokens and the password stop working, the record is gone', async () => {
    const a = await k.signup();
    expect((await k.req('DELETE', path(a.user.id), manager)).status).toBe(204);
    await k.refusedWithin(a.session.accessToken);
    expect((await k.refresh(a.session.refreshToken)).status).toBe(401);
    expect((await k.login(a.email, a.password)).status).toBe(401);
    expect((await k.req('GET', path(a.user.id), admin())).status).toBe(404);
    expect((await k.req('GET', `/api/collections/users/records/${a.user.id}`, admin())).status).toBe(404);
    expect((await k.req('DELETE', path(a.user.id), admin())).status).toBe(404);
    // The address is free again.
    expect((await k.signupRaw({ email: a.email, password: PASSWORD })).status).toBe(201);
  });

  it('keeps impersonation working for existing users only', async () => {
    const a = await k.signup();
    const imp = await k.req<{ accessToken: string; expiresIn: number }>('POST', path(a.user.id, '/impersonate'), admin());
    expect(imp.status).toBe(200);
    expect(imp.body.expiresIn).toBe(900);
    expect((await k.req<AuthUser>('GET', '/api/auth/me', { token: imp.body.accessToken })).body.id).toBe(a.user.id);
    expect((await k.req('DELETE', path(a.user.id), admin())).status).toBe(204);
    expect((await k.req('POST', path(a.user.id, '/impersonate'), admin())).status).toBe(404);
    await k.refusedWithin(imp.body.accessToken);
  });
});
