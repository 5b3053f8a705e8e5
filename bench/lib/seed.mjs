// Fills a Basalt server with the benchmark's data through its public API, as an app would.
import { randomUUID } from 'node:crypto';
import { api, TEST_ADMIN } from './services.mjs';
import { BENCH_PASSWORD, ITEMS, OWNED, randomItem } from './data.mjs';

export const USERS = 10;

/** The rows to load, generated once so Basalt and the floor hold the same data. */
export function generateData(records) {
  const users = Array.from({ length: USERS }, (_, i) => ({ email: `bench${i}@basalt.test`, password: BENCH_PASSWORD }));
  const items = Array.from({ length: records }, () => ({ id: randomUUID(), ...randomItem() }));
  const owned = Array.from({ length: records }, (_, i) => ({ id: randomUUID(), ...randomItem(), ownerIndex: i % USERS }));
  return { users, items, owned };
}

/**
 * Seeds Basalt: generous rate limits and hour-long access tokens (so a run never trips them), the
 * users (signed up, so their ids are Basalt's), the two collections and their records (batches of 100).
 * Returns the admin token and the users with ids and access tokens; fills in `owner` on owned rows.
 */
export async function seedBasalt(url, data) {
  const { token: admin } = await api(url, 'POST', '/api/admin/auth', { body: TEST_ADMIN });
  const generous = { max: 100_000, windowSeconds: 60 };
  await api(url, 'PATCH', '/api/admin/settings', {
    token: admin,
    body: { auth: { accessTokenTtl: 6 * 3600 }, rateLimits: { login: generous, signup: generous } },
  });
  const users = [];
  for (const u of data.users) {
    const res = await api(url, 'POST', '/api/auth/signup', { body: { email: u.email, password: u.password, name: 'Bench User' } });
    users.push({ ...u, id: res.user.id, token: res.session.accessToken });
  }
  for (const row of data.owned) row.owner = users[row.ownerIndex].id;
  await api(url, 'POST', '/api/collections', { token: admin, body: { name: 'items', ...ITEMS, rules: everyone() } });
  const byOwner = 'owner = @request.auth.id';
  await api(url, 'POST', '/api/collections', {
    token: admin,
    body: { name: 'owned', ...OWNED, rules: { list: byOwner, view: byOwner, create: null, update: null, delete: null } },
  });
  await insertAll(url, admin, 'items', data.items.map(({ id, title, score, published, body }) => ({ id, title, score, published, body })));
  await insertAll(url, admin, 'owned', data.owned.map(({ id, title, score, published, body, owner }) => ({ id, title, score, published, body, owner })));
  return { admin, users };
}

function everyone() {
  return { list: '', view: '', create: '', update: '', delete: '' };
}

async function insertAll(url, token, collection, rows) {
  for (let i = 0; i < rows.length; i += 100) {
    const requests = rows.slice(i, i + 100).map((body) => ({ method: 'POST', collection, body }));
    await api(url, 'POST', '/api/batch', { token, body: { requests } });
  }
}
