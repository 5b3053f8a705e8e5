import type {
  AuthResponse,
  AuthSession,
  AuthUser,
  ListResponse,
  MfaRequiredResponse,
  OAuth2ProviderInfo,
  SessionInfo,
  SignUpRequest,
  TotpConfirmed,
  TotpEnrollment,
  VerificationRequiredResponse,
} from '@basalt/contracts';
import { BasaltError } from '../errors';
import type { Http } from '../http';
import type { SessionListener, SessionManager } from './session';
import { pkcePair } from './pkce';

export type SignInResult = AuthResponse | MfaRequiredResponse;
export type SignUpResult = AuthResponse | VerificationRequiredResponse;

/** `basalt.auth`: the end user's account. Every method that returns a session also keeps it. */
export class AuthClient {
  readonly oauth2: OAuth2Client;
  readonly mfa: MfaClient;

  constructor(
    private readonly http: Http,
    private readonly sessions: SessionManager,
  ) {
    this.oauth2 = new OAuth2Client(http, (r) => this.keep(r));
    this.mfa = new MfaClient(http, (r) => this.keep(r));
  }

  /** The signed-in user, or null. Read after `await basalt.auth.ready()` when the storage is async. */
  get user(): AuthUser | null {
    return this.sessions.user;
  }

  /** Resolves once the stored session has been loaded (AsyncStorage is asynchronous). */
  ready(): Promise<void> {
    return this.sessions.ready;
  }

  /** Called with the new user (or null) on sign-in, sign-out, profile refresh and when a refresh finds the session revoked. */
  onChange(listener: SessionListener): () => void {
    return this.sessions.onChange(listener);
  }

  async signUp(data: SignUpRequest): Promise<SignUpResult> {
    const res = await this.http.request<SignUpResult>('/api/auth/signup', { method: 'POST', body: data, auth: 'none' });
    if ('session' in res.data) await this.keep(res.data);
    return res.data;
  }

  /** `{mfaRequired, mfaToken}` when the account has a second factor: finish with `auth.mfa.verify`. */
  async signIn(credentials: { email: string; password: string }): Promise<SignInResult> {
    const res = await this.http.request<SignInResult>('/api/auth/login', { method: 'POST', body: credentials, auth: 'none' });
    if ('session' in res.data) await this.keep(res.data);
    return res.data;
  }

  async signInAnonymously(): Promise<AuthResponse> {
    const res = await this.http.request<AuthResponse>('/api/auth/anonymous', { method: 'POST', auth: 'none' });
    return this.keep(res.data);
  }

  /** Ends the session on the server (best effort) and forgets it here. */
  async signOut(): Promise<void> {
    await this.sessions.ready;
    if (this.sessions.session) {
      await this.http.request('/api/auth/logout', { method: 'POST' }).catch((e: unknown) => {
        if (!(e instanceof BasaltError) || (e.status !== 401 && e.status !== 0)) throw e;
      });
    }
    await this.sessions.clear();
  }

  /** Refreshes the tokens now (normally automatic). */
  async refresh(): Promise<void> {
    await this.sessions.ready;
    if (!this.sessions.session) throw new BasaltError(401, 'unauthorized', 'not signed in');
    await this.sessions.refresh(this.sessions.session.accessToken);
  }

  /** The user fresh from the server; also updates `auth.user`. */
  async me(): Promise<AuthUser> {
    const { data } = await this.http.request<AuthUser>('/api/auth/me');
    await this.sessions.setUser(data);
    return data;
  }

