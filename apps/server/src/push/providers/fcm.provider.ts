import { createPrivateKey, type KeyObject } from 'node:crypto';
import { signJws } from './jws.js';
import { errorMessage, isRetryableStatus, parseRetryAfter, type PushContent, type PushDestination, type PushProvider, type SendOutcome } from './push-provider.js';

export const FCM_DEFAULT_BASE_URL = 'https://fcm.googleapis.com';
const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
const DEFAULT_TOKEN_URI = 'https://oauth2.googleapis.com/token';
/** An access token is renewed this long before Google says it expires. */
const TOKEN_MARGIN_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface ServiceAccount {
  projectId: string;
  clientEmail: string;
  privateKey: KeyObject;
  tokenUri: string;
}

/** The service-account JSON an admin downloads from the Firebase console. Throws a readable message when it is not one. */
export function parseServiceAccount(json: string): ServiceAccount {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json) as Record<string, unknown>;
  } catch {
    throw new Error('push.fcm.serviceAccount is not JSON');
  }
  for (const field of ['project_id', 'client_email', 'private_key'] as const) {
    if (typeof raw[field] !== 'string' || raw[field] === '') throw new Error(`push.fcm.serviceAccount has no ${field}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(raw.private_key as string);
  } catch {
    throw new Error('push.fcm.serviceAccount private_key is not a PEM private key');
  }
  return {
    projectId: raw.project_id as string,
    clientEmail: raw.client_email as string,
    privateKey,
    tokenUri: typeof raw.token_uri === 'string' && raw.token_uri ? raw.token_uri : DEFAULT_TOKEN_URI,
  };
}

/**
 * FCM HTTP v1. Authenticates with an OAuth2 access token obtained by the JWT-bearer grant
 * (RFC 7523) signed with the service account's key, cached until shortly before it expires.
 */
export class FcmProvider implements PushProvider {
  readonly platform = 'fcm';
  private token?: { value: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly account: ServiceAccount,
    private readonly baseUrl: string,
  ) {}

  async send(destination: PushDestination, content: PushContent): Promise<SendOutcome> {
    try {
      let res = await this.post(destination, content, await this.accessToken());
      if (res.status === 401) {
        // Revoked or expired early: one fresh token, one more try.
        this.token = undefined;
        res = await this.post(destination, content, await this.accessToken());
      }
      return await outcomeOf(res);
    } catch (e) {
      return { kind: 'retry', reason: `fcm: ${errorMessage(e)}` };
    }
  }

  async close(): Promise<void> {}

  private post(destination: PushDestination, content: PushContent, accessToken: string): Promise<Response> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(this.account.projectId)}/messages:send`;
    return fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ message: fcmMessage(destination.token, content) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - TOKEN_MARGIN_MS > Date.now()) return this.token.value;
    // One grant at a time: concurrent sends share it.
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const assertion = signJws(
      'RS256',
      {},
      { iss: this.account.clientEmail, scope: FCM_SCOPE, aud: this.account.tokenUri, iat: now, exp: now + 3600 },
      this.account.privateKey,
    );
    const res = await fetch(this.account.tokenUri, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string; expires_in?: number; error?: string };
    if (!res.ok || typeof body.access_token !== 'string') throw new Error(`token endpoint answered ${res.status} ${body.error ?? ''}`.trim());
    this.token = { value: body.access_token, expiresAt: Date.now() + (body.expires_in ?? 3600) * 1000 };
    return body.access_token;
  }
}

function fcmMessage(token: string, c: PushContent): Record<string, unknown> {
  const { title, body, image, sound, badge } = c.notification;
  return {
    token,
    notification: { title, body, ...(image && { image }) },
    ...(c.data && { data: c.data }),
    android: {
      priority: c.priority === 'high' ? 'HIGH' : 'NORMAL',
      ttl: `${c.ttl}s`,
      ...(c.collapseKey && { collapse_key: c.collapseKey }),
      ...(sound && { notification: { sound } }),
    },
    ...((sound !== undefined || badge !== undefined) && { apns: { payload: { aps: { ...(sound && { sound }), ...(badge !== undefined && { badge }) } } } }),
  };
}

interface FcmErrorBody {
  error?: { code?: number; status?: string; message?: string; details?: Array<{ '@type'?: string; errorCode?: string }> };
}

async function outcomeOf(res: Response): Promise<SendOutcome> {
  if (res.ok) {
    await res.body?.cancel();
    return { kind: 'sent' };
  }
  const body = (await res.json().catch(() => ({}))) as FcmErrorBody;
  const codes = (body.error?.details ?? []).map((d) => d.errorCode).filter((c): c is string => typeof c === 'string');
  const reason = `fcm ${res.status} ${[body.error?.status, ...codes].filter(Boolean).join(' ')}`.trim();
  if (res.status === 404 || codes.includes('UNREGISTERED') || codes.includes('NOT_FOUND') || body.error?.status === 'NOT_FOUND') return { kind: 'invalid', reason };
  if (isRetryableStatus(res.status)) return { kind: 'retry', reason, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) };
  return { kind: 'failed', reason };
}
