import type { AdminAuthResponse, AuthResponse, AuthUser } from '@basalt/contracts';
import { type ApiClient, apiClient, type BasaltProcess, startBasalt, TEST_ADMIN } from '@basalt/testkit';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Browser } from './support/oidc-provider.js';

interface GithubUser {
  id: number;
  login: string;
  name: string | null;
  emails: Array<{ email: string; primary: boolean; verified: boolean }>;
}

/**
 * GitHub's OAuth app endpoints as GitHub Enterprise Server lays them out under one base URL, which is
 * what the `issuer` setting of a `github` provider points at: `/login/oauth/authorize`,
 * `/login/oauth/access_token` (errors as 200 + `error`, like GitHub) and the REST API under `/api/v3`.
 * The authorize page signs in whoever `next` names and redirects straight back.
 */
class FakeGithub {
  next: GithubUser | null = null;
  readonly tokenRequests: Array<Record<string, string>> = [];
  private readonly codes = new Map<string, { user: GithubUser; challenge: string; redirectUri: string }>();
  private readonly tokens = new Map<string, GithubUser>();
  url = '';
  private server!: Server;

  constructor(
    readonly clientId: string,
    /** What the fake accepts; a test changes it to play a rotated secret. */
    public clientSecret: string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req).then(
        ({ status, body, location }) => {
          if (location) res.writeHead(302, { location }).end();
          else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        },
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body?: unknown; location?: string }> {
    const url = new URL(req.url!, this.url);
    if (url.pathname === '/login/oauth/authorize') {
      const q = url.searchParams;
      if (q.get('client_id') !== this.clientId || q.get('code_challenge_method') !== 'S256' || !this.next) return { status: 400, body: { error: 'bad request' } };
      const code = randomBytes(10).toString('hex');
      this.codes.set(code, { user: this.next, challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')! });
      return { status: 302, location: `${q.get('redirect_uri')}?${new URLSearchParams({ code, state: q.get('state')! })}` };
    }
    if (url.pathname === '/login/oauth/access_token' && req.method === 'POST') {
      const form = Object.fromEntries(new URLSearchParams(await read(req)));
      this.tokenRequests.push(form);
      if (req.headers.accept !== 'application/json') return { status: 200, body: { error: 'basalt must ask for JSON' } };
      if (form.client_id !== this.clientId || form.client_secret !== this.clientSecret) return { status: 200, body: { error: 'incorrect_client_credentials' } };
      const grant = this.codes.get(form.code ?? '');
      this.codes.delete(form.code ?? '');
      if (!grant || grant.redirectUri !== form.redirect_uri) return { status: 200, body: { error: 'bad_verification_code' } };
      if (createHash('sha256').update(form.code_verifier ?? '').digest('base64url') !== grant.challenge) return { status: 200, body: { error: 'bad_verification_code' } };
      const token = `gho_${randomBytes(12).toString('hex')}`;
      this.tokens.set(token, grant.user);
      return { status: 200, body: { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' } };
    }
    const user = this.tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!user) return { status: 401, body: { message: 'Bad credentials' } };
    if (url.pathname === '/api/v3/user') return { status: 200, body: { id: user.id, login: user.login, name: user.name, avatar_url: `${this.url}/avatars/${user.id}` } };
    if (url.pathname === '/api/v3/user/emails') return { status: 200, body: user.emails.map((e) => ({ ...e, visibility: e.primary ? 'public' : null })) };
    return { status: 404, body: { message: 'Not Found' } };
  }
}

function read(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

let basalt: BasaltProcess;
let api: ApiClient;
let admin: string;
let github: FakeGithub;
let app: string;
let nextId = 1000 + Math.floor(Math.random() * 1000);

beforeAll(async () => {
  github = new FakeGithub('Iv1.basalt', randomBytes(20).toString('hex'));
  await github.start();
  basalt = await startBasalt();
  api = apiClient(basalt.url);
  app = `${basalt.url}/app/done`;
  admin = (await api<AdminAuthResponse>('POST', '/api/admin/auth', { body: TEST_ADMIN })).body.token;
  const res = await api('PATCH', '/api/admin/settings', {
    token: admin,
    body: { oauth2: { providers: [{ name: 'github', type: 'github', issuer: github.url, clientId: github.clientId, clientSecret: github.clientSecret }] } },
  });
  if (res.status !== 200) throw new Error(`could not configure oauth2: ${res.status} ${res.text}`);
});

afterAll(async () => {
  await basalt?.stop();
  await github?.stop();
});

function person(emails: GithubUser['emails'], name: string | null = 'Octo Cat'): GithubUser {
  nextId += 1;
  return { id: nextId, login: `octo${nextId}`, name, emails };
}

async function signIn(user: GithubUser): Promise<URLSearchParams> {
  github.next = user;
  const result = await new Browser((u) => u.href.startsWith(app)).run(`${basalt.url}/api/auth/oauth2/github/start?${new URLSearchParams({ redirectUri: app })}`);
  if (!result.location) throw new Error(`the browser did not come back to the app: ${result.status} ${result.body}`);
  return result.location.searchParams;
}

async function signInAndExchange(user: GithubUser): Promise<AuthUser> {
  const params = await signIn(user);
  expect(params.get('error')).toBeNull();
  const res = await api<AuthResponse>('POST', '/api/auth/oauth2/exchange', { body: { code: params.get('code') } });
  expect(res.status).toBe(200);
  return res.body.user;
}

describe('GitHub provider (issuer = base URL override)', () => {
  it('signs in with the verified primary email, the name, PKCE and client_secret_post', async () => {
    const address = `octo-${randomBytes(3).toString('hex')}@example.test`;
    const user = await signInAndExchange(person([{ email: 'old@example.test', primary: false, verified: true }, { email: address, primary: true, verified: true }]));
    expect(user).toMatchObject({ email: address, emailVerified: true, name: 'Octo Cat' });
    const last = github.tokenRequests.at(-1)!;
    expect(last).toMatchObject({ grant_type: 'authorization_code', client_id: github.clientId, redirect_uri: `${basalt.url}/api/auth/oauth2/github/callback` });
    expect(last.code_verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
  });

  it('signs the same GitHub account in as the same user, and falls back to the login as name', async () => {
    const octo = person([], null);
    const first = await signInAndExchange(octo);
    const second = await signInAndExchange(octo);
    expect(second.id).toBe(first.id);
    expect(first).toMatchObject({ email: null, emailVerified: false, name: octo.login });
  });

  it('does not take an unverified primary email', async () => {
    const user = await signInAndExchange(person([{ email: `unv-${randomBytes(3).toString('hex')}@example.test`, primary: true, verified: false }]));
    expect(user).toMatchObject({ email: null, emailVerified: false });
  });

  it('reports a refused token request at the app as token_exchange_failed', async () => {
    const secret = github.clientSecret;
    github.clientSecret = 'rotated';
    try {
      const params = await signIn(person([]));
      expect(params.get('code')).toBeNull();
      expect(params.get('error')).toBe('token_exchange_failed');
      expect(params.get('error_description')).toContain('incorrect_client_credentials');
    } finally {
      github.clientSecret = secret;
    }
  });
});
