import { Injectable } from '@nestjs/common';
import { checkClaims, decodeJwt, IdTokenError, profileFromClaims, type ProviderProfile, verifySignature } from './id-token.js';
import { OAuth2Failure } from './oauth2.errors.js';
import { OAuth2Providers, type ResolvedProvider, type TokenAuthMethod } from './oauth2-providers.service.js';
import { ProviderHttpError, providerJson, providerObject } from './provider-http.js';

export interface ProviderTokens {
  accessToken: string;
  idToken: string | null;
}

/** The protocol side of a sign-in: code for tokens at the token endpoint, tokens for a verified profile. */
@Injectable()
export class OAuth2Client {
  /** Which client authentication a provider accepted last, so later sign-ins start with it. */
  private readonly acceptedAuth = new Map<string, TokenAuthMethod>();

  constructor(private readonly providers: OAuth2Providers) {}

  /**
   * Authorization code grant with the PKCE verifier. Providers that advertise both client_secret_basic
   * and client_secret_post may have registered the client for only one: `invalid_client` with one
   * tries the other.
   */
  async exchangeCode(p: ResolvedProvider, code: string, codeVerifier: string, redirectUri: string): Promise<ProviderTokens> {
    const key = `${p.name}\u0000${p.tokenEndpoint}\u0000${p.clientId}`;
    const remembered = this.acceptedAuth.get(key);
    const methods = remembered ? [remembered, ...p.tokenAuthMethods.filter((m) => m !== remembered)] : p.tokenAuthMethods;
    for (const [i, method] of methods.entries()) {
      const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier };
      const headers: Record<string, string> = {};
      if (method === 'client_secret_post') Object.assign(form, { client_id: p.clientId, client_secret: p.clientSecret });
      else headers.authorization = `Basic ${Buffer.from(`${formEncode(p.clientId)}:${formEncode(p.clientSecret)}`).toString('base64')}`;
      let body: Record<string, unknown>;
      try {
        body = await providerObject(p.tokenEndpoint, { method: 'POST', form, headers });
      } catch (e) {
        if (!(e instanceof ProviderHttpError)) throw e;
        const error = e.body?.error;
        if (error === 'invalid_client' && i < methods.length - 1) continue;
        if (typeof error === 'string') throw new OAuth2Failure('token_exchange_failed', `the provider refused the code: ${oauthError(error)}`, { cause: e });
        throw new OAuth2Failure('provider_unavailable', `token request failed: ${e.message}`, { cause: e });
      }
      // GitHub reports failures with 200 and an `error` member.
      if (typeof body.error === 'string') throw new OAuth2Failure('token_exchange_failed', `the provider refused the code: ${oauthError(body.error)}`);
      if (typeof body.access_token !== 'string' || !body.access_token) throw new OAuth2Failure('invalid_response', 'the token response has no access_token');
      this.acceptedAuth.set(key, method);
      return { accessToken: body.access_token, idToken: typeof body.id_token === 'string' ? body.id_token : null };
    }
    throw new OAuth2Failure('token_exchange_failed', 'the provider accepted none of the client authentication methods');
  }

  /** OIDC: the verified ID token's claims, completed from UserInfo when the token leaves out email or name. */
  async oidcProfile(p: ResolvedProvider, tokens: ProviderTokens, nonce: string): Promise<ProviderProfile> {
    if (!tokens.idToken) throw new OAuth2Failure('invalid_id_token', 'the provider sent no id_token');
    const claims = await this.verifiedClaims(p, tokens.idToken, nonce);
    const fromToken = profileFromClaims(claims);
    if ((fromToken.email && fromToken.name) || !p.userinfoEndpoint) return fromToken;
    let info: Record<string, unknown>;
    try {
      info = await providerObject(p.userinfoEndpoint, { headers: { authorization: `Bearer ${tokens.accessToken}` } });
    } catch (e) {
      throw new OAuth2Failure('provider_unavailable', `userinfo request failed: ${(e as Error).message}`, { cause: e });
    }
    // OIDC Core §5.3.2: UserInfo about another subject must not be used.
    if (info.sub !== claims.sub) throw new OAuth2Failure('invalid_response', 'userinfo describes another subject than the id_token');
    const fromInfo = profileFromClaims(info);
    // Email and its verification come together, from the signed token when it has them.
    const mail = fromToken.email ? fromToken : fromInfo;
    return { sub: fromToken.sub, email: mail.email, emailVerified: mail.emailVerified, name: fromToken.name ?? fromInfo.name, picture: fromToken.picture ?? fromInfo.picture };
  }

  /** GitHub: the account from `/user`, and its primary email only when GitHub says it is verified. */
  async githubProfile(p: ResolvedProvider, tokens: ProviderTokens): Promise<ProviderProfile> {
    const headers = { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    let user: Record<string, unknown>;
    let emails: unknown;
    try {
      user = await providerObject(`${p.apiBase}/user`, { headers });
      emails = await providerJson(`${p.apiBase}/user/emails`, { headers }).catch((e: unknown) => {
        // Without the user:email scope there is no list: sign in without an email.
        if (e instanceof ProviderHttpError && (e.status === 403 || e.status === 404)) return [];
        throw e;
      });
    } catch (e) {
      throw new OAuth2Failure('provider_unavailable', `GitHub API request failed: ${(e as Error).message}`, { cause: e });
    }
    if ((typeof user.id !== 'number' && typeof user.id !== 'string') || String(user.id).length === 0) throw new OAuth2Failure('invalid_response', 'the GitHub user has no id');
    const primary = Array.isArray(emails)
      ? (emails as Array<Record<string, unknown>>).find((e) => e && e.primary === true && e.verified === true && typeof e.email === 'string')
      : undefined;
    const name = typeof user.name === 'string' && user.name.trim() ? user.name.trim() : typeof user.login === 'string' ? user.login : null;
    return profileFromClaims({ sub: String(user.id), email: primary?.email, email_verified: primary !== undefined, name, picture: user.avatar_url });
  }

  private async verifiedClaims(p: ResolvedProvider, idToken: string, nonce: string): Promise<Record<string, unknown>> {
    try {
      const jwt = decodeJwt(idToken);
      try {
        verifySignature(jwt, await this.providers.jwks(p.jwksUri!));
      } catch (e) {
        // A key we have not seen yet: the issuer may have rotated its keys since we cached them.
        if (!(e instanceof IdTokenError) || e.problem !== 'unknown_key') throw e;
        verifySignature(jwt, await this.providers.jwks(p.jwksUri!, true));
      }
      checkClaims(jwt.payload, { issuer: p.issuer!, alternateIssuers: p.alternateIssuers, clientId: p.clientId, nonce });
      return jwt.payload;
    } catch (e) {
      if (e instanceof IdTokenError) throw new OAuth2Failure('invalid_id_token', e.message, { cause: e });
      if (e instanceof ProviderHttpError) throw new OAuth2Failure('provider_unavailable', `JWKS request failed: ${e.message}`, { cause: e });
      throw e;
    }
  }
}

/** RFC 6749 §2.3.1: client id and secret are form-encoded before Basic encoding. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

function oauthError(error: string): string {
  return /^[\x20-\x7e]{1,80}$/.test(error) ? error : 'error';
}
