import type { Principal } from '@basalt/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CredentialResolvers } from '../common/auth/credential-resolvers.js';
import { UserTokens } from './user-tokens.js';

/** Resolves `Authorization: Bearer <user access token>` to a user principal; a disabled or deleted user is refused. */
@Injectable()
export class UserPrincipals implements OnModuleInit {
  constructor(
    private readonly tokens: UserTokens,
    private readonly resolvers: CredentialResolvers,
    private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.resolvers.addBearer((token) => this.resolve(token));
  }

  private async resolve(token: string): Promise<Principal | null> {
    const claims = this.tokens.verify(token);
    if (!claims) return null;
    const [user] = await this.ds.query('SELECT "roles", "disabled" FROM app.users WHERE "id" = $1', [claims.userId]);
    if (!user || user.disabled) return null;
    return { kind: 'user', id: claims.userId, roles: user.roles ?? [], scopes: [], ...(claims.sessionId && { sessionId: claims.sessionId }) };
  }
}
