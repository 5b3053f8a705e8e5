import type { BaseRecord, Collection, RecordList } from '@basalt/contracts';
import { type As, AuthKit, type SignedUp } from './support/auth-kit.js';

/**
 * List and view read the caller's user record only when a rule or filter needs more of it than
 * `id` and `roles`: these prove both kinds still see fresh values on every request.
 */
let k: AuthKit;
let alice: SignedUp;
let byName: Collection, byOwner: Collection;
const ids: Record<string, string> = {};

async function collection(name: string, rule: string): Promise<Collection> {
  const res = await k.req<Collection>('POST', '/api/collections', k.asAdmin, {
    name,
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'owner', type: 'relation', collection: 'users', onDelete: 'cascade' },
    ],
    rules: { list: rule, view: rule, create: null, update: null, delete: null },
  });
  if (res.status !== 201) throw new Error(`could not create ${name}: ${res.status} ${res.text}`);
  return res.body;
}

const path = (c: Collection, id?: string) => `/api/collections/${c.name}/records${id ? `/${id}` : ''}`;
const titles = async (c: Collection, as: As, filter?: string) =>
  (await k.req<RecordList>('GET', `${path(c)}${filter ? `?filter=${encodeURIComponent(filter)}` : ''}`, as)).body.items.map((r) => r.title).sort();

async function rename(name: string): Promise<void> {
  const res = await k.req('PATCH', `/api/admin/users/${alice.user.id}`, k.asAdmin, { name });
  if (res.status !== 200) throw new Error(`admin PATCH refused: ${res.status} ${res.text}`);
}

beforeAll(async () => {
  k = await AuthKit.start();
  alice = await k.signup({ name: 'Alice' });
  byName = await collection('by_name', 'title = @request.auth.name');
  byOwner = await collection('by_owner', "owner = @request.auth.id || @request.auth.roles ?= 'editor'");
  for (const [c, title, owner] of [
    [byName, 'Alice', null],
    [byName, 'Carol', null],
    [byOwner, 'mine', 'alice'],
    [byOwner, 'theirs', null],
  ] as const) {
    const res = await k.req<BaseRecord>('POST', path(c), k.asAdmin, { title, ...(owner && { owner: alice.user.id }) });
    if (res.status !== 201) throw new Error(`seed refused: ${res.status} ${res.text}`);
    ids[`${c.name}:${title}`] = res.body.id;
  }
});

afterAll(async () => {
  await k?.stop();
});

describe('a rule reading another field of the user record', () => {
  it('lists and views by the current value of that field, changed by an admin between requests', async () => {
    expect(await titles(byName, alice.as)).toEqual(['Alice']);
    expect((await k.req('GET', path(byName, ids['by_name:Carol']), alice.as)).status).toBe(404);
    await rename('Carol');
    expect(await titles(byName, alice.as)).toEqual(['Carol']);
    expect((await k.req('GET', path(byName, ids['by_name:Carol']), alice.as)).status).toBe(200);
    expect((await k.req('GET', path(byName, ids['by_name:Alice']), alice.as)).status).toBe(404);
  });

  it('also reads it for a filter that names it, on a collection whose rule does not', async () => {
    await rename('mine');
    expect(await titles(byOwner, alice.as, 'title = @request.auth.name')).toEqual(['mine']);
    await rename('nothing');
    expect(await titles(byOwner, alice.as, 'title = @request.auth.name')).toEqual([]);
  });
});

describe('a rule reading only id and roles', () => {
  it('judges the caller from the token and current roles', async () => {
    expect(await titles(byOwner, alice.as)).toEqual(['mine']);
    expect((await k.req('GET', path(byOwner, ids['by_owner:theirs']), alice.as)).status).toBe(404);
    const res = await k.req('PATCH', `/api/admin/users/${alice.user.id}`, k.asAdmin, { roles: ['editor'] });
    expect(res.status).toBe(200);
    expect(await titles(byOwner, alice.as)).toEqual(['mine', 'theirs']);
    expect((await k.req('GET', path(byOwner, ids['by_owner:theirs']), alice.as)).status).toBe(200);
  });

  it('treats guests as nobody', async () => {
    expect(await titles(byOwner, {})).toEqual([]);
    expect(await titles(byName, {})).toEqual([]);
  });
});
