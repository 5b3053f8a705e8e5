import { generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { constants, createSecureServer, type Http2SecureServer, type IncomingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { DeliveryLedger, type ScriptedReply } from './delivery-ledger';
import { verifyJws } from './jwt-check';

const PUSH_TYPES = new Set(['alert', 'background', 'location', 'voip', 'complication', 'fileprovider', 'mdm', 'liveactivity', 'pushtotalk']);
const TOKEN = /^[0-9a-fA-F]{64,200}$/;

export interface ApnsFakeOptions {
  tls: { key: string; cert: string };
  teamId?: string;
  keyId?: string;
  bundleId?: string;
}

/**
 * APNs' provider API over HTTP/2 + TLS. It owns the .p8 signing key (an EC P-256 pair): requests
 * must carry `authorization: bearer <ES256 JWT>` with kid = key id, iss = team id and an iat less
 * than an hour old, `apns-topic` = the bundle id, a known `apns-push-type`, a valid
 * `apns-priority` / `apns-expiration`, and a JSON body with `aps` of at most 4 KB.
 */
export class ApnsFake {
  readonly ledger = new DeliveryLedger();
  readonly teamId: string;
  readonly keyId: string;
  readonly bundleId: string;
  /** Every distinct provider token (JWT) seen: renewed tokens show up here. */
  readonly providerTokens = new Set<string>();
  /** The request headers of every accepted delivery, for header assertions. */
  readonly headers: IncomingHttpHeaders[] = [];
  url = '';
  private readonly publicKey: KeyObject;
  /** The .p8 file's contents (PKCS#8 PEM), as Apple hands it out. */
  readonly keyP8: string;
  private server?: Http2SecureServer;

  private constructor(opts: ApnsFakeOptions) {
    this.teamId = opts.teamId ?? 'TEAM123456';
    this.keyId = opts.keyId ?? 'KEY1234567';
    this.bundleId = opts.bundleId ?? 'dev.basalt.test';
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.publicKey = publicKey;
    this.keyP8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  static async start(opts: ApnsFakeOptions): Promise<ApnsFake> {
    const fake = new ApnsFake(opts);
    fake.server = createSecureServer({ key: opts.tls.key, cert: opts.tls.cert, allowHTTP1: false });
    fake.server.on('stream', (stream, headers) => fake.handle(stream, headers));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `https://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      // Open HTTP/2 sessions keep close() waiting; the server under test reconnects as it would after a GOAWAY.
      setTimeout(resolve, 1000).unref();
    });
  }

  private handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders): void {
    stream.on('error', () => undefined);
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => void this.answer(stream, headers, body));
  }

  private async answer(stream: ServerHttp2Stream, h: IncomingHttpHeaders, body: string): Promise<void> {
    const path = String(h[constants.HTTP2_HEADER_PATH] ?? '');
    const match = /^\/3\/device\/([^/?]+)$/.exec(path);
    if (h[constants.HTTP2_HEADER_METHOD] !== 'POST') return reply(stream, 405, 'MethodNotAllowed');
    if (!match) return reply(stream, 404, 'BadPath');
    const token = decodeURIComponent(match[1]!);
    this.ledger.requests += 1;
    const refuse = (status: number, reason: string) => {
      this.ledger.reject(token, reason);
      reply(stream, status, reason);
    };
    const auth = /^bearer (.+)$/.exec(String(h.authorization ?? ''))?.[1];
    if (!auth) return refuse(403, 'MissingProviderToken');
    try {
      const { header, claims } = verifyJws(auth, 'ES256', this.publicKey);
      if (header.kid !== this.keyId) throw new Error('kid');
      if (claims.iss !== this.teamId) throw new Error('iss');
      const now = Math.floor(Date.now() / 1000);
      if (typeof claims.iat !== 'number' || claims.iat > now + 60) throw new Error('iat');
      if (now - claims.iat > 3600) return refuse(403, 'ExpiredProviderToken');
    } catch {
      return refuse(403, 'InvalidProviderToken');
    }
    this.providerTokens.add(auth);
    if (!h['apns-topic']) return refuse(400, 'MissingTopic');
    if (h['apns-topic'] !== this.bundleId) return refuse(400, 'TopicDisallowed');
    if (!PUSH_TYPES.has(String(h['apns-push-type'] ?? ''))) return refuse(400, 'InvalidPushType');
    if (h['apns-priority'] !== undefined && !['5', '10', '1'].includes(String(h['apns-priority']))) return refuse(400, 'BadPriority');
    if (h['apns-expiration'] !== undefined && !/^\d+$/.test(String(h['apns-expiration']))) return refuse(400, 'BadExpirationDate');
    if (h['apns-collapse-id'] !== undefined && Buffer.byteLength(String(h['apns-collapse-id'])) > 64) return refuse(400, 'BadCollapseId');
    if (!TOKEN.test(token)) return refuse(400, 'BadDeviceToken');
    if (Buffer.byteLength(body) > 4096) return refuse(413, 'PayloadTooLarge');
    let payload: { aps?: unknown };
    try {
      payload = JSON.parse(body) as { aps?: unknown };
    } catch {
      return refuse(400, 'PayloadEmpty');
    }
    if (typeof payload?.aps !== 'object' || payload.aps === null) return refuse(400, 'PayloadEmpty');
    await this.ledger.pause();
    const scriptedReply = this.ledger.take(token);
    if (scriptedReply === 'gone') return reply(stream, 410, 'Unregistered', { timestamp: Date.now() });
    if (scriptedReply) return scripted(stream, scriptedReply);
    this.ledger.record(token, payload);
    this.headers.push(h);
    if (!stream.destroyed) {
      stream.respond({ [constants.HTTP2_HEADER_STATUS]: 200, 'apns-id': randomUUID() });
      stream.end();
    }
  }
}

function reply(stream: ServerHttp2Stream, status: number, reason: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  if (stream.destroyed) return;
  stream.respond({ [constants.HTTP2_HEADER_STATUS]: status, 'content-type': 'application/json', 'apns-id': randomUUID(), ...headers });
  stream.end(JSON.stringify({ reason, ...extra }));
}

function scripted(stream: ServerHttp2Stream, r: ScriptedReply): void {
  const reason = r.reason ?? (r.status === 429 ? 'TooManyRequests' : r.status >= 500 ? 'ServiceUnavailable' : r.status === 410 ? 'Unregistered' : 'BadDeviceToken');
  reply(stream, r.status, reason, {}, r.retryAfterSeconds !== undefined ? { 'retry-after': String(r.retryAfterSeconds) } : {});
}
