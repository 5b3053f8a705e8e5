import type { Principal } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { Errors } from '../app-error.js';
import { type BasaltRequest, GUEST } from '../request-context.js';

/** Turns a credential into a principal, or null when it is not one this resolver knows or accepts. */
export type CredentialResolver = (credential: string) => Promise<Principal | null>;

/**
 * Features register how their credentials resolve (admin tokens, user tokens, API keys) at init,
 * so the guard in common/ never imports a feature.
 */
@Injectable()
export class CredentialResolvers {
  private readonly bearer: CredentialResolver[] = [];
  private apiKeyResolver?: CredentialResolver;

  addBearer(resolver: CredentialResolver): void {
    this.bearer.push(resolver);
  }

  setApiKey(resolver: CredentialResolver): void {
    this.apiKeyResolver = resolver;
  }

  /**
   * The request's caller, resolved once and kept on the request, where later hooks (the request
   * log) read it: what the guard of Nest routes and the records' Fastify routes both start with.
   */
  async principalOf(req: Pick<BasaltRequest, 'principal' | 'headers'>): Promise<Principal> {
    return (req.principal ??= await this.resolveRequest(req.headers));
  }

  /**
   * The caller a request's headers name: a bearer token or an API key, or the guest when there is
   * neither. A credential that is present but bad is always 401, never silently treated as a guest.
   */
  async resolveRequest(headers: IncomingHttpHeaders): Promise<Principal> {
    const { authorization, 'x-api-key': apiKey } = headers;
    if (authorization !== undefined && apiKey !== undefined) throw Errors.unauthorized('send either Authorization or X-Api-Key, not both');
    if (authorization !== undefined) {
      const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(authorization);
      if (!match) throw Errors.unauthorized('malformed Authorization header: expected "Bearer <token>"');
      const principal = await this.resolveBearer(match[1]!);
      if (!principal) throw Errors.unauthorized('invalid or expired token');
      return principal;
    }
    if (apiKey !== undefined) {
      const principal = typeof apiKey === 'string' ? await this.resolveApiKey(apiKey) : null;
      if (!principal) throw Errors.unauthorized('invalid, revoked or expired API key');
      return principal;
    }
    return GUEST;
  }

  async resolveBearer(token: string): Promise<Principal | null> {
    for (const resolve of this.bearer) {
      const principal = await resolve(token);
      if (principal) return principal;
    }
    return null;
  }

  async resolveApiKey(key: string): Promise<Principal | null> {
    return this.apiKeyResolver ? this.apiKeyResolver(key) : null;
  }
}
