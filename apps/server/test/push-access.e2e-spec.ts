import type { Device, ErrorEnvelope, PushPage, RegisteredDevice, Settings, VapidPublicKeyResponse } from '@basalt/contracts';
import { MASKED_SECRET } from '@basalt/contracts';
import { eventually } from '@basalt/testkit';
import type { As } from './support/auth-kit.js';
import { PushKit } from './support/push-kit.js';

const notification = { title: 'Hi', body: 'there' };
type Err = ErrorEnvelope;

describe('push devices and who may send', () => {
  let kit: PushKit;

  beforeAll(async () => {
    kit = await PushKit.start();
  }, 120_000);

  afterAll(async () => {
    await kit?.stop();
  });

  const register = (as: As, body: unknown) => kit.req<RegisteredDevice & Err>('POST', '/api/push/devices', as, body);

  describe('registration', () => {
    it('upserts by token: a guest install gets a device secret, registering again keeps the id and rotates the secret', async () => {
      const token = `fcm:${Date.now()}-guest-token`;
      const first = await register({}, { platform: 'fcm', token, topics: ['a'] });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ platform: 'fcm', token, userId: null, topics: ['a'] });
      expect(first.body.deviceSecret).toMatch(/^[A-Za-z0-9_-]{40,}$/);
      const again = await register({}, { platform: 'fcm', token });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(again.body.topics).toEqual(['a']);
      expect(again.body.deviceSecret).not.toBe(first.body.deviceSecret);
      const path = `/api/push/devices/${first.body.id}`;
      expect((await kit.req('PUT', `${path}/topics`, {}, { topics: ['b'] })).status).toBe(401);
      const stale = await kit.reqHeaders('PUT', `${path}/topics`, { 'x-device-secret': first.body.deviceSecret! }, { topics: ['b'] });
      expect(stale.status).toBe(404);
      const ok = await kit.reqHeaders('PUT', `${path}/topics`, { 'x-device-secret': again.body.deviceSecret! }, { topics: ['b', 'c'] });
      expect(ok.status).toBe(200);
      expect((ok.body as Device).topics).toEqual(['b', 'c']);
      expect((await kit.reqHeaders('DELETE', path, { 'x-device-secret': 'wrong' })).status).toBe(404);
      expect((await kit.reqHeaders('DELETE', path, { 'x-device-secret': again.body.deviceSecret! })).status).toBe(204);
      expect(await kit.deviceExists(first.body.id)).toBe(false);
    });

    it('moves a token registered again by another user to that user', async () => {
      const [alice, bob] = [await kit.auth.signup(), await kit.auth.signup()];
      const token = 'ab'.repeat(32);
      const a = await register(alice.as, { platform: 'apns', token, topics: ['alice-only'] });
      expect(a.status).toBe(201);
      expect(a.body).toMatchObject({ userId: alice.user.id, topics: ['alice-only'] });
      expect(a.body.deviceSecret).toBeUndefined();
      const b = await register(bob.as, { platform: 'apns', token });
      expect(b.status).toBe(200);
      // Same device, now Bob's; Alice's topic subscriptions do not follow the device to Bob.
      expect(b.body).toMatchObject({ id: a.body.id, userId: bob.user.id, topics: [] });
      expect((await kit.req('DELETE', `/api/push/devices/${a.body.id}`, alice.as)).status).toBe(404);
      const aliceList = await kit.req<PushPage<Device>>('GET', '/api/push/devices', alice.as);
      expect(aliceList.body.items.map((d) => d.id)).not.toContain(a.body.id);
      const bobList = await kit.req<PushPage<Device>>('GET', '/api/push/devices', bob.as);
      expect(bobList.body.items.map((d) => d.id)).toEqual([a.body.id]);
    });

    it('lets users change and delete only their own devices (404 for anyone else\'s)', async () => {
      const [alice, mallory] = [await kit.auth.signup(), await kit.auth.signup()];
      const device = await kit.register('webpush', { as: alice.as, topics: ['x'] });
      const guest = await kit.register('fcm');
      const path = `/api/push/devices/${device.id}`;
      expect((await kit.req('DELETE', path, mallory.as)).status).toBe(404);
      expect((await kit.req('PUT', `${path}/topics`, mallory.as, { topics: ['spam'] })).status).toBe(404);
      expect((await kit.req('GET', path, mallory.as)).status).toBe(404);
      expect((await kit.req('DELETE', `/api/push/devices/${guest.id}`, mallory.as)).status).toBe(404);
      // A guest secret does not open a user's device.
      expect((await kit.reqHeaders('DELETE', path, { 'x-device-secret': guest.deviceSecret! })).status).toBe(404);
      expect((await kit.req('DELETE', '/api/push/devices/0190a4c2-0000-7000-8000-000000000000', alice.as)).status).toBe(404);
      const retopic = await kit.req<Device>('PUT', `${path}/topics`, alice.as, { topics: ['y', 'z'] });
      expect(retopic.status).toBe(200);
      expect(retopic.body.topics).toEqual(['y', 'z']);
      expect((await kit.req('DELETE', path, alice.as)).status).toBe(204);
      expect((await kit.req('DELETE', path, alice.as)).status).toBe(404);
      expect(await kit.deviceExists(guest.id)).toBe(true);
    });

    it('removes the devices of a user who is deleted', async () => {
      const dave = await kit.auth.signup();
      const device = await kit.register('fcm', { as: dave.as, topics: ['dave'] });
      const other = await kit.register('fcm', { topics: ['dave'] });
      expect((await kit.req('DELETE', `/api/admin/users/${dave.user.id}`, kit.admin)).status).toBe(204);
      await eventually(async () => !(await kit.deviceExists(device.id)), 10_000);
      expect(await kit.deviceExists(other.id)).toBe(true);
    });

    it('refuses devices from admins and API keys: devices are app installs', async () => {
      const key = await kit.auth.key(['push:send']);
      expect((await register(kit.admin, { platform: 'fcm', token: 'admin-token-1' })).status).toBe(403);
      expect((await register(key, { platform: 'fcm', token: 'key-token-01' })).status).toBe(403);
    });

    it.each([
      ['no platform', { token: 'abcdefgh' }, 'platform'],
      ['an unknown platform', { platform: 'sms', token: 'abcdefgh' }, 'platform'],
      ['fcm without a token', { platform: 'fcm' }, 'token'],
      ['a token with spaces', { platform: 'fcm', token: 'has spaces in it' }, 'token'],
      ['apns with a non-hex token', { platform: 'apns', token: 'not-hex-at-all-0123' }, 'token'],
      ['webpush without a subscription', { platform: 'webpush' }, 'subscription'],
      ['webpush with an http endpoint', { platform: 'webpush', subscription: { endpoint: 'http://push.example/x', keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } } }, 'subscription.endpoint'],
      ['webpush with a bad key', { platform: 'webpush', subscription: { endpoint: 'https://push.example/x', keys: { p256dh: 'A'.repeat(87), auth: 'a'.repeat(22) } } }, 'subscription.keys.p256dh'],
      ['webpush with a subscription without keys', { platform: 'webpush', subscription: { endpoint: 'https://push.example/x' } }, 'subscription.keys'],
      ['fcm with a subscription', { platform: 'fcm', token: 'abcdefgh', subscription: { endpoint: 'https://push.example/x', keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) } } }, 'subscription'],
      ['a bad topic', { platform: 'fcm', token: 'abcdefgh', topics: ['no spaces'] }, 'topics'],
      ['topics twice', { platform: 'fcm', token: 'abcdefgh', topics: ['a', 'a'] }, 'topics'],
      ['an unknown field', { platform: 'fcm', token: 'abcdefgh', owner: 'x' }, 'owner'],
    ])('answers 400 naming the field for %s', async (_, body, field) => {
      const res = await register({}, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.details ?? {})).toContain(field);
    });

    it('lists devices: users their own, admins all (filtered), guests not at all', async () => {
      const carol = await kit.auth.signup();
      const mine = await kit.register('fcm', { as: carol.as, topics: ['carol'] });
      await kit.register('fcm', { topics: ['carol'] });
      const own = await kit.req<PushPage<Device>>('GET', '/api/push/devices', carol.as);
      expect(own.body.items.map((d) => d.id)).toEqual([mine.id]);
      const byUser = await kit.req<PushPage<Device>>('GET', `/api/push/devices?userId=${carol.user.id}`, kit.admin);
      expect(byUser.body.items.map((d) => d.id)).toEqual([mine.id]);
      const byTopic = await kit.req<PushPage<Device>>('GET', '/api/push/devices?topic=carol&limit=1', kit.admin);
      expect(byTopic.body.items).toHaveLength(1);
      const next = await kit.req<PushPage<Device>>('GET', `/api/push/devices?topic=carol&limit=1&cursor=${byTopic.body.nextCursor}`, kit.admin);
      expect(next.body.items).toHaveLength(1);
      expect(next.body.items[0]!.id).not.toBe(byTopic.body.items[0]!.id);
      expect(next.body.nextCursor).toBeNull();
      expect((await kit.req('GET', '/api/push/devices')).status).toBe(401);
      expect((await kit.req('GET', '/api/push/devices?cursor=garbage', kit.admin)).status).toBe(400);
    });
  });

  describe('sending', () => {
    it('is for admins and push:send API keys only', async () => {
      const device = await kit.register('fcm');
      const body = { target: { devices: [device.id] }, notification };
      const user = await kit.auth.signup();
      const readKey = await kit.auth.key(['records:read', 'files:write']);
      const pushKey = await kit.auth.key(['push:send']);
      const allKey = await kit.auth.key(['*']);
      expect((await kit.req('POST', '/api/push/messages', {}, body)).status).toBe(401);
      expect((await kit.req('POST', '/api/push/messages', user.as, body)).status).toBe(403);
      expect((await kit.req('POST', '/api/push/messages', readKey, body)).status).toBe(403);
      expect((await kit.req('GET', '/api/push/messages', user.as)).status).toBe(403);
      const viaKey = await kit.req<{ id: string; status: string }>('POST', '/api/push/messages', pushKey, body);
      expect(viaKey.status).toBe(202);
      expect(viaKey.body).toEqual({ id: expect.any(String), status: 'queued' });
      expect((await kit.req('POST', '/api/push/messages', allKey, body)).status).toBe(202);
      expect((await kit.req('GET', `/api/push/messages/${viaKey.body.id}`, pushKey)).status).toBe(200);
      expect((await kit.req('GET', `/api/push/messages/${viaKey.body.id}`, user.as)).status).toBe(403);
      await kit.finished(viaKey.body.id);
    });

    const target = { topics: ['t'] };
    it.each([
      ['an empty target', { target: {}, notification }, 'target'],
      ['no notification', { target }, 'notification'],
      ['no target', { notification }, 'target'],
      ['a target that is a string', { target: 'everyone', notification }, 'target'],
      ['an empty title', { target, notification: { title: '', body: 'x' } }, 'notification.title'],
      ['a non-https image', { target, notification: { ...notification, image: 'http://x.test/a.png' } }, 'notification.image'],
      ['a negative badge', { target, notification: { ...notification, badge: -1 } }, 'notification.badge'],
      ['a user id that is not a UUID', { target: { users: ['nope'] }, notification }, 'target.users'],
      ['a bad topic', { target: { topics: ['a b'] }, notification }, 'target.topics'],
      ['a non-string data value', { target, notification, data: { n: 1 } }, 'data.n'],
      ['a reserved data key', { target, notification, data: { from: 'x' } }, 'data.from'],
      ['too much data', { target, notification, data: { big: 'x'.repeat(3000) } }, 'data'],
      ['a negative ttl', { target, notification, ttl: -1 }, 'ttl'],
      ['an unknown priority', { target, notification, priority: 'urgent' }, 'priority'],
      ['a bad collapseKey', { target, notification, collapseKey: 'has space' }, 'collapseKey'],
      ['a sendAt that is not a date', { target, notification, sendAt: 'tomorrow' }, 'sendAt'],
      ['a sendAt too far ahead', { target, notification, sendAt: new Date(Date.now() + 40 * 86400_000).toISOString() }, 'sendAt'],
      ['an unknown field', { target, notification, channel: 'x' }, 'channel'],
    ])('answers 400 naming the field for %s', async (_, body, field) => {
      const res = await kit.req<Err>('POST', '/api/push/messages', kit.admin, body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(Object.keys(res.body.error.details ?? {})).toContain(field);
    });

    it('answers 404 for an unknown message and 400 for an id that is not a UUID', async () => {
      expect((await kit.req('GET', '/api/push/messages/0190a4c2-0000-7000-8000-000000000000', kit.admin)).status).toBe(404);
      expect((await kit.req('GET', '/api/push/messages/nope', kit.admin)).status).toBe(400);
    });
  });

  describe('provider settings', () => {
    it('publishes the VAPID public key to anyone and keeps provider secrets write-only', async () => {
      const key = await kit.req<VapidPublicKeyResponse>('GET', '/api/push/webpush/key');
      expect(key.status).toBe(200);
      expect(Buffer.from(key.body.vapidPublicKey, 'base64url')).toHaveLength(65);
      expect((await kit.req<VapidPublicKeyResponse>('GET', '/api/push/webpush/key')).body).toEqual(key.body);
      const settings = await kit.req<Settings>('GET', '/api/admin/settings', kit.admin);
      expect(settings.body.push.fcm!.serviceAccount).toBe(MASKED_SECRET);
      expect(settings.body.push.apns!.keyP8).toBe(MASKED_SECRET);
      expect(settings.body.push.webpush).toMatchObject({ vapidPublicKey: key.body.vapidPublicKey, vapidPrivateKey: MASKED_SECRET });
      expect(settings.text).not.toContain('PRIVATE KEY');
    });
  });
});
