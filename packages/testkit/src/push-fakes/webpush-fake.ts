import { createDecipheriv, createECDH, createPublicKey, type ECDH, hkdfSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { DeliveryLedger } from './delivery-ledger';
import { verifyJws } from './jwt-check';

export interface FakeSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface WebPushFakeOptions {
  tls: { key: string; cert: string };
}

/**
 * A Web Push service (RFC 8030) over HTTPS. It plays the browser too: subscriptions it hands out
 * hold a P-256 key pair and auth secret, and every push must be RFC 8291 aes128gcm that decrypts
 * with them, carry `TTL`, and be authorised with VAPID (RFC 8292: `vapid t=<ES256 JWT>, k=<key>`,
 * aud = this origin, exp within 24 h, sub a mailto: or https: URL). The ledger records the plaintext.
 */
export class WebPushFake {
  readonly ledger = new DeliveryLedger();
  /** When set, the VAPID public key every push must be signed with (the one the server publishes). */
  expectedVapidKey?: string;
  url = '';
  private readonly subscriptions = new Map<string, { ecdh: ECDH; auth: Buffer; endpoint: string }>();
  private server?: Server;

  static async start(opts: WebPushFakeOptions): Promise<WebPushFake> {
    const fake = new WebPushFake();
    fake.server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `https://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** A new browser subscription, as `PushSubscription.toJSON()` gives it. */
  subscribe(): FakeSubscription {
    const id = randomBytes(12).toString('hex');
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    const endpoint = `${this.url}/push/${id}`;
    this.subscriptions.set(id, { ecdh, auth, endpoint });
    return { endpoint, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') } };
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
      req.on('error', reject);
    });
    const match = /^\/push\/([0-9a-f]+)$/.exec(new URL(req.url ?? '/', this.url).pathname);
    const sub = match ? this.subscriptions.get(match[1]!) : undefined;
    if (req.method !== 'POST' || !sub) return text(res, 404, 'no such subscription');
    const key = sub.endpoint;
    this.ledger.requests += 1;
    const refuse = (status: number, reason: string) => {
      this.ledger.reject(key, reason);
      text(res, status, reason);
    };
    const vapidProblem = this.checkVapid(String(req.headers.authorization ?? ''));
    if (vapidProblem) return refuse(401, `VAPID: ${vapidProblem}`);
    if (!/^\d+$/.test(String(req.headers.ttl ?? ''))) return refuse(400, 'TTL header missing or not a number');
    const urgency = req.headers.urgency;
    if (urgency !== undefined && !['very-low', 'low', 'normal', 'high'].includes(String(urgency))) return refuse(400, 'bad Urgency');
    if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(415, 'Content-Encoding must be aes128gcm');
    let plaintext: string;
    try {
      plaintext = decryptAes128gcm(body, sub.ecdh, sub.auth);
    } catch (e) {
      return refuse(400, `payload does not decrypt: ${(e as Error).message}`);
    }
    await this.ledger.pause();
    const reply = this.ledger.take(key);
    if (reply === 'gone') return text(res, 410, 'push subscription has unsubscribed or expired');
    if (reply) {
      if (reply.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(reply.retryAfterSeconds));
      return text(res, reply.status, reply.reason ?? `scripted ${reply.status}`);
    }
    let payload: unknown = plaintext;
    try {
      payload = JSON.parse(plaintext);
    } catch {
      // a text push is fine too
    }
    this.ledger.record(key, payload);
    res.writeHead(201, { location: `${this.url}/message/${randomBytes(8).toString('hex')}` });
    res.end();
  }

  private checkVapid(authorization: string): string | null {
    const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
    if (!m) return 'Authorization must be "vapid t=<jwt>, k=<key>"';
    const [, jwt, k] = m;
    if (this.expectedVapidKey && k !== this.expectedVapidKey) return 'k is not the published application server key';
    const raw = Buffer.from(k!, 'base64url');
    if (raw.length !== 65 || raw[0] !== 4) return 'k is not an uncompressed P-256 key';
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
    try {
      const { claims } = verifyJws(jwt!, 'ES256', key);
      const now = Math.floor(Date.now() / 1000);
      if (claims.aud !== this.url) return `aud must be ${this.url}`;
      if (typeof claims.exp !== 'number' || claims.exp <= now || claims.exp > now + 24 * 3600) return 'exp must be within 24 hours';
      if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub)) return 'sub must be a mailto: or https: URL';
    } catch (e) {
      return (e as Error).message;
    }
    return null;
  }
}

/** RFC 8291 with RFC 8188 framing: one record, as push services deliver (at most 4096 bytes). */
export function decryptAes128gcm(body: Buffer, receiver: ECDH, authSecret: Buffer): string {
  if (body.length < 21 + 65 + 17) throw new Error('too short');
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  if (idlen !== 65) throw new Error('keyid must be the 65-byte sender public key');
  const senderPublic = body.subarray(21, 21 + idlen);
  const record = body.subarray(21 + idlen);
  if (record.length > rs) throw new Error('more than one record');
  const shared = receiver.computeSecret(senderPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), receiver.getPublicKey(), senderPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', shared, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 2) throw new Error('last record must end with the 0x02 delimiter');
  return padded.subarray(0, end).toString('utf8');
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  res.end(body);
}
