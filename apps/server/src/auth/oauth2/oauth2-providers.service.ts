import type { OAuth2ProviderInfo, OAuth2ProviderSettings } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/app-error.js';
import { SettingsService } from '../../admin/settings.service.js';
import type { Jwks } from './id-token.js';
import { OAuth2Errors } from './oauth2.errors.js';
import { ProviderHttpError, providerObject } from './provider-http.js';

export type TokenAuthMethod = 'client_secret_basic' | 'client_secret_post';

/** A configured provider with every endpoint known: what the sign-in flow talks to. */
export interface ResolvedProvider {
  name: string;
  type: OAuth2ProviderSettings['type'];
  /** `oidc`: discovery, ID token, JWKS. `github`: plain OAuth2 and GitHub's REST API. */
  protocol: 'oidc' | 'github';
  clientId: string;
  clientSecret: string;
  scopes: string[];
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** Client authentication at the token endpoint, most preferred first. */
  tokenAuthMethods: TokenAuthMethod[];
  /** Extra authorization request parameters (Apple: `response_mode=form_post`). */
  authorizationParams: Record<string, string>;
  /** OIDC: the issuer exactly as its discovery document names it. */
  issuer: string | null;
  /** OIDC: other `iss` spellings the issuer uses (Google documents both `https://accounts.google.com` and `accounts.google.com`). */
  alternateIssuers: string[];
  jwksUri: string | null;
  userinfoEndpoint: string | null;
  /** OIDC: the provider promises an `iss` parameter on its authorization responses (RFC 9207). */
  issInAuthorizationResponse: boolean;
  /** GitHub: the REST API base. */
  apiBase: string | null;
}

interface Preset {
  protocol: 'oidc' | 'github';
  issuer?: string;
  alternateIssuers?: string[];
  scopes: string[];
  authorizationParams?: Record<string, string>;
}

/**
 * Well-known providers. Every OIDC type is configured from `${issuer}/.well-known/openid-configuration`;
 * an `issuer` setting overrides the preset's. For `github`, which has no discovery, an `issuer` setting is
 * the base URL of a GitHub Enterprise Server (or a test fake): `${issuer}/login/oauth/authorize`,
 * `${issuer}/login/oauth/access_token` and the API at `${issuer}/api/v3`.
 */
const PRESETS: Record<OAuth2ProviderSettings['type'], Preset> = {
  oidc: { protocol: 'oidc', scopes: ['openid', 'email', 'profile'] },
  google: { protocol: 'oidc', issuer: 'https://accounts.google.com', alternateIssuers: ['accounts.google.com'], scopes: ['openid', 'email', 'profile'] },
  // Apple answers with a POST (form_post) whenever scopes are requested; its client secret is a JWT the admin generates.
  apple: { protocol: 'oidc', issuer: 'https://appleid.apple.com', scopes: ['openid', 'email', 'name'], authorizationParams: { response_mode: 'form_post' } },
  github: { protocol: 'github', scopes: ['read:user', 'user:email'] },
};

const GITHUB = { authorize: 'https://github.com/login/oauth/authorize', token: 'https://github.com/login/oauth/access_token', api: 'https://api.github.com' };

const DISCOVERY_TTL_MS = 60 * 60 * 1000;
const JWKS_TTL_MS = 60 * 60 * 1000;
/** A token signed with an unknown key refetches the JWKS (key rotation), but not more often than this. */
const JWKS_MIN_REFRESH_MS = 30 * 1000;

interface Discovery {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  userinfoEndpoint: string | null;
  tokenAuthMethods: TokenAuthMethod[];
  issInAuthorizationResponse: boolean;
}

interface Cached<T> {
  value: Promise<T>;
  fetchedAt: number;
  expiresAt: number;
}

/** The providers admins configured (`settings.oauth2`), with discovery documents and JWKS cached per process. */
@Injectable()
export class OAuth2Providers {
  private readonly discoveries = new Map<string, Cached<Discovery>>();
  private readonly keySets = new Map<string, Cached<Jwks>>();

  constructor(private readonly settings: SettingsService) {}

  async list(): Promise<OAuth2ProviderInfo[]> {
    const { providers } = await this.settings.group('oauth2');
    return providers.map((p) => ({ name: p.name, type: p.type }));
  }

