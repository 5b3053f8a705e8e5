import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { createClient, memoryStorage, type AuthStorage } from '../src';
import { countingFetch, Live } from './support/live';

/*
 * Automatic refresh: before expiry and after a 401, one refresh for any number of concurrent calls.
 * The server's secret is fixed for this file so the test can sign a truly expired access token
 * with the real claims (the server refuses it for its expiry alone).
 */

const SECRET = randomBytes(32).toString('base64url');
const KEY = Buffer.from(hkdfSync('sha256', SECRET, 'basalt', 'user-access-token', 32));
const now = () => Math.floor(Date.now() / 1000);

function sign(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', KEY).update(head).digest('base64url')}`;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

let live: Live;
beforeAll(async () => {
  live = await Live.start({ BASALT_SECRET: SECRET });
  const admin = await live.admin();
  await admin.admin.collections.create({ name: 'notes', fields: [{ name: 'text', type: 'text' }], rules: { list: "@request.auth.id != ''", view: '', create: '', update: '', delete: '' } });
});
afterAll(async () => {
  await live?.stop();
});

/** A signed-in user's storage, with its access token replaced by an expired one signed with the server key. */
async function storageWithExpiredToken(opts: { clientKnowsItExpired: boolean }): Promise<AuthStorage> {
  const storage = memoryStorage();
  const { client } = await live.user({ storage });
  const key = `basalt.session:${client.url}`;
  const stored = JSON.parse((await storage.getItem(key))!) as Record<string, unknown>;
  const claims = claimsOf(stored.accessToken as string);
  // The forgery is sound: the same claims with a future exp are accepted.
  const fine = await fetch(`${live.url}/api/auth/me`, { headers: { authorization: `Bearer ${sign({ ...claims, exp: now() + 600 })}` } });
  expect(fine.status).toBe(200);
  const expired = sign({ ...claims, iat: now() - 1000, exp: now() - 5 });
  const when = opts.clientKnowsItExpired ? Date.now() - 5000 : Date.now() + 600_000;
  await storage.setItem(key, JSON.stringify({ ...stored, accessToken: expired, expiresAt: when, refreshAt: when }));
  return storage;
}

describe('refresh', () => {
  it('20 concurrent calls with an access token past its expiry cause exactly one refresh', async () => {
    const storage = await storageWithExpiredToken({ clientKnowsItExpired: true });
    const net = countingFetch();
    const basalt = createClient(live.url, { storage, fetch: net.fetch });
    const results = await Promise.all(Array.from({ length: 20 }, () => basalt.collection('notes').list()));
    expect(results.every((r) => Array.isArray(r.items))).toBe(true);
    expect(net.count('POST', '/api/auth/refresh')).toBe(1);
    expect(net.count('GET', '/api/collections/notes/records')).toBe(20); // refreshed before sending: no 401 round trips
  });

  it('20 concurrent calls that get 401 for an expired token cause exactly one refresh, then succeed', async () => {
    const storage = await storageWithExpiredToken({ clientKnowsItExpired: false });
    const net = countingFetch();
    const basalt = createClient(live.url, { storage, fetch: net.fetch });
    const results = await Promise.all(Array.from({ length: 20 }, () => basalt.collection('notes').list()));
    expect(results.every((r) => Array.isArray(r.items))).toBe(true);
    expect(net.count('POST', '/api/auth/refresh')).toBe(1);
    expect(net.count('GET', '/api/collections/notes/records')).toBe(40); // each: a 401, then the retry
  });

  it('refresh rotates the stored tokens; auth.refresh() does it on demand', async () => {
    const storage = memoryStorage();
    const { client } = await live.user({ storage });
    const key = `basalt.session:${client.url}`;
    const before = JSON.parse((await storage.getItem(key))!) as { refreshToken: string };
    await client.auth.refresh();
    const after = JSON.parse((await storage.getItem(key))!) as { refreshToken: string };
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect((await client.auth.me()).id).toBe(client.auth.user!.id);
  });

  it('a session revoked on the server signs the client out (onChange(null)) and the call fails with unauthorized', async () => {
    const { client } = await live.user();
    const seen: Array<string | null> = [];
    client.auth.onChange((u) => seen.push(u?.id ?? null));
    const admin = await live.admin();
    await admin.admin.users.revokeSessions(client.auth.user!.id);
    await expect(client.auth.me()).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
    expect(client.auth.user).toBeNull();
    expect(seen).toEqual([null]);
  });
});
