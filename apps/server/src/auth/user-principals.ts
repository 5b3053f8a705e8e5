import type { Principal } from '@basalt/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CredentialResolvers } from '../common/auth/credential-resolvers.js';
import { ExpiringCache } from '../common/expiring-cache.js';
import { EventBus } from '../infra/events/event-bus.port.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { SessionsService } from './sessions.service.js';

/** How long a node trusts a user's cached roles and disabled flag; any change to the user also clears it at once through the EventBus. */
const STANDING_CACHE_MS = 5_000;
/** Users remembered at most; past this the oldest entries go first. */
const STANDING_CACHE_SIZE = 10_000;

interface Standing {
  roles: string[];
  disabled: boolean;
}

/**
 * Resolves `Authorization: Bearer <user access token>` to a user principal. A token whose session
 * was revoked (logout, password change, reuse detected) or whose user is disabled or gone is refused,
 * even before it expires. A user's roles and disabled flag are cached like active sessions are, so a
 * signed-in request costs no query of its own.
 */
@Injectable()
export class UserPrincipals implements OnModuleInit {
  private readonly standing = new ExpiringCache<string, Standing>(STANDING_CACHE_MS, STANDING_CACHE_SIZE);

  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly sessions: SessionsService,
    private readonly resolvers: CredentialResolvers,
    private readonly events: EventBus,
    private readonly ds: DataSource,
  ) {}

  onModuleInit(): void {
    this.resolvers.addBearer((token) => this.resolve(token));
    this.events.subscribe('record.changed', ({ collection, before, after }) => {
      if (collection !== 'users') return;
      if (before) this.standing.delete(before.id);
      if (after) this.standing.delete(after.id);
    });
  }

  private async resolve(token: string): Promise<Principal | null> {
    const claims = await this.verifier.verify(token);
    if (!claims) return null;
    if (claims.sessionId && !(await this.sessions.isActive(claims.sessionId))) return null;
    const user = await this.standingOf(claims.userId);
    if (!user || user.disabled) return null;
    return { kind: 'user', id: claims.userId, roles: user.roles, scopes: [], ...(claims.sessionId && { sessionId: claims.sessionId }) };
  }

  private standingOf(userId: string): Promise<Standing | undefined> {
    return this.standing.through(userId, async () => {
      const [row] = await this.ds.query('SELECT "roles", "disabled" FROM app.users WHERE "id" = $1', [userId]);
      return row ? { roles: row.roles ?? [], disabled: Boolean(row.disabled) } : undefined;
    });
  }
}
