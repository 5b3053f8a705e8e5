import { createECDH, randomBytes } from 'node:crypto';
import { Live } from './support/live';

/* basalt.push (devices, topics, the Web Push helper) and basalt.admin.push (send, get, list, cancel). */

let live: Live;
beforeAll(async () => {
  live = await Live.start();
});
afterAll(async () => {
  await live?.stop();
});

/** What a browser's PushManager hands out: an https endpoint and the subscription's P-256 key and auth secret. */
function fakePushManager() {
  const seen: { applicationServerKey?: Uint8Array } = {};
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const json = {
    endpoint: `https://push.example.test/send/${randomBytes(8).toString('hex')}`,
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
  return {
    seen,
    json,
    pushManager: {
      async getSubscription() {
        return null;
      },
      async subscribe(opts: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }) {
        seen.applicationServerKey = opts.applicationServerKey;
        return { toJSON: () => json };
      },
    },
  };
}

describe('devices', () => {
  it('registerWebPush subscribes with the server VAPID key and registers the subscription', async () => {
    const { client: basalt } = await live.user();
    const key = await basalt.push.vapidPublicKey();
    expect(Buffer.from(key, 'base64url')).toHaveLength(65);
    const fake = fakePushManager();
    const device = await basalt.push.registerWebPush(fake, { topics: ['news'] });
    expect(Buffer.from(fake.seen.applicationServerKey!).equals(Buffer.from(key, 'base64url'))).toBe(true);
    expect(device).toMatchObject({ platform: 'webpush', topics: ['news'], userId: basalt.auth.user!.id, token: fake.json.endpoint });
  });

  it('a user: register, setTopics, get, list, unregister', async () => {
    const { client: basalt } = await live.user();
    const device = await basalt.push.register({ platform: 'fcm', token: `fcm-${randomBytes(12).toString('hex')}`, topics: ['a'] });
    expect(device).toMatchObject({ platform: 'fcm', topics: ['a'] });
    expect(device.deviceSecret).toBeUndefined();
    expect((await basalt.push.setTopics(device.id, ['a', 'b'])).topics).toEqual(['a', 'b']);
    expect((await basalt.push.get(device.id)).topics).toEqual(['a', 'b']);
    expect((await basalt.push.list()).items.map((d) => d.id)).toEqual([device.id]);
    await basalt.push.unregister(device.id);
    await expect(basalt.push.get(device.id)).rejects.toMatchObject({ status: 404 });
  });

  it('a guest install: the SDK keeps the device secret and proves ownership with it', async () => {
    const guest = live.client();
    const device = await guest.push.register({ platform: 'apns', token: randomBytes(32).toString('hex'), topics: ['promo'] });
    expect(device.deviceSecret).toEqual(expect.any(String));
    expect((await guest.push.setTopics(device.id, ['promo', 'news'])).topics).toEqual(['promo', 'news']);
    // Another install (no secret) cannot touch it.
    await expect(live.client().push.setTopics(device.id, [])).rejects.toMatchObject({ name: 'BasaltError', code: expect.stringMatching(/^(unauthorized|not_found)$/) });
    await guest.push.unregister(device.id);
    await expect(guest.push.get(device.id)).rejects.toMatchObject({ code: expect.stringMatching(/^(unauthorized|not_found)$/) });
  });
});

describe('admin push', () => {
  it('send, get, list; cancel a scheduled message', async () => {
    const { client: basalt } = await live.user();
    await basalt.push.register({ platform: 'fcm', token: `fcm-${randomBytes(12).toString('hex')}`, topics: ['sdk-test'] });
    const { admin } = await live.admin();
    const sent = await admin.push.send({ target: { topics: ['sdk-test'] }, notification: { title: 'Hi', body: 'From the SDK' }, data: { k: 'v' } });
    expect(sent).toMatchObject({ id: expect.any(String), status: 'queued' });
    const message = await admin.push.get(sent.id);
    expect(message).toMatchObject({ id: sent.id, notification: { title: 'Hi', body: 'From the SDK' }, data: { k: 'v' } });
    expect((await admin.push.list()).items.map((m) => m.id)).toContain(sent.id);

    const later = await admin.push.send({ target: { topics: ['sdk-test'] }, notification: { title: 'Later', body: 'x' }, sendAt: new Date(Date.now() + 3_600_000).toISOString() });
    await admin.push.cancel(later.id);
    expect((await admin.push.get(later.id)).status).toBe('cancelled');
  });

  it('a user may not send', async () => {
    const { client: basalt } = await live.user();
    await expect(basalt.admin.push.send({ target: { topics: ['x'] }, notification: { title: 't', body: 'b' } })).rejects.toMatchObject({ status: 401 });
  });
});
