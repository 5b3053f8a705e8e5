// Push throughput: `devices` Web Push devices registered over HTTP (subscriptions from the testkit's
// Web Push fake, which speaks RFC 8030/8291/8292 over HTTPS and decrypts every push), one message to
// all of them by topic, and messages/s from `POST /api/push/messages` until the fake holds them all.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { api, startBasalt, TEST_ADMIN } from '../lib/services.mjs';

const require = createRequire(import.meta.url);
const { WebPushFake, makeTestCertificates } = require('@basalt/testkit');
const now = () => performance.timeOrigin + performance.now();

export async function runPush({ devices = 10_000, logDir, logLevel = 'info', log = console.error, timeoutMs = 600_000 }) {
  const certs = makeTestCertificates();
  const fake = await WebPushFake.start({ tls: { key: certs.key, cert: certs.cert } });
  // The server trusts the fake's test CA the way an operator adds a CA: NODE_EXTRA_CA_CERTS.
  const basalt = await startBasalt({ drivers: 'scaled', logDir, logLevel, env: { NODE_EXTRA_CA_CERTS: certs.caFile } });
  try {
    const { token: admin } = await api(basalt.url, 'POST', '/api/admin/auth', { body: TEST_ADMIN });
    const { vapidPublicKey } = await api(basalt.url, 'GET', '/api/push/webpush/key');
    fake.expectedVapidKey = vapidPublicKey;

    log(`push: registering ${devices} Web Push devices`);
    const registerStart = now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < devices; i = next++) {
        await api(basalt.url, 'POST', '/api/push/devices', { body: { platform: 'webpush', subscription: fake.subscribe(), topics: ['bench'] } });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const registerSeconds = (now() - registerStart) / 1000;

    log('push: sending one message to topic bench');
    const sentAt = now();
    const { id } = await api(basalt.url, 'POST', '/api/push/messages', {
      token: admin,
      body: { target: { topics: ['bench'] }, notification: { title: 'Bench', body: 'throughput' }, idempotencyKey: `bench-${Date.now()}` },
    });
    let message;
    let allAt;
    const deadline = sentAt + timeoutMs;
    while (now() < deadline) {
      if (allAt === undefined && fake.ledger.total >= devices) allAt = now();
      message = await api(basalt.url, 'GET', `/api/push/messages/${id}`, { token: admin });
      if ((message.status === 'done' || message.status === 'failed') && allAt !== undefined) break;
      if (message.status === 'done' || message.status === 'failed') {
        // Done by the server's count: give the fake a moment to finish decrypting the last ones.
        await new Promise((r) => setTimeout(r, 200));
        if (fake.ledger.total >= devices) allAt ??= now();
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const doneAt = now();
    const seconds = ((allAt ?? doneAt) - sentAt) / 1000;
    return {
      devices,
      registerPerSecond: devices / registerSeconds,
      status: message?.status,
      counts: message?.counts,
      received: fake.ledger.total,
      rejected: fake.ledger.rejections.length,
      seconds,
      messagesPerSecond: fake.ledger.total / seconds,
    };
  } finally {
    await basalt.stop();
    await fake.close();
    certs.cleanup();
  }
}

export function pushTable(r) {
  return [
    `Push: one message to ${r.devices} Web Push devices (topic), through the testkit's Web Push fake`,
    '',
    '| figure | value |',
    '| --- | ---: |',
    `| messages/s (send request -> all received by the fake) | ${r.messagesPerSecond.toFixed(0)} |`,
    `| seconds to deliver all | ${r.seconds.toFixed(1)} |`,
    `| received by the fake / rejected by it | ${r.received} / ${r.rejected} |`,
    `| message status, counts | ${r.status} ${JSON.stringify(r.counts)} |`,
    `| device registrations/s (16 concurrent) | ${r.registerPerSecond.toFixed(0)} |`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await runPush({ devices: Number(process.env.BENCH_PUSH_DEVICES ?? 10_000), logDir: process.env.BENCH_OUT ?? '/tmp' });
  console.log(pushTable(r));
}
