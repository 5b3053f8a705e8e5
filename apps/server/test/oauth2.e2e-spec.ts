import type { AdminAuthResponse, AuthResponse, AuthUser, ListResponse, OAuth2ProviderInfo, RecordList } from '@basalt/contracts';
import { type ApiClient, apiClient, type BasaltProcess, errorOf, startBasalt, TEST_ADMIN } from '@basalt/testkit';
import { createHash, randomBytes } from 'node:crypto';
import { Browser, type BrowserResult, type TestAccount, TestOidcProvider } from './support/oidc-provider.js';

const CLIENT = { clientId: 'basalt-e2e', clientSecret: randomBytes(24).toString('base64url') };
/** Names of the providers configured at Basalt, all backed by the one local OpenID provider. */
const LOCAL = 'local';
const APPLE = 'applelike';
const DOWN = 'down';

let basalt: BasaltProcess;
let api: ApiClient;
let admin: string;
let oidc: TestOidcProvider;
/** The app the browser returns to: same origin as BASALT_PUBLIC_URL (the testkit's default is the node's own URL). */
let app: string;
/** Codes, states and tokens seen during the run: none may ever appear in the server's log. */
const seen = new Set<string>();

beforeAll(async () => {
  basalt = await startBasalt();
  api = apiClient(basalt.url);
  app = `${basalt.url}/app/callback`;
  const auth = await api<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN });
  if (auth.status !== 200) throw new Error(`admin sign-in failed: ${auth.status} ${auth.text}`);
  admin = auth.body.token;
  oidc = await TestOidcProvider.start([
    {
      ...CLIENT,
      redirectUris: [LOCAL, APPLE].map((name) => `${basalt.url}/api/auth/oauth2/${name}/callback`),
      // Registered for client_secret_post only: Basalt tries basic first (the spec default) and must fall back.
      authMethod: 'client_secret_post',
    },
  ]);
  const settings = await api('PATCH', '/api/admin/settings', {
    token: admin,
    body: {
      oauth2: {
        providers: [
          { name: LOCAL, type: 'oidc', issuer: oidc.issuer, ...CLIENT },
          { name: APPLE, type: 'apple', issuer: oidc.issuer, ...CLIENT },
          // Nothing listens there: discovery fails.
          { name: DOWN, type: 'oidc', issuer: 'http://127.0.0.1:9', ...CLIENT },
        ],
      },
    },
  });
  if (settings.status !== 200) throw new Error(`could not configure oauth2: ${settings.status} ${settings.text}`);
});

afterAll(async () => {
  await oidc?.stop();
  await basalt?.stop();
});

afterEach(() => oidc.tamperIdTokens(null));

function startPath(provider: string, redirectUri: string, extra: Record<string, string> = {}): string {
  return `/api/auth/oauth2/${provider}/start?${new URLSearchParams({ redirectUri, ...extra })}`;
}

/** A fresh browser goes start -> provider login as `account` -> callback, and stops where Basalt sends it back to the app. */
async function signIn(account: TestAccount | null, opts: { provider?: string; redirectUri?: string; extra?: Record<string, string> } = {}): Promise<BrowserResult & { params: URLSearchParams }> {
  const redirectUri = opts.redirectUri ?? app;
  const browser = new Browser((u) => u.href.startsWith(redirectUri));
  const result = await browser.run(basalt.url + startPath(opts.provider ?? LOCAL, redirectUri, opts.extra), account ? { account } : { deny: true });
  if (!result.location) throw new Error(`the browser did not come back to the app: ${result.status} ${result.body}`);
  for (const h of result.history) for (const key of ['code', 'state', 'code_challenge', 'nonce']) if (h.url.searchParams.get(key)) seen.add(h.url.searchParams.get(key)!);
  if (result.location.searchParams.get('code')) seen.add(result.location.searchParams.get('code')!);
  return { ...result, params: result.location.searchParams };
}

async function exchange(code: string | null, codeVerifier?: string) {
  const res = await api<AuthResponse>('POST', '/api/auth/oauth2/exchange', { body: { code, ...(codeVerifier && { codeVerifier }) } });
  if (res.status === 200) for (const t of [res.body.session.accessToken, res.body.session.refreshToken]) seen.add(t);
  return res;
}