  /** Null when no provider has this name. Throws `service_unavailable` when its discovery document cannot be used. */
  async resolve(name: string): Promise<ResolvedProvider | null> {
    const { providers } = await this.settings.group('oauth2');
    const settings = providers.find((p) => p.name === name);
    if (!settings) return null;
    const preset = PRESETS[settings.type];
    const scopes = settings.scopes?.length ? [...settings.scopes] : [...preset.scopes];
    const base = {
      name: settings.name,
      type: settings.type,
      protocol: preset.protocol,
      clientId: settings.clientId,
      clientSecret: settings.clientSecret,
      authorizationParams: { ...preset.authorizationParams },
    };
    if (preset.protocol === 'github') {
      const root = settings.issuer?.replace(/\/+$/, '');
      return {
        ...base,
        scopes,
        authorizationEndpoint: root ? `${root}/login/oauth/authorize` : GITHUB.authorize,
        tokenEndpoint: root ? `${root}/login/oauth/access_token` : GITHUB.token,
        tokenAuthMethods: ['client_secret_post'],
        issuer: null,
        alternateIssuers: [],
        jwksUri: null,
        userinfoEndpoint: null,
        issInAuthorizationResponse: false,
        apiBase: root ? `${root}/api/v3` : GITHUB.api,
      };
    }
    const issuer = settings.issuer ?? preset.issuer;
    if (!issuer) throw new AppError('service_unavailable', `oauth2 provider '${name}' has no issuer configured`);
    const d = await this.discover(issuer);
    if (!scopes.includes('openid')) scopes.unshift('openid');
    // The alternate spellings only hold for the preset's own issuer, not for an override.
    const alternateIssuers = issuer === preset.issuer ? [...(preset.alternateIssuers ?? [])] : [];
    return { ...base, scopes, ...d, alternateIssuers, apiBase: null };
  }

  /** The issuer's signing keys; `refresh` refetches them unless they were fetched moments ago. */
  async jwks(uri: string, refresh = false): Promise<Jwks> {
    const cached = this.keySets.get(uri);
    const now = Date.now();
    const stale = !cached || cached.expiresAt <= now || (refresh && now - cached.fetchedAt >= JWKS_MIN_REFRESH_MS);
    if (!stale) return cached.value;
    const value = providerObject(uri, { followRedirects: true }).then((body) => {
      if (!Array.isArray(body.keys)) throw new ProviderHttpError('the JWKS has no keys array');
      return { keys: body.keys } as Jwks;
    });
    return this.remember(this.keySets, uri, value, JWKS_TTL_MS);
  }

  private discover(issuer: string): Promise<Discovery> {
    const cached = this.discoveries.get(issuer);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const value = providerObject(url, { followRedirects: true })
      .then((doc) => parseDiscovery(doc, issuer))
      .catch((e: unknown) => {
        throw OAuth2Errors.unavailable(e instanceof Error ? e.message : 'discovery failed', { cause: e });
      });
    return this.remember(this.discoveries, issuer, value, DISCOVERY_TTL_MS);
  }

  /** Failures are not cached: the next sign-in tries again. */
  private remember<T>(cache: Map<string, Cached<T>>, key: string, value: Promise<T>, ttlMs: number): Promise<T> {
    const entry: Cached<T> = { value, fetchedAt: Date.now(), expiresAt: Date.now() + ttlMs };
    cache.set(key, entry);
    value.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return value;
  }
}

function parseDiscovery(doc: Record<string, unknown>, issuer: string): Discovery {
  // OIDC Discovery §4.3: the document must name the issuer it was fetched for (a trailing slash aside).
  if (typeof doc.issuer !== 'string' || doc.issuer.replace(/\/+$/, '') !== issuer.replace(/\/+$/, '')) {
    throw new ProviderHttpError(`the discovery document names issuer ${JSON.stringify(doc.issuer)}, not ${issuer}`);
  }
  const url = (key: string, required: boolean): string | null => {
    const v = doc[key];
    if (typeof v === 'string' && /^https?:\/\//i.test(v)) return v;
    if (required) throw new ProviderHttpError(`the discovery document has no valid ${key}`);
    return null;
  };
  const advertised = Array.isArray(doc.token_endpoint_auth_methods_supported) ? doc.token_endpoint_auth_methods_supported : ['client_secret_basic'];
  const methods = (['client_secret_basic', 'client_secret_post'] as const).filter((m) => advertised.includes(m));
  return {
    issuer: doc.issuer,
    authorizationEndpoint: url('authorization_endpoint', true)!,
    tokenEndpoint: url('token_endpoint', true)!,
    jwksUri: url('jwks_uri', true)!,
    userinfoEndpoint: url('userinfo_endpoint', false),
    tokenAuthMethods: methods.length ? methods : ['client_secret_basic'],
    issInAuthorizationResponse: doc.authorization_response_iss_parameter_supported === true,
  };
}
