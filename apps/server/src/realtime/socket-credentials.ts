import type { Principal } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { Errors } from '../common/app-error.js';
import { CredentialResolvers } from '../common/auth/credential-resolvers.js';
import { GUEST } from '../common/request-context.js';

/** Who a socket is, and until when its credential is good (null: no expiry we know of). */
export interface SocketIdentity {
  principal: Principal;
  expiresAt: number | null;
}

/**
 * Resolves a socket's credential with the same resolvers as HTTP, so a socket and a request with the
 * same token are the same principal. A credential that is present but bad is refused, never
 * downgraded to a guest.
 */
@Injectable()
export class SocketCredentials {
  constructor(private readonly resolvers: CredentialResolvers) {}

  /** `auth` from the handshake; Socket.IO adds its own `pid`/`offset` keys on reconnection, which are ignored. */
  async fromHandshake(auth: unknown): Promise<SocketIdentity> {
    const { token, apiKey } = (auth && typeof auth === 'object' ? auth : {}) as Record<string, unknown>;
    if (token === undefined && apiKey === undefined) return { principal: GUEST, expiresAt: null };
    return this.resolve({ token, apiKey });
  }

  async resolve({ token, apiKey }: { token?: unknown; apiKey?: unknown }): Promise<SocketIdentity> {
    if (token !== undefined && apiKey !== undefined) throw Errors.unauthorized('send either token or apiKey, not both');
    if (token !== undefined) {
      if (typeof token !== 'string' || token === '') throw Errors.unauthorized('token must be a non-empty string');
      const principal = await this.resolvers.resolveBearer(token);
      if (!principal) throw Errors.unauthorized('invalid or expired token');
      return { principal, expiresAt: jwtExpiry(token) };
    }
    if (typeof apiKey !== 'string' || apiKey === '') throw Errors.unauthorized('apiKey must be a non-empty string');
    const principal = await this.resolvers.resolveApiKey(apiKey);
    if (!principal) throw Errors.unauthorized('invalid, revoked or expired API key');
    return { principal, expiresAt: null };
  }
}

/**
 * The `exp` of a JWT the resolvers already verified (user and admin tokens are JWTs), so the socket
 * can stop at that instant; anything else (a metrics token) has no expiry.
 */
export function jwtExpiry(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}
