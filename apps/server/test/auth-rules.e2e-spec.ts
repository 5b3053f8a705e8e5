import type { AuthUser, BaseRecord, Collection, RecordList } from '@basalt/contracts';
import { errorOf } from '@basalt/testkit';
import { type As, AuthKit, type SignedUp } from './support/auth-kit.js';

/** Collection rules judged with real user tokens from sign-up and login, and user fields set through the admin users API. */
let k: AuthKit;
let alice: SignedUp, bob: SignedUp;
let notes: Collection, drafts: Collection;

beforeAll(async () => {
  k = await AuthKit.start();
  alice = await k.signup({ name: 'Alice' });
  const bobSignup = await k.signup({ name: 'Bob' });
  // Bob uses a token from login rather than sign-up.
  bob = { ...bobSignup, as: { token: (await k.session(bobSignup.email, bobSignup.password)).accessToken } };
  notes = await collection('notes', {
    list: "owner = @request.auth.id || @request.auth.roles ?= 'editor'",
    view: "owner = @request.auth.id || @request.auth.roles ?= 'editor'",
    create: "@request.auth.id != '' && owner = @request.auth.id",
    update: "owner = @request.auth.id || @request.auth.roles ?= 'editor'",
    delete: 'owner = @request.auth.id',
  });
  drafts = await collection('drafts', { list: '', view: '', create: '@request.auth.emailVerified = true && owner = @request.auth.id', update: null, delete: null });
});

afterAll(async () => {
  await k?.stop();
});

async function collection(name: string, rules: Record<string, string | null>): Promise<Collection> {
  const res = await k.req<Collection>('POST', '/api/collections', k.asAdmin, {
    name,
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'owner', type: 'relation', collection: 'users', onDelete: 'cascade' },
    ],
    rules,
  });
  if (res.status !== 201) throw new Error(`could not create ${name}: ${res.status} ${res.text}`);
  return res.body;
}

const records = (c: Collection, id?: string) => `/api/collections/${c.name}/records${id ? `/${id}` : ''}`;
const titles = async (as: As) => (await k.req<RecordList>('GET', records(notes), as)).body.items.map((r) => r.title).sort();

async function setUser(id: string, patch: Record<string, unknown>): Promise<void> {
  const res = await k.req<AuthUser>('PATCH', `/api/admin/users/${id}`, k.asAdmin, patch);
  if (res.status !== 200) throw new Error(`admin PATCH refused: ${res.status} ${res.text}`);
}

describe('@request.auth.id', () => {
  it('lets a user create records it owns, and refuses other owners and guests with 403', async () => {
    expect((await k.req('POST', records(notes), alice.as, { title: 'alice 1', owner: alice.user.id })).status).toBe(201);
    expect((await k.req('POST', records(notes), bob.as, { title: 'bob 1', owner: bob.user.id })).status).toBe(201);
    for (const [as, owner] of [[alice.as, bob.user.id], [{}, alice.user.id]] as const) {
      const res = await k.req('POST', records(notes), as, { title: 'forged', owner });
      expect(res.status).toBe(403);
      expect(errorOf(res).code).toBe('forbidden');
    }
    const all = await k.req<RecordList>('GET', `${records(notes)}?filter=${encodeURIComponent("title = 'forged'")}`, k.asAdmin);
    expect(all.body.items).toEqual([]);
  });

  it('shows each user only its own records; guests see none', async () => {
    expect(await titles(alice.as)).toEqual(['alice 1']);
    expect(await titles(bob.as)).toEqual(['bob 1']);
    expect(await titles({})).toEqual([]);
  });

  it('answers 404 for another user\'s record on view and update, and leaves it unchanged', async () => {
    const [note] = (await k.req<RecordList>('GET', records(notes), alice.as)).body.items as [BaseRecord];
    expect((await k.req('GET', records(notes, note.id), bob.as)).status).toBe(404);
    expect((await k.req('PATCH', records(notes, note.id), bob.as, { title: 'hacked' })).status).toBe(404);
    expect((await k.req<BaseRecord>('GET', records(notes, note.id), k.asAdmin)).body.title).toBe('alice 1');
  });
});

describe('@request.auth.roles, set through the admin users API', () => {
  it('gives an editor (same token, no new login) read and update access, but not delete', async () => {
    const [note] = (await k.req<RecordList>('GET', records(notes), alice.as)).body.items as [BaseRecord];
    await setUser(bob.user.id, { roles: ['editor'] });
    expect(await titles(bob.as)).toEqual(['alice 1', 'bob 1']);
    const upd = await k.req<BaseRecord>('PATCH', records(notes, note.id), bob.as, { title: 'edited by bob' });
    expect(upd.status).toBe(200);
    expect(upd.body.title).toBe('edited by bob');
    const del = await k.req('DELETE', records(notes, note.id), bob.as);
    expect(del.status).toBe(403);
    expect((await k.req('GET', records(notes, note.id), k.asAdmin)).status).toBe(200);
    // A role is a role, not an identity: still no records in someone else's name.
    expect((await k.req('POST', records(notes), bob.as, { title: 'as alice', owner: alice.user.id })).status).toBe(403);
  });

  it('takes the access away as soon as the role is removed', async () => {
    await setUser(bob.user.id, { roles: ['viewer'] });
    expect(await titles(bob.as)).toEqual(['bob 1']);
    expect((await k.req<AuthUser>('GET', '/api/auth/me', bob.as)).body.roles).toEqual(['viewer']);
  });
});

describe('@request.auth.<field> of the user record', () => {
  it('refuses a create that needs a verified email until an admin marks it verified', async () => {
    const body = { title: 'draft', owner: alice.user.id };
    expect((await k.req('POST', records(drafts), alice.as, body)).status).toBe(403);
    await setUser(alice.user.id, { emailVerified: true });
    expect((await k.req('POST', records(drafts), alice.as, body)).status).toBe(201);
    expect((await k.req('POST', records(drafts), bob.as, { ...body, owner: bob.user.id })).status).toBe(403);
  });
});
