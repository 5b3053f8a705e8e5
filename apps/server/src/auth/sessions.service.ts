import type { AuthSession, SessionInfo } from '@basalt/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../collections/records/records.service.js';
import { AppConfig } from '../config/app-config.js';
import { Errors } from '../common/app-error.js';
import { ExpiringCache } from '../common/expiring-cache.js';
import { uuidv7 } from '../common/ids.js';
import { decryptString, deriveKey, encryptString, randomToken, sha256Hex } from '../common/secrets.js';
import { EventBus } from '../infra/events/event-bus.port.js';
import { SettingsService } from '../admin/settings.service.js';
import { SessionsRepository } from './sessions.repository.js';
import { UserTokens } from './user-tokens.js';

/** Two refreshes racing with the same token within this window both get the one new pair. */
export const REFRESH_GRACE_MS = 10_000;
/** How long a node trusts its cached "this session is active"; revocations also clear it at once through the EventBus. */
const ACTIVE_CACHE_MS = 5_000;
/** Sessions remembered as active at most; past this the oldest entries go first. */
const ACTIVE_CACHE_SIZE = 10_000;

export interface SessionMeta {
  userAgent?: string | null;
  ip?: string | null;
  mfa?: boolean;
}

/**
 * Sessions with rotating refresh tokens (`<sessionId>.<secret>`, only a hash stored). Reusing a
 * rotated token outside the grace window means it was stolen: the whole session is revoked.
 */
@Injectable()
export class SessionsService implements OnModuleInit {
  private readonly sealKey: Buffer;
  private readonly activeCache = new ExpiringCache<string, true>(ACTIVE_CACHE_MS, ACTIVE_CACHE_SIZE);

  constructor(
    private readonly repo: SessionsRepository,
    private readonly tokens: UserTokens,
    private readonly settings: SettingsService,
    private readonly events: EventBus,
    private readonly ds: DataSource,
    config: AppConfig,
  ) {
    this.sealKey = deriveKey(config.secret, 'refresh-grace');
  }

  onModuleInit(): void {
    this.events.subscribe('session.revoked', ({ sessionIds }) => {
      for (const id of sessionIds) this.activeCache.delete(id);
    });
    // However a user gets disabled (admin API, records API, batch), its sessions end with it.
    this.events.subscribe('record.changed', async ({ collection, before, after }) => {
      if (collection === 'users' && after?.disabled === true && before?.disabled !== true) await this.revokeAll(after.id, 'user_disabled');
    });
  }

  async issue(userId: string, meta: SessionMeta = {}): Promise<AuthSession> {
    const { accessTokenTtl, refreshTokenTtl } = await this.settings.group('auth');
    const id = uuidv7();
    const secret = randomToken(32);
    await this.repo.insert({ id, userId, refreshHash: sha256Hex(secret), mfa: meta.mfa ?? false, userAgent: clip(meta.userAgent), ip: clip(meta.ip), ttlSeconds: refreshTokenTtl });
    return { accessToken: this.tokens.issue({ userId, sessionId: id }, accessTokenTtl), refreshToken: `${id}.${secret}`, expiresIn: accessTokenTtl };
  }

  async refresh(refreshToken: string): Promise<{ userId: string; session: AuthSession }> {
    const [id, secret] = refreshToken.split('.');
    if (!id || !secret || !/^[0-9a-f-]{36}$/i.test(id)) throw Errors.unauthorized('invalid refresh token');
    const { accessTokenTtl, refreshTokenTtl } = await this.settings.group('auth');
    const hash = sha256Hex(secret);
    const outcome = await this.ds.transaction(async (em) => {
      const s = await this.repo.lock(em, id);
      if (!s || s.revokedAt || s.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' as const };
      const [user] = await em.query('SELECT "disabled" FROM app.users WHERE "id" = $1', [s.userId]);
      if (!user || user.disabled) return { kind: 'invalid' as const };
      if (s.refreshHash === hash) {
        const next = randomToken(32);
        const session: AuthSession = {
          accessToken: this.tokens.issue({ userId: s.userId, sessionId: id }, accessTokenTtl),
          refreshToken: `${id}.${next}`,
          expiresIn: accessTokenTtl,
        };
        await this.repo.rotate(em, id, sha256Hex(next), hash, encryptString(this.sealKey, JSON.stringify(session)), refreshTokenTtl);
        return { kind: 'rotated' as const, userId: s.userId, session };
      }
      const inGrace = s.previousRefreshHash === hash && s.rotatedAt && Date.now() - s.rotatedAt.getTime() <= REFRESH_GRACE_MS && s.gracePairSealed;
      if (inGrace) return { kind: 'rotated' as const, userId: s.userId, session: JSON.parse(decryptString(this.sealKey, s.gracePairSealed!)) as AuthSession };
      // Only a token this session really issued proves theft; a guessed secret next to a known
      // session id (it is in every access token) must not be able to sign the owner out.
      if (s.previousRefreshHash !== hash && !s.retiredRefreshHashes.includes(hash)) return { kind: 'invalid' as const };
      await this.repo.revoke({ id }, 'refresh_token_reused', em);
      return { kind: 'reused' as const, userId: s.userId };
    });
    if (outcome.kind === 'reused') {
      await this.announce([id], outcome.userId);
      throw Errors.unauthorized('this refresh token was already used: the session has been revoked, sign in again');
    }
    if (outcome.kind === 'invalid') throw Errors.unauthorized('invalid or expired refresh token');
    return { userId: outcome.userId, session: outcome.session };
  }

  /** Whether an access token's session still counts: cached briefly, dropped at once on revocation events. */
  async isActive(sessionId: string): Promise<boolean> {
    return (await this.activeCache.through(sessionId, async () => ((await this.repo.isActive(sessionId)) ? true : undefined))) === true;
  }

  async list(userId: string, currentId?: string): Promise<SessionInfo[]> {
    return (await this.repo.active(userId)).map((s) => ({
      id: s.id,
      createdAt: s.createdAt.toISOString(),
      lastUsedAt: s.lastUsedAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
      userAgent: s.userAgent,
      ip: s.ip,
      current: s.id === currentId,
    }));
  }

  async revoke(userId: string, sessionId: string, reason: string): Promise<boolean> {
    const ids = await this.repo.revoke({ id: sessionId, userId }, reason);
    await this.announce(ids, userId);
    return ids.length > 0;
  }

  /**
   * Every session of the user but `exceptId` (password change keeps the caller signed in). Inside a
   * transaction the revocation is announced only after it commits, so no node caches a session as
   * active in between.
   */
  async revokeAll(userId: string, reason: string, exceptId?: string, tx?: Tx): Promise<void> {
    const ids = await this.repo.revoke({ userId, exceptId }, reason, tx?.em);
    if (tx) tx.afterCommit.push(() => this.announce(ids, userId));
    else await this.announce(ids, userId);
  }

  private async announce(sessionIds: string[], userId: string): Promise<void> {
    if (sessionIds.length === 0) return;
    for (const id of sessionIds) this.activeCache.delete(id);
    await this.events.publish('session.revoked', { sessionIds, userId });
  }
}

function clip(v: string | null | undefined): string | null {
  return v ? v.slice(0, 300) : null;
}
