import { createPrivateKey, generateKeyPairSync, type JsonWebKey, randomBytes, randomUUID, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * oidc-provider ships no types and @types/oidc-provider is not installed: the little this file uses is
 * typed here, and the package is loaded with a dynamic import so the compiler does not look for its types.
 */
type AdapterPayload = Record<string, unknown> & { uid?: string; userCode?: string; grantId?: string; consumed?: number };

interface Adapter {
  upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
  find(id: string): Promise<AdapterPayload | undefined>;
  findByUid(uid: string): Promise<AdapterPayload | undefined>;
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

interface KoaContext {
  path: string;
  status: number;
  body: unknown;
}

interface InteractionDetails {
  uid: string;
  prompt: { name: string };
  params: Record<string, unknown>;
  session?: { accountId?: string };
}

interface Provider {
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(req: IncomingMessage, res: ServerResponse, result: Record<string, unknown>, opts?: { mergeWithLastSubmission?: boolean }): Promise<void>;
  Grant: new (init: { accountId: string; clientId: string }) => { addOIDCScope(scope: string): void; save(): Promise<string> };
}

type ProviderClass = new (issuer: string, configuration: Record<string, unknown>) => Provider;

async function loadProvider(): Promise<ProviderClass> {
  const specifier = 'oidc-provider';
  // oidc-provider 9 warns about Node 20 once at import; it runs fine on it.
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('Unsupported runtime')) warn(...args);
  };
  try {
    return ((await import(specifier)) as { default: ProviderClass }).default;
  } finally {
    console.warn = warn;
  }
}

/** A person at the test provider; the test decides every claim, `email_verified` included. */
export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  /** How the client authenticates at the token endpoint; the provider refuses the other method. */
  authMethod?: 'client_secret_basic' | 'client_secret_post';
}

/** Rewrites the claims of ID tokens the token endpoint returns (re-signed with the provider's own key). */
export type IdTokenTamper = (claims: Record<string, unknown>) => Record<string, unknown>;

/**
 * A real OpenID provider (`oidc-provider`) on a free 127.0.0.1 port: discovery, JWKS, authorization
 * with PKCE required, token and userinfo endpoints. Login is a minimal interaction the test drives
 * with fetch (see Browser): `GET /interaction/:uid` answers JSON, `POST /interaction/:uid/login`
 * `{accountId}` signs that account in and grants what the client asked for.
 */
export class TestOidcProvider {
  readonly accounts = new Map<string, TestAccount>();
  private tamper: IdTokenTamper | null = null;

  private constructor(
    readonly issuer: string,
    private readonly server: Server,
    readonly provider: Provider,
    private readonly signingKey: { kid: string; pem: string },
  ) {}

  static async start(clients: TestClient[]): Promise<TestOidcProvider> {
    let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
    const server = createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = randomBytes(6).toString('hex');
    const jwk = { ...(privateKey.export({ format: 'jwk' }) as JsonWebKey), kid, alg: 'RS256', use: 'sig' };
    const accounts = new Map<string, TestAccount>();
    const configuration = {
      adapter: memoryAdapter(),
      clients: clients.map((c) => ({
        client_id: c.clientId,
        client_secret: c.clientSecret,
        redirect_uris: c.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: c.authMethod ?? 'client_secret_basic',
      })),
      jwks: { keys: [jwk] },
      cookies: { keys: [randomBytes(16).toString('hex')] },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
      features: { devInteractions: { enabled: false } },
      interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
      pkce: { required: () => true },
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Grant: 600, Session: 600 },
      findAccount: async (_ctx: unknown, sub: string) => {
        const account = accounts.get(sub);
        if (!account) return undefined;
        return { accountId: sub, claims: async () => ({ ...account }) };
      },
    };
    const Provider = await loadProvider();
    const provider = new Provider(issuer, configuration);
    const fake = new TestOidcProvider(issuer, server, provider, { kid, pem: privateKey.export({ format: 'pem', type: 'pkcs8' }) as string });
    (fake as { accounts: Map<string, TestAccount> }).accounts = accounts;
    provider.use(async (ctx, next) => {
      await next();
      const body = ctx.body as { id_token?: unknown } | undefined;
      if (fake.tamper && ctx.path === '/token' && ctx.status === 200 && typeof body?.id_token === 'string') {
        ctx.body = { ...body, id_token: fake.resign(body.id_token, fake.tamper) };
      }
    });
    const callback = provider.callback();
    handle = (req, res) => {
      const match = /^\/interaction\/([^/?]+)(\/login)?(?:\?|$)/.exec(req.url ?? '');
      if (!match) return void callback(req, res);
      fake.interaction(req, res, match[2] === '/login').catch((e: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String(e) }));
      });
    };
    return fake;
  }

  /** Adds a person; `sub` defaults to a fresh UUID. */
  addAccount(claims: Omit<TestAccount, 'sub'> & { sub?: string }): TestAccount {
    const account = { ...claims, sub: claims.sub ?? randomUUID() };
    this.accounts.set(account.sub, account);
    return account;
  }

  /** Until cleared with null, every ID token the token endpoint returns goes through `fn`. */
  tamperIdTokens(fn: IdTokenTamper | null): void {
    this.tamper = fn;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private resign(idToken: string, fn: IdTokenTamper): string {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: this.signingKey.kid })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(fn(claims))).toString('base64url');
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), createPrivateKey(this.signingKey.pem)).toString('base64url');
    return `${header}.${payload}.${signature}`;
  }

  private async interaction(req: IncomingMessage, res: ServerResponse, submit: boolean): Promise<void> {
    const details = await this.provider.interactionDetails(req, res);
    if (!submit) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ uid: details.uid, prompt: details.prompt.name, clientId: details.params.client_id }));
      return;
    }
    const { accountId, deny } = JSON.parse(await readBody(req)) as { accountId?: string; deny?: boolean };
    if (deny) {
      await this.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the person declined' }, { mergeWithLastSubmission: false });
      return;
    }
    const account = details.session?.accountId ?? accountId;
    if (!account || !this.accounts.has(account)) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unknown account' }));
      return;
    }
    // First-party test client: consent is granted for whatever was asked.
    const grant = new this.provider.Grant({ accountId: account, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const grantId = await grant.save();
    await this.provider.interactionFinished(req, res, { login: { accountId: account }, consent: { grantId } }, { mergeWithLastSubmission: false });
  }
}