  async updateMe(patch: Record<string, unknown>): Promise<AuthUser> {
    const { data } = await this.http.request<AuthUser>('/api/auth/me', { method: 'PATCH', body: patch });
    await this.sessions.setUser(data);
    return data;
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.http.request('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
  }

  /** Turns an anonymous account into a password account (same id). */
  async linkPassword(credentials: { email: string; password: string }): Promise<AuthUser> {
    const { data } = await this.http.request<AuthUser>('/api/auth/link/password', { method: 'POST', body: credentials });
    await this.sessions.setUser(data);
    return data;
  }

  async listSessions(): Promise<SessionInfo[]> {
    return (await this.http.request<ListResponse<SessionInfo>>('/api/auth/sessions')).data.items;
  }

  async revokeSession(id: string): Promise<void> {
    await this.http.request(`/api/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
  }

  async requestVerification(): Promise<void> {
    await this.http.request('/api/auth/verify-email/request', { method: 'POST' });
  }

  async confirmVerification(token: string): Promise<AuthUser> {
    const { data } = await this.http.request<AuthUser>('/api/auth/verify-email/confirm', { method: 'POST', body: { token }, auth: 'none' });
    if (this.sessions.user?.id === data.id) await this.sessions.setUser(data);
    return data;
  }

  async requestPasswordReset(email: string): Promise<void> {
    await this.http.request('/api/auth/password-reset/request', { method: 'POST', body: { email }, auth: 'none' });
  }

  async confirmPasswordReset(token: string, password: string): Promise<void> {
    await this.http.request('/api/auth/password-reset/confirm', { method: 'POST', body: { token, password }, auth: 'none' });
  }

  private async keep(r: AuthResponse): Promise<AuthResponse> {
    await this.sessions.set(r.session, r.user);
    return r;
  }
}

/** OAuth2 / OIDC sign-in: send the browser to `start`, then exchange the `code` it comes back with. */
export class OAuth2Client {
  constructor(
    private readonly http: Http,
    private readonly keep: (r: AuthResponse) => Promise<AuthResponse>,
  ) {}

  async providers(): Promise<OAuth2ProviderInfo[]> {
    return (await this.http.request<ListResponse<OAuth2ProviderInfo>>('/api/auth/oauth2/providers', { auth: 'none' })).data.items;
  }

  /**
   * The URL to open (redirect, popup or in-app browser). With `pkce: true` (apps receiving the code
   * on a custom scheme) it also returns the `codeVerifier` to pass to `exchange`.
   */
  async start(provider: string, opts: { redirectUri: string; pkce?: boolean }): Promise<{ url: string; codeVerifier?: string }> {
    const query: Record<string, string> = { redirectUri: opts.redirectUri };
    let codeVerifier: string | undefined;
    if (opts.pkce) {
      const pair = await pkcePair();
      codeVerifier = pair.verifier;
      query.codeChallenge = pair.challenge;
    }
    return { url: this.http.url(`/api/auth/oauth2/${encodeURIComponent(provider)}/start`, query), ...(codeVerifier ? { codeVerifier } : {}) };
  }

  /** Trades the one-time `code` from the redirect for a session (or `{mfaRequired, mfaToken}`). */
  async exchange(code: string, opts: { codeVerifier?: string } = {}): Promise<SignInResult> {
    const body = opts.codeVerifier ? { code, codeVerifier: opts.codeVerifier } : { code };
    const { data } = await this.http.request<SignInResult>('/api/auth/oauth2/exchange', { method: 'POST', body, auth: 'none' });
    if ('session' in data) await this.keep(data);
    return data;
  }
}

/** TOTP second factor. */
export class MfaClient {
  constructor(
    private readonly http: Http,
    private readonly keep: (r: AuthResponse) => Promise<AuthResponse>,
  ) {}

  /** Starts enrolment: show `otpauthUrl` as a QR code, then `confirm` a first code. */
  async enroll(): Promise<TotpEnrollment> {
    return (await this.http.request<TotpEnrollment>('/api/auth/mfa/totp/enroll', { method: 'POST' })).data;
  }

  async confirm(code: string): Promise<TotpConfirmed> {
    return (await this.http.request<TotpConfirmed>('/api/auth/mfa/totp/confirm', { method: 'POST', body: { code } })).data;
  }

  async disable(code: string): Promise<void> {
    await this.http.request('/api/auth/mfa/totp', { method: 'DELETE', body: { code } });
  }

  /** The second step of a sign-in that answered `mfaRequired` (also called the MFA challenge). */
  async verify(challenge: { mfaToken: string; code: string }): Promise<AuthResponse> {
    const { data } = await this.http.request<AuthResponse>('/api/auth/mfa/verify', { method: 'POST', body: challenge, auth: 'none' });
    return this.keep(data);
  }
}

export type { AuthSession };
