import { connect, type ClientHttp2Session, constants } from 'node:http2';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { signJws } from './jws.js';
import { errorMessage, isRetryableStatus, parseRetryAfter, type PushContent, type PushDestination, type PushProvider, type SendOutcome } from './push-provider.js';

export const APNS_PRODUCTION_URL = 'https://api.push.apple.com';
export const APNS_SANDBOX_URL = 'https://api.sandbox.push.apple.com';
/** Apple refuses provider tokens older than an hour and throttles renewals more often than every 20 minutes. */
const TOKEN_RENEW_MS = 50 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface ApnsCredentials {
  key: KeyObject;
  keyId: string;
  teamId: string;
  bundleId: string;
  baseUrl: string;
}

export function parseApnsKey(p8: string): KeyObject {
  try {
    const key = createPrivateKey(p8);
    if (key.asymmetricKeyType !== 'ec') throw new Error('not EC');
    return key;
  } catch {
    throw new Error('push.apns.keyP8 is not a PEM EC (P-256) private key');
  }
}

interface Http2Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** APNs over HTTP/2 with token-based auth: an ES256 JWT (kid, iss = team id) renewed within the hour. */
export class ApnsProvider implements PushProvider {
  readonly platform = 'apns';
  private session?: ClientHttp2Session;
  private jwt?: { value: string; issuedAt: number };

  constructor(private readonly creds: ApnsCredentials) {}

  async send(destination: PushDestination, content: PushContent): Promise<SendOutcome> {
    try {
      let answer = await this.post(destination, content);
      if (answer.status === 403 && reasonOf(answer) === 'ExpiredProviderToken') {
        this.jwt = undefined;
        answer = await this.post(destination, content);
      }
      return outcomeOf(answer);
    } catch (e) {
      return { kind: 'retry', reason: `apns: ${errorMessage(e)}` };
    }
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session && !session.closed) await new Promise<void>((resolve) => session.close(() => resolve()));
  }

  private providerToken(): string {
    if (this.jwt && Date.now() - this.jwt.issuedAt < TOKEN_RENEW_MS) return this.jwt.value;
    const issuedAt = Date.now();
    const value = signJws('ES256', { kid: this.creds.keyId }, { iss: this.creds.teamId, iat: Math.floor(issuedAt / 1000) }, this.creds.key);
    this.jwt = { value, issuedAt };
    return value;
  }

  /** One HTTP/2 connection per provider, reopened when the server closes it (GOAWAY, idle, error). */
  private connection(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const session = connect(this.creds.baseUrl);
    session.on('error', () => {
      if (this.session === session) this.session = undefined;
    });
    session.on('goaway', () => {
      if (this.session === session) this.session = undefined;
    });
    session.on('close', () => {
      if (this.session === session) this.session = undefined;
    });
    session.unref();
    this.session = session;
    return session;
  }

  private post(destination: PushDestination, content: PushContent): Promise<Http2Answer> {
    const body = JSON.stringify(apnsPayload(content));
    const headers: Record<string, string> = {
      [constants.HTTP2_HEADER_METHOD]: 'POST',
      [constants.HTTP2_HEADER_PATH]: `/3/device/${encodeURIComponent(destination.token)}`,
      authorization: `bearer ${this.providerToken()}`,
      'apns-topic': this.creds.bundleId,
      'apns-push-type': 'alert',
      'apns-priority': content.priority === 'high' ? '10' : '5',
      'apns-expiration': content.ttl === 0 ? '0' : String(Math.floor(Date.now() / 1000) + content.ttl),
      'content-type': 'application/json',
      ...(content.collapseKey && { 'apns-collapse-id': content.collapseKey }),
    };
    return new Promise<Http2Answer>((resolve, reject) => {
      const req = this.connection().request(headers);
      let status = 0;
      let responseHeaders: Http2Answer['headers'] = {};
      let text = '';
      req.setEncoding('utf8');
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.close(constants.NGHTTP2_CANCEL));
      req.on('response', (h) => {
        status = Number(h[constants.HTTP2_HEADER_STATUS]);
        responseHeaders = h as Http2Answer['headers'];
      });
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => (status ? resolve({ status, headers: responseHeaders, body: text }) : reject(new Error('stream ended without a response'))));
      req.on('error', reject);
      req.on('close', () => {
        if (!status) reject(new Error('stream closed without a response'));
      });
      req.end(body);
    });
  }
}

function apnsPayload(c: PushContent): Record<string, unknown> {
  const { title, body, image, sound, badge } = c.notification;
  return {
    ...(c.data ?? {}),
    aps: {
      alert: { title, body },
      ...(sound && { sound }),
      ...(badge !== undefined && { badge }),
      // A notification service extension downloads the image; it only runs with mutable-content.
      ...(image && { 'mutable-content': 1 }),
    },
    ...(image && { image }),
  };
}

function reasonOf(answer: Http2Answer): string {
  try {
    return (JSON.parse(answer.body) as { reason?: string }).reason ?? '';
  } catch {
    return '';
  }
}

function outcomeOf(answer: Http2Answer): SendOutcome {
  if (answer.status === 200) return { kind: 'sent' };
  const reason = `apns ${answer.status} ${reasonOf(answer)}`.trim();
  if (answer.status === 410 || (answer.status === 400 && reasonOf(answer) === 'BadDeviceToken')) return { kind: 'invalid', reason };
  if (isRetryableStatus(answer.status)) return { kind: 'retry', reason, retryAfterMs: parseRetryAfter(answer.headers['retry-after']) };
  return { kind: 'failed', reason };
}
