import type { PushDelivery, PushMessage, PushPage } from '@basalt/contracts';
import { eventually } from '@basalt/testkit';
import { PLATFORMS, PushKit } from './support/push-kit.js';

function sleepUntil(epochMs: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, epochMs - Date.now())));
}

const notification = { title: 'Hello', body: 'From Basalt' };

describe('push delivery through FCM, APNs and Web Push', () => {
  let kit: PushKit;

  beforeAll(async () => {
    kit = await PushKit.start();
  }, 120_000);

  afterAll(async () => {
    await kit?.stop();
  });

  afterEach(() => {
    // Every request the server made was one the real providers would accept (auth, headers, encryption).
    expect(kit.rejections()).toEqual([]);
  });

  it('delivers a message to a topic of 1 000 devices across the three platforms exactly once each', async () => {
    const topic = `news-${Date.now()}`;
    const devices = await kit.registerMany(1000, [topic]);
    // Noise that must not receive it.
    const other = await kit.register('fcm', { topics: ['sport'] });
    const sent = await kit.send({ target: { topics: [topic] }, notification, data: { article: '42' }, collapseKey: 'news', ttl: 3600 });
    expect(sent.status).toBe('queued');
    const done = await kit.finished(sent.id, 120_000);
    expect(done).toMatchObject({ status: 'done', counts: { targeted: 1000, sent: 1000, failed: 0, invalidTokens: 0 } });
    const counts = devices.map((d) => kit.deliveries(d));
    expect(counts.filter((c) => c !== 1)).toEqual([]);
    expect(kit.deliveries(other)).toBe(0);
    expect(PLATFORMS.map((p) => kit.ledger(p).total)).toEqual([334, 333, 333]);

    // What each device would show, as its provider received it.
    const fcmPayload = kit.fcm.ledger.deliveries.find((d) => d.key === devices[0]!.token)!.payload;
    expect(fcmPayload).toMatchObject({ notification, data: { article: '42' }, android: { priority: 'HIGH', ttl: '3600s', collapse_key: 'news' } });
    const apnsPayload = kit.apns.ledger.deliveries.find((d) => d.key === devices[1]!.token)!.payload;
    expect(apnsPayload).toMatchObject({ aps: { alert: notification }, article: '42' });
    const apnsHeaders = kit.apns.headers[0]!;
    expect(apnsHeaders).toMatchObject({ 'apns-topic': kit.apns.bundleId, 'apns-push-type': 'alert', 'apns-priority': '10', 'apns-collapse-id': 'news' });
    expect(Number(apnsHeaders['apns-expiration'])).toBeGreaterThan(Date.now() / 1000 + 3000);
    // Decrypted by the fake with the subscription's private key.
    const webPayload = kit.webpush.ledger.deliveries.find((d) => d.key === devices[2]!.token)!.payload;
    expect(webPayload).toEqual({ notification, data: { article: '42' } });
    // One OAuth2 grant serves all FCM sends (the access token is cached), one APNs provider token too.
    expect(kit.fcm.grants).toBe(1);
    expect(kit.apns.providerTokens.size).toBe(1);
  }, 300_000);

  it('targets users, topics and devices together without sending any device twice', async () => {
    const alice = await kit.auth.signup();
    const aliceDevices = [await kit.register('fcm', { as: alice.as, topics: ['t1'] }), await kit.register('webpush', { as: alice.as })];
    const loose = await kit.register('apns', { topics: ['t1'] });
    const sent = await kit.send({ target: { users: [alice.user.id], topics: ['t1'], devices: [aliceDevices[0]!.id, loose.id] }, notification });
    const done = await kit.finished(sent.id);
    expect(done.counts).toEqual({ targeted: 3, sent: 3, failed: 0, invalidTokens: 0 });
    for (const d of [...aliceDevices, loose]) expect(kit.deliveries(d)).toBe(1);
  }, 60_000);

  it('removes devices whose tokens the providers report as gone', async () => {
    const fcmGone = await kit.register('fcm');
    const fcmBadRequest = await kit.register('fcm');
    const apnsGone = await kit.register('apns');
    const apnsBad = await kit.register('apns');
    const webGone = await kit.register('webpush');
    const web404 = await kit.register('webpush');
    const healthy = await kit.register('webpush');
    kit.fcm.ledger.unregister(fcmGone.token); // 404 UNREGISTERED
    kit.fcm.ledger.script(fcmBadRequest.token, { status: 400, reason: 'UNREGISTERED' });
    kit.apns.ledger.unregister(apnsGone.token); // 410 Unregistered
    kit.apns.ledger.script(apnsBad.token, { status: 400, reason: 'BadDeviceToken' });
    kit.webpush.ledger.unregister(webGone.token); // 410
    kit.webpush.ledger.script(web404.token, { status: 404 });
    const gone = [fcmGone, fcmBadRequest, apnsGone, apnsBad, webGone, web404];
    const sent = await kit.send({ target: { devices: [...gone, healthy].map((d) => d.id) }, notification });
    const done = await kit.finished(sent.id);
    expect(done).toMatchObject({ status: 'done', counts: { targeted: 7, sent: 1, failed: 0, invalidTokens: 6 } });
    for (const d of gone) expect(await kit.deviceExists(d.id)).toBe(false);
    const invalid = await kit.req<PushPage<PushDelivery>>('GET', `/api/push/messages/${done.id}/deliveries?status=invalid&limit=4`, kit.admin);
    expect(invalid.body.items).toHaveLength(4);
    const rest = await kit.req<PushPage<PushDelivery>>('GET', `/api/push/messages/${done.id}/deliveries?status=invalid&cursor=${invalid.body.nextCursor}`, kit.admin);
    expect([...invalid.body.items, ...rest.body.items].map((r) => r.deviceId).sort()).toEqual(gone.map((d) => d.id).sort());
    expect(await kit.deviceExists(healthy.id)).toBe(true);
  }, 60_000);

  it('retries a 503 with Retry-After until the provider accepts, on every platform', async () => {
    const devices = await Promise.all(PLATFORMS.map((p) => kit.register(p)));
    for (const d of devices) kit.ledger(d.platform).script(d.token, { status: 503, retryAfterSeconds: 1 });
    const before = Date.now();
    const sent = await kit.send({ target: { devices: devices.map((d) => d.id) }, notification });
    const done = await kit.finished(sent.id);
    expect(done).toMatchObject({ status: 'done', counts: { targeted: 3, sent: 3, failed: 0, invalidTokens: 0 } });
    for (const d of devices) expect(kit.deliveries(d)).toBe(1);
    // The retry waited for Retry-After (1 s) before the second try.
    const accepted = devices.map((d) => kit.ledger(d.platform).deliveries.find((x) => x.key === d.token)!.at);
    expect(Math.min(...accepted) - before).toBeGreaterThanOrEqual(1000);
  }, 60_000);

  it('retries 429 and 500 answers with backoff as well', async () => {
    const d = await kit.register('fcm');
    kit.fcm.ledger.script(d.token, { status: 429 }, { status: 500 });
    const done = await kit.finished((await kit.send({ target: { devices: [d.id] }, notification })).id);
    expect(done.counts).toEqual({ targeted: 1, sent: 1, failed: 0, invalidTokens: 0 });
    expect(kit.deliveries(d)).toBe(1);
  }, 60_000);

  it('marks a device failed (not removed) when the provider refuses the message for good', async () => {
    const d = await kit.register('apns');
    kit.apns.ledger.script(d.token, { status: 400, reason: 'BadMessageId' });
    const done = await kit.finished((await kit.send({ target: { devices: [d.id] }, notification })).id);
    expect(done).toMatchObject({ status: 'failed', counts: { targeted: 1, sent: 0, failed: 1, invalidTokens: 0 } });
    expect(await kit.deviceExists(d.id)).toBe(true);
    // The admin sees why, per device.
    const rows = await kit.req<PushPage<PushDelivery>>('GET', `/api/push/messages/${done.id}/deliveries`, kit.admin);
    expect(rows.body).toEqual({ items: [{ deviceId: d.id, status: 'failed', attempts: 1, error: 'apns 400 BadMessageId', updatedAt: expect.any(String) }], nextCursor: null });
  }, 60_000);

  it('obtains a new FCM access token when the cached one is refused', async () => {
    const d = await kit.register('fcm');
    const grants = kit.fcm.grants;
    kit.fcm.expireTokens();
    const done = await kit.finished((await kit.send({ target: { devices: [d.id] }, notification })).id);
    expect(done.counts.sent).toBe(1);
    expect(kit.fcm.grants).toBe(grants + 1);
    // The 401 answer to the stale token is the fake doing its job, not a protocol error.
    kit.fcm.ledger.rejections.splice(0);
  }, 60_000);

  it('holds a scheduled message until its time', async () => {
    const d = await kit.register('webpush');
    const sendAt = new Date(Date.now() + 4000).toISOString();
    const sent = await kit.send({ target: { devices: [d.id] }, notification, sendAt });
    // Looked at a second before its time, however long the send took on a loaded machine.
    await sleepUntil(Date.parse(sendAt) - 1000);
    expect(kit.deliveries(d)).toBe(0);
    expect((await kit.message(sent.id)).status).toBe('queued');
    const done = await kit.finished(sent.id, 30_000);
    expect(done.status).toBe('done');
    const at = kit.webpush.ledger.deliveries.find((x) => x.key === d.token)!.at;
    expect(at).toBeGreaterThanOrEqual(Date.parse(sendAt));
    expect(done.sendAt).toBe(sendAt);
  }, 60_000);

  it('cancels a scheduled message, which is then never sent; a finished one cannot be cancelled', async () => {
    const d = await kit.register('fcm');
    const sendAt = new Date(Date.now() + 4000).toISOString();
    const sent = await kit.send({ target: { devices: [d.id] }, notification, sendAt });
    const cancelled = await kit.req<PushMessage>('DELETE', `/api/push/messages/${sent.id}`, kit.admin);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    // Cancelling again is harmless.
    expect((await kit.req('DELETE', `/api/push/messages/${sent.id}`, kit.admin)).status).toBe(200);
    await sleepUntil(Date.parse(sendAt) + 2500);
    expect(kit.deliveries(d)).toBe(0);
    expect((await kit.message(sent.id)).status).toBe('cancelled');

    const now = await kit.send({ target: { devices: [d.id] }, notification });
    await kit.finished(now.id);
    const late = await kit.req<{ error: { code: string } }>('DELETE', `/api/push/messages/${now.id}`, kit.admin);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('conflict');
    expect((await kit.req('DELETE', '/api/push/messages/0190a4c2-0000-7000-8000-000000000000', kit.admin)).status).toBe(404);
  }, 60_000);

  it('makes one message of two sends with the same idempotencyKey', async () => {
    const d = await kit.register('apns');
    const body = { target: { devices: [d.id] }, notification, idempotencyKey: `welcome-${d.id}` };
    const [a, b] = await Promise.all([kit.send(body), kit.send(body)]);
    expect(b.id).toBe(a.id);
    const c = await kit.send(body);
    expect(c.id).toBe(a.id);
    await kit.finished(a.id);
    await new Promise((r) => setTimeout(r, 1000));
    expect(kit.deliveries(d)).toBe(1);
    const list = await kit.req<{ items: PushMessage[] }>('GET', '/api/push/messages?limit=500', kit.admin);
    expect(list.body.items.filter((m) => m.idempotencyKey === body.idempotencyKey)).toHaveLength(1);
  }, 60_000);

  it('lists messages newest first with a cursor', async () => {
    const d = await kit.register('fcm');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await kit.send({ target: { devices: [d.id] }, notification })).id);
    const first = await kit.req<{ items: PushMessage[]; nextCursor: string }>('GET', '/api/push/messages?limit=2', kit.admin);
    expect(first.body.items.map((m) => m.id)).toEqual([ids[2], ids[1]]);
    const second = await kit.req<{ items: PushMessage[] }>('GET', `/api/push/messages?limit=2&cursor=${first.body.nextCursor}`, kit.admin);
    expect(second.body.items[0]!.id).toBe(ids[0]);
    await eventually(async () => (await Promise.all(ids.map((id) => kit.message(id)))).every((m) => m.status === 'done'), 30_000);
  }, 60_000);
});

