import type { AuthSession } from '@basalt/contracts';
import { CollectionsKit, GUEST } from './support/collections-kit.js';
import { closeAll, connect } from './support/realtime-kit.js';

/** The shortest access token lifetime the settings allow. */
const TTL_SECONDS = 60;
let k: CollectionsKit;

beforeAll(async () => {
  k = await CollectionsKit.start();
  const res = await k.req('PATCH', '/api/admin/settings', k.asAdmin, { auth: { accessTokenTtl: TTL_SECONDS } });
  if (res.status !== 200) throw new Error(`settings: ${res.status} ${res.text}`);
});

afterEach(() => closeAll());

afterAll(async () => {
  await k?.stop();
});

it('stops a socket whose token expires unrenewed, and keeps one whose token was swapped in time', async () => {
  const email = `exp${Date.now()}@basalt.test`;
  const signup = await k.req<{ user: { id: string }; session: AuthSession }>('POST', '/api/auth/signup', GUEST, { email, password: 'correct horse battery' });
  expect(signup.status).toBe(201);
  const { user, session } = signup.body;
  expect(session.expiresIn).toBe(TTL_SECONDS);
  const notes = await k.collection({ fields: [{ name: 'owner', type: 'relation', collection: 'users' }], rules: { list: 'owner = @request.auth.id', view: 'owner = @request.auth.id', create: null, update: null, delete: null } });

  const stale = await connect(k.basalt.url, { token: session.accessToken });
  const renewed = await connect(k.basalt.url, { token: session.accessToken });
  const sub = await renewed.subscribe({ collection: notes.name });
  const impersonation = await k.req<{ accessToken: string }>('POST', `/api/admin/users/${user.id}/impersonate`, k.asAdmin);
  expect(await renewed.ack('auth', { token: impersonation.body.accessToken })).toMatchObject({ ok: true, userId: user.id });

  const disconnected = new Promise<string>((resolve) => stale.socket.once('disconnect', resolve));
  // Both sockets started with the same token: once it expires the stale one is told and cut off...
  expect(await stale.next('unauthorized', () => true, (TTL_SECONDS + 15) * 1000)).toEqual({ error: expect.objectContaining({ code: 'unauthorized' }) });
  expect(await disconnected).toBe('io server disconnect');
  // ...while the renewed one still gets its events after that instant.
  const note = await k.record(notes.name, { owner: user.id });
  expect(await renewed.change(sub, note.id, 'create')).toMatchObject({ record: { owner: user.id } });
  expect(renewed.socket.connected).toBe(true);
}, (TTL_SECONDS + 45) * 1000);
