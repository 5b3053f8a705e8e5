import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DeliveryLedger, type ScriptedReply } from './delivery-ledger';
import { verifyJws } from './jwt-check';

const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';

export interface FcmFakeOptions {
  tls: { key: string; cert: string };
  projectId?: string;
  /** Lifetime of the access tokens it issues. */
  tokenTtlSeconds?: number;
}

/**
 * FCM HTTP v1 and Google's OAuth2 token endpoint, over HTTPS. It owns a service account (an RSA key
 * pair): the JWT-bearer grant must be signed with that key (iss, aud = token URI, scope, exp), and
 * `messages:send` must carry an access token it issued and that has not expired.
 */
export class FcmFake {
  readonly ledger = new DeliveryLedger();
  readonly projectId: string;
  readonly clientEmail: string;
  /** Access tokens issued (grants that succeeded). */
  grants = 0;
  url = '';
  private readonly publicKey: KeyObject;
  private readonly privateKeyPem: string;
  private readonly tokens = new Map<string, number>();
  private server?: Server;

  private constructor(private readonly opts: FcmFakeOptions) {
    this.projectId = opts.projectId ?? 'basalt-test';
    this.clientEmail = `push@${this.projectId}.iam.gserviceaccount.com`;
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.publicKey = publicKey;
    this.privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  static async start(opts: FcmFakeOptions): Promise<FcmFake> {
    const fake = new FcmFake(opts);
    fake.server = createServer({ key: opts.tls.key, cert: opts.tls.cert }, (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `https://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  get tokenUri(): string {
    return `${this.url}/token`;
  }

  /** The JSON an admin downloads from the Firebase console, pointing at this fake. */
  serviceAccountJson(): string {
    return JSON.stringify({
      type: 'service_account',
      project_id: this.projectId,
      private_key_id: 'test',
      private_key: this.privateKeyPem,
      client_email: this.clientEmail,
      token_uri: this.tokenUri,
    });
  }

  /** Makes every issued access token expire now (the server must obtain a new one). */
  expireTokens(): void {
    for (const t of this.tokens.keys()) this.tokens.set(t, 0);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', this.url);
    if (req.method === 'POST' && url.pathname === '/token') return this.grant(body, res);
    const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(url.pathname);
    if (req.method === 'POST' && send) return this.send(decodeURIComponent(send[1]!), req, body, res);
    json(res, 404, { error: { code: 404, status: 'NOT_FOUND', message: 'no such route' } });
  }

  private grant(body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return json(res, 400, { error: 'unsupported_grant_type' });
    try {
      const { claims } = verifyJws(form.get('assertion') ?? '', 'RS256', this.publicKey);
      const now = Math.floor(Date.now() / 1000);
      if (claims.iss !== this.clientEmail) throw new Error('iss is not the service account');
      if (claims.aud !== this.tokenUri) throw new Error('aud is not the token URI');
      if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(FCM_SCOPE)) throw new Error('scope lacks firebase.messaging');
      if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number' || claims.exp <= now || claims.exp - claims.iat > 3600 || claims.iat > now + 60) {
        throw new Error('iat/exp out of range');
      }
    } catch (e) {
      this.ledger.reject('token', `grant: ${(e as Error).message}`);
      return json(res, 400, { error: 'invalid_grant', error_description: (e as Error).message });
    }
    const token = `ya29.${randomBytes(24).toString('base64url')}`;
    const ttl = this.opts.tokenTtlSeconds ?? 3600;
    this.tokens.set(token, Date.now() + ttl * 1000);
    this.grants += 1;
    json(res, 200, { access_token: token, expires_in: ttl, token_type: 'Bearer' });
  }

  private async send(project: string, req: IncomingMessage, body: string, res: ServerResponse): Promise<void> {
    this.ledger.requests += 1;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expires = bearer ? this.tokens.get(bearer) : undefined;
    if (!bearer || expires === undefined || expires <= Date.now()) {
      this.ledger.reject('?', 'messages:send without a valid access token');
      return json(res, 401, { error: { code: 401, status: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials.' } });
    }
    if (project !== this.projectId) return json(res, 403, { error: { code: 403, status: 'PERMISSION_DENIED', message: 'wrong project' } });
    let message: { token?: unknown; notification?: { title?: unknown; body?: unknown }; data?: Record<string, unknown> };
    try {
      message = (JSON.parse(body) as { message: typeof message }).message;
    } catch {
      return json(res, 400, fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT'));
    }
    const token = typeof message?.token === 'string' ? message.token : '';
    const badData = message?.data && Object.values(message.data).some((v) => typeof v !== 'string');
    if (!token || badData) {
      this.ledger.reject(token || '?', 'malformed message');
      return json(res, 400, fcmError(400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT'));
    }
    await this.ledger.pause();
    const reply = this.ledger.take(token);
    if (reply === 'gone') return json(res, 404, fcmError(404, 'NOT_FOUND', 'UNREGISTERED'));
    if (reply) return scripted(res, reply);
    this.ledger.record(token, message);
    json(res, 200, { name: `projects/${this.projectId}/messages/${randomBytes(8).toString('hex')}` });
  }
}

function fcmError(code: number, status: string, errorCode: string): unknown {
  return { error: { code, status, message: errorCode, details: [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode }] } };
}

function scripted(res: ServerResponse, reply: ScriptedReply): void {
  if (reply.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(reply.retryAfterSeconds));
  const status = reply.status === 404 ? 'NOT_FOUND' : reply.status === 429 ? 'RESOURCE_EXHAUSTED' : reply.status >= 500 ? 'UNAVAILABLE' : 'INVALID_ARGUMENT';
  json(res, reply.status, fcmError(reply.status, status, reply.reason ?? status));
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