async function signInAndExchange(account: TestAccount): Promise<AuthResponse> {
  const { params } = await signIn(account);
  expect(params.get('error')).toBeNull();
  const res = await exchange(params.get('code'));
  expect(res.status).toBe(200);
  return res.body;
}

async function usersWithEmail(email: string): Promise<AuthUser[]> {
  const res = await api<RecordList<AuthUser>>('GET', `/api/collections/users/records?${new URLSearchParams({ filter: `email = '${email}'` })}`, { token: admin });
  expect(res.status).toBe(200);
  return res.body.items;
}

async function userCount(): Promise<number> {
  const res = await api<RecordList<AuthUser>>('GET', '/api/collections/users/records?limit=500', { token: admin });
  expect(res.status).toBe(200);
  return res.body.items.length;
}

function email(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.test`;
}

async function passwordSignUp(address: string): Promise<AuthUser> {
  const res = await api<AuthResponse>('POST', '/api/auth/signup', { body: { email: address, password: 'attacker-password-1' } });
  expect(res.status).toBe(201);
  return res.body.user;
}

async function setUser(id: string, fields: Record<string, unknown>): Promise<void> {
  const res = await api('PATCH', `/api/collections/users/records/${id}`, { token: admin, body: fields });
  expect(res.status).toBe(200);
}

describe('providers', () => {
  it('lists the configured providers by name and type only, to guests', async () => {
    const res = await api<ListResponse<OAuth2ProviderInfo>>('GET', '/api/auth/oauth2/providers');
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([{ name: LOCAL, type: 'oidc' }, { name: APPLE, type: 'apple' }, { name: DOWN, type: 'oidc' }]);
    expect(res.text).not.toContain(CLIENT.clientSecret);
  });

  it('answers 404 for a provider that is not configured', async () => {
    const res = await api('GET', startPath('nope', app));
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('not_found');
  });
});

describe('start', () => {
  it('redirects to the authorization endpoint with PKCE S256, state, nonce and the registered callback', async () => {
    const res = await fetch(basalt.url + startPath(LOCAL, app), { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(oidc.issuer);
    const q = location.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT.clientId);
    expect(q.get('redirect_uri')).toBe(`${basalt.url}/api/auth/oauth2/${LOCAL}/callback`);
    expect(q.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['openid', 'email', 'profile']));
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')!.length).toBeGreaterThanOrEqual(40);
    expect(q.get('nonce')!.length).toBeGreaterThanOrEqual(20);
    // Nothing secret travels in the URL: the verifier stays on the server.
    expect(location.href).not.toContain(CLIENT.clientSecret);
  });

  it.each([
    ['another origin', 'https://evil.example.com/cb'],
    ['a look-alike of the public host', 'http://127.0.0.1.evil.example.com/cb'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,hi'],
    ['a relative path', '/app/callback'],
  ])('refuses a redirectUri on %s with 400', async (_name, redirectUri) => {
    const res = await api('GET', startPath(LOCAL, redirectUri));
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('validation_failed');
    expect(errorOf(res).details).toHaveProperty('redirectUri');
  });

  it('answers 503 when the provider\'s discovery document cannot be fetched', async () => {
    const res = await api('GET', startPath(DOWN, app));
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('service_unavailable');
    expect(errorOf(res).message).toContain('127.0.0.1:9');
  });

  it('refuses a start without redirectUri', async () => {
    const res = await api('GET', `/api/auth/oauth2/${LOCAL}/start`);
    expect(res.status).toBe(400);
  });
});

describe('sign-in end to end', () => {
  it('signs a new person in: code at the app, exchanged for a session that works for /auth/me', async () => {
    const address = email('ann');
    const account = oidc.addAccount({ email: address, email_verified: true, name: 'Ann Lee' });
    const { params, location } = await signIn(account);
    expect(location!.href.startsWith(`${app}?code=`)).toBe(true);
    expect(params.get('error')).toBeNull();
    const res = await exchange(params.get('code'));
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ email: address, emailVerified: true, name: 'Ann Lee', anonymous: false });
    expect(res.body.session.accessToken).toEqual(expect.any(String));
    const me = await api<AuthUser>('GET', '/api/auth/me', { token: res.body.session.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(res.body.user.id);
  });

  it('signs the same person in as the same user the next time', async () => {
    const address = email('bob');
    const account = oidc.addAccount({ email: address, email_verified: true, name: 'Bob' });
    const first = await signInAndExchange(account);
    const second = await signInAndExchange(account);
    expect(second.user.id).toBe(first.user.id);
    expect(await usersWithEmail(address)).toHaveLength(1);
  });

  it('accepts a code only once', async () => {
    const { params } = await signIn(oidc.addAccount({ email: email('once'), email_verified: true }));
    expect((await exchange(params.get('code'))).status).toBe(200);
    const again = await exchange(params.get('code'));
    expect(again.status).toBe(400);
    expect(errorOf(again).code).toBe('validation_failed');
  });

  it('refuses a made-up code', async () => {
    const res = await exchange(randomBytes(32).toString('base64url'));
    expect(res.status).toBe(400);
  });

  it('keeps the query of the redirect URI and appends the code with &', async () => {
    const redirectUri = `${app}?from=e2e`;
    const { location } = await signIn(oidc.addAccount({ email: email('q'), email_verified: true }), { redirectUri });
    expect(location!.href).toMatch(new RegExp(`^${escape(redirectUri)}&code=`));
  });

  it('returns to an app scheme and to http://localhost', async () => {
    for (const redirectUri of ['myapp://oauth/done', 'http://localhost:5173/auth/done']) {
      const { location, params } = await signIn(oidc.addAccount({ email: email('mobile'), email_verified: true }), { redirectUri });
      expect(location!.href.startsWith(`${redirectUri}?code=`)).toBe(true);
      expect((await exchange(params.get('code'))).status).toBe(200);
    }
  });

  it('works through Apple-style form_post (the preset posts the answer to the callback)', async () => {
    const address = email('apple');
    const account = oidc.addAccount({ email: address, email_verified: true, name: 'Ann Apple' });
    const result = await signIn(account, { provider: APPLE });
    expect(result.history.some((h) => h.method === 'POST' && h.url.pathname === `/api/auth/oauth2/${APPLE}/callback`)).toBe(true);
    const res = await exchange(result.params.get('code'));
    expect(res.status).toBe(200);
    expect(res.body.user.email).toBe(address);
  });

  it('forbids a disabled user at the exchange with 403', async () => {
    const account = oidc.addAccount({ email: email('disabled'), email_verified: true });
    const { user } = await signInAndExchange(account);
    await setUser(user.id, { disabled: true });
    const { params } = await signIn(account);
    const res = await exchange(params.get('code'));
    expect(res.status).toBe(403);
    expect(errorOf(res).code).toBe('forbidden');
  });

  it('binds the code to the app\'s own PKCE verifier when the app sent a codeChallenge', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    const account = oidc.addAccount({ email: email('pkce'), email_verified: true });
    const stolen = await signIn(account, { extra: { codeChallenge } });
    const withoutVerifier = await exchange(stolen.params.get('code'));
    expect(withoutVerifier.status).toBe(400);
    expect(errorOf(withoutVerifier).details).toHaveProperty('codeVerifier');
    const legit = await signIn(account, { extra: { codeChallenge } });
    expect((await exchange(legit.params.get('code'), verifier)).status).toBe(200);
  });
});

describe('callback failures', () => {
  it('answers 400 for a forged state and for none at all', async () => {
    for (const query of [`?code=abc&state=${randomBytes(32).toString('base64url')}`, '?code=abc', '?code=abc&state=short']) {
      const res = await api('GET', `/api/auth/oauth2/${LOCAL}/callback${query}`);
      expect(res.status).toBe(400);
      expect(errorOf(res).code).toBe('validation_failed');
      expect(errorOf(res).details).toHaveProperty('state');
    }
  });

  it('answers 400 to a replayed callback: the state is single use', async () => {
    const result = await signIn(oidc.addAccount({ email: email('replay'), email_verified: true }));
    const callback = result.history.find((h) => h.url.pathname === `/api/auth/oauth2/${LOCAL}/callback`)!;
    const again = await api('GET', callback.url.pathname + callback.url.search);
    expect(again.status).toBe(400);
    expect(errorOf(again).details).toHaveProperty('state');
  });

  it('answers 400 when the state was issued for another provider', async () => {
    const res = await fetch(basalt.url + startPath(LOCAL, app), { redirect: 'manual' });
    const state = new URL(res.headers.get('location')!).searchParams.get('state')!;
    const cb = await api('GET', `/api/auth/oauth2/${APPLE}/callback?${new URLSearchParams({ code: 'x', state })}`);
    expect(cb.status).toBe(400);
  });

  it('refuses an id_token for another audience: error at the app, no user created', async () => {
    const address = email('aud');
    const before = await userCount();
    oidc.tamperIdTokens((claims) => ({ ...claims, aud: 'some-other-client' }));
    const { params } = await signIn(oidc.addAccount({ email: address, email_verified: true }));
    expect(params.get('code')).toBeNull();
    expect(params.get('error')).toBe('invalid_id_token');
    expect(params.get('error_description')).toMatch(/not meant for this client/);
    expect(await userCount()).toBe(before);
  });

  it('refuses an id_token with another nonce (a replayed token)', async () => {
    const before = await userCount();
    oidc.tamperIdTokens((claims) => ({ ...claims, nonce: 'from-another-sign-in' }));
    const { params } = await signIn(oidc.addAccount({ email: email('nonce'), email_verified: true }));
    expect(params.get('error')).toBe('invalid_id_token');
    expect(await userCount()).toBe(before);
  });

  it('passes the provider\'s access_denied on to the app', async () => {
    const { params } = await signIn(null);
    expect(params.get('error')).toBe('access_denied');
    expect(params.get('code')).toBeNull();
  });
});

describe('linking by email (pre-account-takeover)', () => {
  it('refuses to sign the victim in onto an attacker\'s unverified password account, and links once it is verified', async () => {
    const victimEmail = email('victim');
    // The attacker registers the victim's address with a password first; nobody verified it.
    const squatter = await passwordSignUp(victimEmail);
    expect(squatter.emailVerified).toBe(false);
    const victim = oidc.addAccount({ email: victimEmail, email_verified: true, name: 'Victim' });

    const refused = await signIn(victim);
    expect(refused.params.get('code')).toBeNull();
    expect(refused.params.get('error')).toBe('account_exists_unverified');
    const users = await usersWithEmail(victimEmail);
    expect(users.map((u) => u.id)).toEqual([squatter.id]);
    // Not linked: a later sign-in is still refused (no identity was recorded for the squatter's account).
    expect((await signIn(victim)).params.get('error')).toBe('account_exists_unverified');

    // Once the address is verified (it was the owner's account after all), the provider links to it.
    await setUser(squatter.id, { emailVerified: true });
    const linked = await signInAndExchange(victim);
    expect(linked.user.id).toBe(squatter.id);
    expect(await usersWithEmail(victimEmail)).toHaveLength(1);
  });

  it('never links on an email the provider did not verify: a separate user without that email', async () => {
    const address = email('carol');
    const carol = await passwordSignUp(address);
    await setUser(carol.id, { emailVerified: true });
    const impostor = oidc.addAccount({ email: address, email_verified: false, name: 'Not Carol' });
    const res = await signInAndExchange(impostor);
    expect(res.user.id).not.toBe(carol.id);
    expect(res.user).toMatchObject({ email: null, emailVerified: false, name: 'Not Carol' });
    expect((await usersWithEmail(address)).map((u) => u.id)).toEqual([carol.id]);
  });

  it('creates a user without email when the provider has an unverified address nobody uses', async () => {
    const res = await signInAndExchange(oidc.addAccount({ email: email('unverified'), email_verified: false }));
    expect(res.user).toMatchObject({ email: null, emailVerified: false });
  });
});

describe('logs', () => {
  it('never contain the client secret, states, codes or tokens of the sign-ins above', () => {
    const out = basalt.output();
    expect(seen.size).toBeGreaterThan(20);
    expect(out).not.toContain(CLIENT.clientSecret);
    for (const secret of seen) expect(out).not.toContain(secret);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
