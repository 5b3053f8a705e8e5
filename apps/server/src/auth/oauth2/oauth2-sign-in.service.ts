import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { AppConfig } from '../../config/app-config.js';
import { Errors } from '../../common/app-error.js';
import { LOGGER } from '../../common/logger.js';
import { randomToken } from '../../common/secrets.js';
import type { ProviderProfile } from './id-token.js';
import { OAuth2Accounts } from './oauth2-accounts.service.js';
import { OAuth2Client } from './oauth2-client.js';
import { OAuth2Errors, OAuth2Failure } from './oauth2.errors.js';
import { OAuth2Providers, type ResolvedProvider } from './oauth2-providers.service.js';
import { OAuth2States, type PendingSignIn } from './oauth2-states.repository.js';
import { checkRedirectUri, withParams } from './redirect-uri.js';

/** What the provider sent back to the callback, by query (GET) or form (POST, `response_mode=form_post`). */
export interface CallbackParams {
  code?: unknown;
  state?: unknown;
  error?: unknown;
  error_description?: unknown;
  iss?: unknown;
  /** Apple's form_post: the name the person chose to share, sent on the first sign-in only. */
  user?: unknown;
}

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The browser leg of OAuth2/OIDC sign-in: start (authorization request with PKCE, state and nonce)
 * and callback (state, code exchange, profile, user), ending in a redirect to the app with a code.
 */
@Injectable()
export class OAuth2SignIn {
  constructor(
    private readonly providers: OAuth2Providers,
    private readonly client: OAuth2Client,
    private readonly states: OAuth2States,
    private readonly accounts: OAuth2Accounts,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /** The provider's authorization URL to redirect the browser to. */
  async start(name: string, redirectUri: unknown, appCodeChallenge: unknown): Promise<string> {
    const target = checkRedirectUri(redirectUri, this.config.http.publicUrl);
    if (appCodeChallenge !== undefined && (typeof appCodeChallenge !== 'string' || !S256_CHALLENGE.test(appCodeChallenge))) {
      throw Errors.validation({ codeChallenge: 'must be a base64url SHA-256 (S256) challenge of 43 characters' });
    }
    const p = await this.providers.resolve(name);
    if (!p) throw OAuth2Errors.unknownProvider(name);
    const codeVerifier = randomToken(48);
    const nonce = p.protocol === 'oidc' ? randomToken(24) : null;
    const state = await this.states.create({ provider: p.name, redirectUri: target, codeVerifier, nonce, appCodeChallenge: (appCodeChallenge as string | undefined) ?? null });
    const url = new URL(p.authorizationEndpoint);
    const params: Record<string, string> = {
      ...p.authorizationParams,
      response_type: 'code',
      client_id: p.clientId,
      redirect_uri: this.callbackUri(p.name),
      scope: p.scopes.join(' '),
      state,
      code_challenge: createHash('sha256').update(codeVerifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...(nonce && { nonce }),
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return url.href;
  }

  /**
   * Where to send the browser after the provider's answer: the app's redirect URI with `code`, or with
   * `error` and `error_description`. Only a missing, forged, used or expired state throws (400), since
   * then there is no trustworthy place to redirect to.
   */
  async callback(name: string, params: CallbackParams): Promise<string> {
    const pending = await this.states.consume(params.state);
    if (!pending || pending.provider !== name) throw OAuth2Errors.badState();
    try {
      const code = await this.finish(pending, params);
      return withParams(pending.redirectUri, { code });
    } catch (e) {
      const failure = e instanceof OAuth2Failure ? e : new OAuth2Failure('server_error', 'the sign-in could not be completed');
      if (e instanceof OAuth2Failure) this.log.warn({ provider: name, error: failure.code, reason: failure.message }, 'oauth2 sign-in failed');
      else this.log.error({ err: e, provider: name }, 'oauth2 sign-in failed unexpectedly');
      return withParams(pending.redirectUri, { error: failure.code, error_description: failure.message });
    }
  }

  private async finish(pending: PendingSignIn, params: CallbackParams): Promise<string> {
    if (params.error !== undefined) {
      const error = typeof params.error === 'string' && /^[a-z_]{1,64}$/.test(params.error) ? params.error : 'provider_error';
      const description = typeof params.error_description === 'string' ? params.error_description.slice(0, 300) : 'the provider ended the sign-in';
      throw new OAuth2Failure(error, description);
    }
    if (typeof params.code !== 'string' || params.code.length === 0 || params.code.length > 2048) {
      throw new OAuth2Failure('invalid_response', 'the provider sent no authorization code');
    }
    let p: ResolvedProvider | null;
    try {
      p = await this.providers.resolve(pending.provider);
    } catch (e) {
      throw new OAuth2Failure('provider_unavailable', (e as Error).message, { cause: e });
    }
    if (!p) throw new OAuth2Failure('provider_not_configured', `oauth2 provider '${pending.provider}' is no longer configured`);
    this.checkIssuerParameter(p, params.iss);
    const tokens = await this.client.exchangeCode(p, params.code, pending.codeVerifier, this.callbackUri(p.name));
    const profile = p.protocol === 'oidc' ? await this.client.oidcProfile(p, tokens, pending.nonce!) : await this.client.githubProfile(p, tokens);
    const user = await this.accounts.userFor(p.name, withAppleName(profile, p, params.user));
    return this.accounts.issueCode(user, p.name, pending.appCodeChallenge);
  }

  /** RFC 9207: an authorization response naming another issuer is a mix-up attack; one the provider promised to name must name it. */
  private checkIssuerParameter(p: ResolvedProvider, iss: unknown): void {
    if (p.protocol !== 'oidc') return;
    if (iss === undefined ? p.issInAuthorizationResponse : iss !== p.issuer) {
      throw new OAuth2Failure('invalid_response', 'the authorization response does not come from the configured issuer');
    }
  }

  /** The redirect_uri registered at the provider. */
  callbackUri(name: string): string {
    return `${this.config.http.publicUrl}/api/auth/oauth2/${name}/callback`;
  }
}

/** Apple never puts the name in its ID token; its form_post carries it once, unverified, which is fine for a display name. */
function withAppleName(profile: ProviderProfile, p: ResolvedProvider, user: unknown): ProviderProfile {
  if (p.type !== 'apple' || profile.name || typeof user !== 'string' || user.length > 2000) return profile;
  try {
    const parsed = JSON.parse(user) as { name?: { firstName?: unknown; lastName?: unknown } };
    const name = [parsed?.name?.firstName, parsed?.name?.lastName].filter((v): v is string => typeof v === 'string').join(' ').trim();
    return name ? { ...profile, name: name.slice(0, 200) } : profile;
  } catch {
    return profile;
  }
}
