import type { AdminAuthResponse, AuthResponse, AuthSession, AuthSettings, AuthUser, CreatedApiKey, ListResponse, OutboxMail } from '@basalt/contracts';
import { type ApiClient, type ApiResponse, apiClient, type BasaltProcess, eventually, startBasalt, TEST_ADMIN, testDrivers } from '@basalt/testkit';
import { createHmac, randomBytes } from 'node:crypto';
import { type SmtpSink, startSmtpSink } from '../contracts/mail.smtp-sink.js';

/** Who sends a request: `{ token }` (admin or user access token), `{ apiKey }`, or `{}` for a guest. */
export interface As {
  token?: string;
  apiKey?: string;
}

/** A user signed up over HTTP, with the session sign-up returned. */
export interface SignedUp {
  user: AuthUser;
  session: AuthSession;
  email: string;
  password: string;
  /** `{ token: session.accessToken }`. */
  as: As;
}

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export const PASSWORD = 'correct horse battery';
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An address no other test uses. */
export function newEmail(prefix = 'u'): string {
  return `${prefix}${randomBytes(5).toString('hex')}@basalt.test`;
}

/** Limits far above what a suite sends from one IP, so the auth rate limits never decide a test (their own suite does). */
const GENEROUS = { max: 100_000, windowSeconds: 60 };

export interface AuthKitOptions {
  env?: Record<string, string>;
  /** Deliver mail to a real local SMTP server in the scaled run (the outbox is read in the embedded run). */
  smtpInScaled?: boolean;
}

/** One booted server with an admin token and helpers for the auth flows. */
export class AuthKit {
  private constructor(
    readonly basalt: BasaltProcess,
    readonly api: ApiClient,
    /** The admin token. */
    readonly admin: string,
    private readonly sink: SmtpSink | undefined,
  ) {}

  static async start(opts: AuthKitOptions = {}): Promise<AuthKit> {
    const sink = opts.smtpInScaled && testDrivers() === 'scaled' ? await startSmtpSink() : undefined;
    const env = { ...opts.env, ...(sink && { BASALT_SMTP_URL: sink.url }) };
    const basalt = await startBasalt({ env });
    const api = apiClient(basalt.url);
    const res = await api<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN });
    if (res.status !== 200) throw new Error(`admin sign-in failed: ${res.status} ${res.text}`);
    const kit = new AuthKit(basalt, api, res.body.token, sink);
    await kit.settings({}, { login: GENEROUS, signup: GENEROUS, passwordReset: GENEROUS, verification: GENEROUS });
    return kit;
  }

  get asAdmin(): As {
    return { token: this.admin };
  }

  /** Whether mail goes to the SMTP sink (scaled) rather than the outbox. */
  get smtp(): boolean {
    return this.sink !== undefined;
  }

  async stop(): Promise<void> {
    await this.basalt?.stop();
    await this.sink?.close();
  }

  req<T = unknown>(method: string, path: string, as: As = {}, body?: unknown): Promise<ApiResponse<T>> {
    return this.api<T>(method, path, { ...as, body });
  }

  /** Changes auth settings (and optionally rate limits) as admin; fails loudly if refused. */
  async settings(auth: Partial<AuthSettings>, rateLimits?: unknown): Promise<void> {
    const res = await this.req('PATCH', '/api/admin/settings', this.asAdmin, { auth, ...(rateLimits !== undefined && { rateLimits }) });
    if (res.status !== 200) throw new Error(`settings refused: ${res.status} ${res.text}`);
  }

  signupRaw(body: Record<string, unknown>): Promise<ApiResponse<AuthResponse>> {
    return this.req<AuthResponse>('POST', '/api/auth/signup', {}, body);
  }

  async signup(fields: Record<string, unknown> = {}): Promise<SignedUp> {
    const email = (fields.email as string | undefined) ?? newEmail();
    const password = (fields.password as string | undefined) ?? PASSWORD;
    const res = await this.signupRaw({ name: 'Test User', ...fields, email, password });
    if (res.status !== 201 || !res.body.session) throw new Error(`sign-up failed: ${res.status} ${res.text}`);
    return { user: res.body.user, session: res.body.session, email, password, as: { token: res.body.session.accessToken } };
  }

  login(email: string, password: string): Promise<ApiResponse<AuthResponse>> {
    return this.req<AuthResponse>('POST', '/api/auth/login', {}, { email, password });
  }

  /** A further session of an existing account. */
  async session(email: string, password: string): Promise<AuthSession> {
    const res = await this.login(email, password);
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${res.text}`);
    return res.body.session;
  }

  refresh(refreshToken: string): Promise<ApiResponse<{ session: AuthSession }>> {
    return this.req<{ session: AuthSession }>('POST', '/api/auth/refresh', {}, { refreshToken });
  }

  /** The status `GET /api/auth/me` answers for a token. */
  async meStatus(token: string): Promise<number> {
    return (await this.req('GET', '/api/auth/me', { token })).status;
  }

  /** Polls until the token is refused with 401 (revocations reach every node's cache within seconds). */
  async refusedWithin(token: string, timeoutMs = 6000): Promise<void> {
    await eventually(async () => (await this.meStatus(token)) === 401, timeoutMs, 100);
  }

  async key(scopes: string[]): Promise<As> {
    const res = await this.req<CreatedApiKey>('POST', '/api/admin/keys', this.asAdmin, { name: 'auth-e2e', scopes });
    if (res.status !== 201) throw new Error(`could not create key: ${res.status} ${res.text}`);
    return { apiKey: res.body.key };
  }

  /** Every mail delivered so far to `to` (outbox or SMTP sink), newest last. */
  async mailsTo(to: string): Promise<Mail[]> {
    if (this.sink) return this.sink.received.filter((m) => m.to.includes(to));
    const res = await this.req<ListResponse<OutboxMail>>('GET', '/api/admin/mail?limit=500', this.asAdmin);
    if (res.status !== 200) throw new Error(`could not read the outbox: ${res.status} ${res.text}`);
    return res.body.items.filter((m) => m.to === to).reverse();
  }

  /** Waits for the `n`th mail to `to` (mail leaves through a job, so it arrives shortly after the request). */
  async mail(to: string, n = 1): Promise<Mail> {
    return eventually(async () => {
      const mails = await this.mailsTo(to);
      return mails.length >= n ? mails[n - 1] : undefined;
    }, 15_000);
  }
}

/** A JWT with any header and claims, signed HS256 with `key` (or unsigned when key is null). */
export function forgeJwt(header: Record<string, unknown>, claims: Record<string, unknown>, key: Buffer | null): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${enc(header)}.${enc(claims)}`;
  return key ? `${head}.${createHmac('sha256', key).update(head).digest('base64url')}` : `${head}.`;
}

/** The claims of a JWT, unverified. */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
