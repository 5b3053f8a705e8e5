import type { Principal } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';

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
