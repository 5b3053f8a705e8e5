import type { AuthResponse, AuthUser, BaseRecord, Collection, RecordList } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { type As, AuthKit, newEmail, PASSWORD, UUID } from './support/auth-kit.js';

let k: AuthKit;
let notes: Collection;

beforeAll(async () => {
  k = await AuthKit.start();
  const res = await k.req<Collection>('POST', '/api/collections', k.asAdmin, {
    name: 'anon_notes',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'owner', type: 'relation', collection: 'users', onDelete: 'cascade' },
    ],
    rules: { list: 'owner = @request.auth.id', view: 'owner = @request.auth.id', create: 'owner = @request.auth.id', update: null, delete: null },
  });
  if (res.status !== 201) throw new Error(`could not create collection: ${res.status} ${res.text}`);
  notes = res.body;
});

afterAll(async () => {
  await k?.stop();
});

async function anonymous(): Promise<AuthResponse & { as: As }> {
  const res = await k.req<AuthResponse>('POST', '/api/auth/anonymous');
  if (res.status !== 201) throw new Error(`anonymous sign-in failed: ${res.status} ${res.text}`);
  return { ...res.body, as: { token: res.body.session.accessToken } };
}

const link = (as: As, body: unknown) => k.req<AuthUser>('POST', '/api/auth/link/password', as, body);

describe('anonymous sign-in', () => {
  it('creates an anonymous user without an email and a working session', async () => {
    const res = await k.req<AuthResponse>('POST', '/api/auth/anonymous');
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ anonymous: true, email: null, emailVerified: false, roles: [], disabled: false });
    expect(res.body.user.id).toMatch(UUID);
    expect(res.body.session).toEqual({ accessToken: expect.any(String), refreshToken: expect.any(String), expiresIn: 900 });
    const me = await k.req<AuthUser>('GET', '/api/auth/me', { token: res.body.session.accessToken });
    expect(me.body).toMatchObject({ id: res.body.user.id, anonymous: true });
    expect((await k.refresh(res.body.session.refreshToken)).status).toBe(200);
  });

  it('refuses anonymous sign-in with 403 while allowAnonymous is false', async () => {
    await k.settings({ allowAnonymous: false });
    try {
      const res = await k.req('POST', '/api/auth/anonymous');
      expect(res.status).toBe(403);
      expect(errorOf(res).code).toBe('forbidden');
    } finally {
      await k.settings({ allowAnonymous: true });
    }
    expect((await k.req('POST', '/api/auth/anonymous')).status).toBe(201);
  });
});

describe('upgrading with POST /api/auth/link/password', () => {
  it('keeps the user id and its data; the email and password then sign in', async () => {
    const anon = await anonymous();
    const note = await k.req<BaseRecord>('POST', `/api/collections/${notes.name}/records`, anon.as, { title: 'mine', owner: anon.user.id });
    expect(note.status).toBe(201);

    const email = newEmail('Linked');
    const res = await link(anon.as, { email, password: PASSWORD });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: anon.user.id, email: email.toLowerCase(), anonymous: false });
    // The session it was made in goes on.
    expect((await k.req<AuthUser>('GET', '/api/auth/me', anon.as)).body).toMatchObject({ id: anon.user.id, anonymous: false });

    const login = await k.login(email, PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body.user.id).toBe(anon.user.id);
    const list = await k.req<RecordList>('GET', `/api/collections/${notes.name}/records`, { token: login.body.session.accessToken });
    expect(list.body.items.map((r) => r.id)).toEqual([note.body.id]);

    const again = await link(anon.as, { email: newEmail(), password: PASSWORD });
    expect(again.status).toBe(409);
    expect(errorOf(again).code).toBe('conflict');
  });

  it('refuses an account that signed up with a password with 409', async () => {
    const a = await k.signup();
    const res = await link(a.as, { email: newEmail(), password: PASSWORD });
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
    expect((await k.req<AuthUser>('GET', '/api/auth/me', a.as)).body.email).toBe(a.email);
  });

  it('refuses an address another account has with 409 and leaves the account anonymous', async () => {
    const taken = await k.signup();
    const anon = await anonymous();
    const res = await link(anon.as, { email: taken.email, password: PASSWORD });
    expect(res.status).toBe(409);
    expect(errorOf(res).code).toBe('conflict');
    expect((await k.req<AuthUser>('GET', '/api/auth/me', anon.as)).body).toMatchObject({ anonymous: true, email: null });
    expect((await k.login(taken.email, PASSWORD)).body.user.id).toBe(taken.user.id);
  });

  it.each([
    ['a short password', { email: 'x', password: 'short' }, 'password'],
    ['a malformed email', { email: 'not-an-email', password: PASSWORD }, 'email'],
  ])('refuses %s with 400 and leaves the account anonymous', async (_, body, field) => {
    const anon = await anonymous();
    const res = await link(anon.as, field === 'email' ? body : { ...body, email: newEmail() });
    expect(res.status).toBe(400);
    expect(errorOf(res).details).toEqual({ [field]: expect.any(String) });
    expect((await k.req<AuthUser>('GET', '/api/auth/me', anon.as)).body.anonymous).toBe(true);
  });

  it('refuses guests with 401 and admins with 403', async () => {
    expect((await link({}, { email: newEmail(), password: PASSWORD })).status).toBe(401);
    expect((await link(k.asAdmin, { email: newEmail(), password: PASSWORD })).status).toBe(403);
  });
});