export interface BrowserResult {
  /** Where the browser was finally sent, if it stopped at a redirect. */
  location?: URL;
  /** Every URL requested, in order, with its method. */
  history: Array<{ method: string; url: URL; body?: string }>;
  /** The last response when it was not a redirect that left the known sites. */
  status: number;
  body: string;
}

/**
 * A minimal browser: follows redirects by hand with its own cookie jar, logs in at the test provider's
 * interaction as the account it is given, and submits form_post pages. It stops at the first redirect
 * that `stopAt` accepts (the app's redirect URI) or at the first page that is neither.
 */
export class Browser {
  private readonly jar = new Map<string, { value: string; host: string; path: string }>();

  constructor(private readonly stopAt: (url: URL) => boolean) {}

  /** `account` logs in at the provider's interaction; `deny` declines instead. */
  async run(startUrl: string, opts: { account?: TestAccount; deny?: boolean } = {}): Promise<BrowserResult> {
    let url = new URL(startUrl);
    let init: { method: string; body?: string; headers?: Record<string, string> } = { method: 'GET' };
    const history: BrowserResult['history'] = [];
    for (let hop = 0; hop < 25; hop += 1) {
      history.push({ method: init.method, url, body: init.body });
      const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, cookie: this.cookiesFor(url) } });
      this.store(url, res.headers.getSetCookie());
      const body = await res.text();
      if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
        const next = new URL(res.headers.get('location')!, url);
        if (this.stopAt(next) || (next.protocol !== 'http:' && next.protocol !== 'https:')) return { location: next, status: res.status, body, history };
        url = next;
        init = { method: 'GET' };
        continue;
      }
      const interaction = /^\/interaction\/([^/]+)$/.exec(url.pathname);
      if (res.status === 200 && interaction) {
        url = new URL(`${url.pathname}/login`, url);
        init = { method: 'POST', body: JSON.stringify({ accountId: opts.account?.sub, deny: opts.deny }), headers: { 'content-type': 'application/json' } };
        continue;
      }
      const form = res.status === 200 ? parseAutoSubmitForm(body) : null;
      if (form) {
        url = new URL(form.action, url);
        init = { method: 'POST', body: new URLSearchParams(form.fields).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
        continue;
      }
      return { status: res.status, body, history };
    }
    throw new Error('too many redirects');
  }

  private cookiesFor(url: URL): string {
    return [...this.jar.entries()]
      .filter(([, c]) => c.host === url.host && url.pathname.startsWith(c.path))
      .map(([key, c]) => `${key.split('\u0000')[2]}=${c.value}`)
      .join('; ');
  }

  private store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) || '/';
      const expired = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()));
      const key = `${url.host}\u0000${path}\u0000${name}`;
      if (expired || value === '') this.jar.delete(key);
      else this.jar.set(key, { value, host: url.host, path });
    }
  }
}

/** The HTML page a provider answers with for `response_mode=form_post`. */
function parseAutoSubmitForm(html: string): { action: string; fields: Record<string, string> } | null {
  const form = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html) ?? /<form[^>]*action="([^"]+)"[^>]*method="post"/i.exec(html);
  if (!form) return null;
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)) fields[unescapeHtml(m[1]!)] = unescapeHtml(m[2]!);
  return { action: unescapeHtml(form[1]!), fields };
}

function unescapeHtml(s: string): string {
  return s.replace(/&#(\d+);/g, (_m, d: string) => String.fromCharCode(Number(d))).replace(/&#x([0-9a-f]+);/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data || '{}'));
    req.on('error', reject);
  });
}

/** oidc-provider's storage, per provider instance and in memory (its built-in one warns on every start). */
function memoryAdapter(): new (name: string) => Adapter {
  const store = new Map<string, { payload: AdapterPayload; expiresAt: number }>();
  return class MemoryAdapter implements Adapter {
    constructor(private readonly name: string) {}

    private key(id: string): string {
      return `${this.name}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      store.set(this.key(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const entry = store.get(this.key(id));
      if (!entry || entry.expiresAt <= Date.now()) return undefined;
      return entry.payload;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      for (const [key, entry] of store) if (key.startsWith(`${this.name}:`) && entry.payload.uid === uid && entry.expiresAt > Date.now()) return entry.payload;
      return undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      for (const [key, entry] of store) if (key.startsWith(`${this.name}:`) && entry.payload.userCode === userCode) return entry.payload;
      return undefined;
    }

    async consume(id: string): Promise<void> {
      const entry = store.get(this.key(id));
      if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string): Promise<void> {
      store.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [key, entry] of store) if (entry.payload.grantId === grantId) store.delete(key);
    }
  };
}
