import { BasaltError } from '../src';
import { Live, newEmail, PASSWORD, TEST_ADMIN } from './support/live';

/* basalt.admin: sign-in, collections, users, keys, settings (buckets and push.send are in storage/push tests). */

let live: Live;
beforeAll(async () => {
  live = await Live.start();
});
afterAll(async () => {
  await live?.stop();
});

describe('admin', () => {
  it('signIn with a wrong password is unauthorized; without signIn admin calls are refused', async () => {
    const basalt = live.client();
    await expect(basalt.admin.signIn(TEST_ADMIN.email, 'not the password')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    await expect(basalt.admin.collections.list()).rejects.toBeInstanceOf(BasaltError);
    expect(basalt.admin.admin).toBeNull();
    const who = await basalt.admin.signIn(TEST_ADMIN.email, TEST_ADMIN.password);
    expect(who.email).toBe(TEST_ADMIN.email);
    expect(basalt.admin.token).toEqual(expect.any(String));
  });

  it('collections: create, get, list, update, delete', async () => {
    const { admin } = await live.admin();
    const created = await admin.collections.create({ name: 'tasks', fields: [{ name: 'title', type: 'text' }] });
    expect(created).toMatchObject({ name: 'tasks', kind: 'base' });
    expect((await admin.collections.list()).map((c) => c.name)).toEqual(expect.arrayContaining(['tasks', 'users']));
    const updated = await admin.collections.update('tasks', { fields: [...created.fields, { name: 'done', type: 'boolean' }] });
    expect(updated.fields.map((f) => f.name)).toEqual(['title', 'done']);
    expect((await admin.collections.get('tasks')).fields).toHaveLength(2);
    await admin.collections.delete('tasks');
    await expect(admin.collections.get('tasks')).rejects.toMatchObject({ status: 404 });
  });

  it('users: create, get, list, update (disable), sessions, revokeSessions, delete', async () => {
    const { admin } = await live.admin();
    const email = newEmail('managed');
    const user = await admin.users.create({ email, password: PASSWORD, name: 'Managed' });
    expect((await admin.users.get(user.id)).email).toBe(email);
    const list = await admin.users.list({ filter: `email = '${email}'`, count: true });
    expect(list.total).toBe(1);
    const basalt = live.client();
    await basalt.auth.signIn({ email, password: PASSWORD });
    expect(await admin.users.sessions(user.id)).toHaveLength(1);
    await admin.users.revokeSessions(user.id);
    expect(await admin.users.sessions(user.id)).toHaveLength(0);
    expect((await admin.users.update(user.id, { disabled: true })).disabled).toBe(true);
    await expect(live.client().auth.signIn({ email, password: PASSWORD })).rejects.toMatchObject({ status: 403 });
    await admin.users.delete(user.id);
    await expect(admin.users.get(user.id)).rejects.toMatchObject({ status: 404 });
  });

  it('keys: create returns the secret once; list; delete revokes it', async () => {
    const { admin } = await live.admin();
    const key = await admin.keys.create({ name: 'schema', scopes: ['schema:write'] });
    expect(key.key).toEqual(expect.any(String));
    const listed = (await admin.keys.list()).find((k) => k.id === key.id)!;
    expect(listed).not.toHaveProperty('key');
    const withKey = live.client({ apiKey: key.key });
    // An API key with schema:write can use the admin collections API without an admin sign-in.
    expect((await withKey.admin.collections.list()).length).toBeGreaterThan(0);
    await admin.keys.delete(key.id);
    await expect(withKey.admin.collections.list()).rejects.toMatchObject({ status: 401 });
  });

  it('settings: get and update; secrets come back masked', async () => {
    const { admin } = await live.admin();
    const before = await admin.settings.get();
    expect(before.auth.allowSignup).toBe(true);
    const after = await admin.settings.update({ auth: { allowSignup: false }, smtp: { url: 'smtp://user:secret@127.0.0.1:2525', from: 'app@example.test' } });
    expect(after.auth.allowSignup).toBe(false);
    expect(after.smtp?.url).not.toContain('secret');
    await expect(live.client().auth.signUp({ email: newEmail(), password: PASSWORD })).rejects.toMatchObject({ status: 403 });
    await admin.settings.update({ auth: { allowSignup: true }, smtp: null });
  });

  it('mail: the outbox lists messages', async () => {
    const { admin } = await live.admin();
    const email = newEmail();
    await live.client().auth.requestPasswordReset(email);
    const user = await admin.users.create({ email, password: PASSWORD });
    await live.client().auth.requestPasswordReset(email);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !(await admin.mail.list()).some((m) => m.to === email)) await new Promise((r) => setTimeout(r, 100));
    expect((await admin.mail.list()).some((m) => m.to === email)).toBe(true);
    await admin.users.delete(user.id);
  });
});
