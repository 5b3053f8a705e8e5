import type { Principal } from '@basalt/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CredentialResolvers } from '../common/auth/credential-resolvers.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { SessionsService } from './sessions.service.js';

/**
 * Resolves `Authorization: Bearer <user access token>` to a user principal. A token whose session
 * was revoked (logout, password change, reuse detected) or whose user is disabled or gone is refused,
 * even before it expires.
 */
@Injectable()
export class UserPrincipals implements OnModuleInit {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly sessions: SessionsService,
    private readonly resolvers: CredentialResolvers,
    private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.resolvers.addBearer((token) => this.resolve(token));
  }

  private async resolve(token: string): Promise<Principal | null> {
    const claims = await this.verifier.verify(token);
    if (!claims) return null;
    if (claims.sessionId && !(await this.sessions.isActive(claims.sessionId))) return null;
    const [user] = await this.ds.query('SELECT "roles", "disabled" FROM app.users WHERE "id" = $1', [claims.userId]);
    if (!user || user.disabled) return null;
    return { kind: 'user', id: claims.userId, roles: user.roles ?? [], scopes: [], ...(claims.sessionId && { sessionId: claims.sessionId }) };
  }
}
