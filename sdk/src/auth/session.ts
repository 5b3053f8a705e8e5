import type { AuthSession, AuthUser } from '@basalt/contracts';
import { BasaltError } from '../errors';
import type { RefreshLock } from './refresh-lock';
import type { AuthStorage } from './storage';

/** What is persisted: the tokens, when the access token expires (epoch ms) and the signed-in user. */
export interface StoredSession {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
  /** When to refresh proactively (epoch ms), a margin before expiresAt. */
  refreshAt: number;
  user: AuthUser | null;
}

export type SessionListener = (user: AuthUser | null) => void;

/** Refresh this long before expiry (at most a quarter of the token's life) so no request carries a dying token. */
const REFRESH_MARGIN_MS = 30_000;

/**
 * Owns the user's tokens: loads them from storage, refreshes them before expiry or after a 401
 * (one refresh at a time in this client, and under a cross-context lock), and tells listeners when
 * the user changes. `refreshCall` is the raw POST /api/auth/refresh.
 */
export class SessionManager {
  private current: StoredSession | null = null;
  private refreshing?: Promise<StoredSession | null>;
  private readonly listeners = new Set<SessionListener>();
  private readonly tokenListeners = new Set<(accessToken: string | null) => void>();
  readonly ready: Promise<void>;

  constructor(
    private readonly storage: AuthStorage,
    private readonly key: string,
    private readonly lock: RefreshLock,
    private readonly refreshCall: (refreshToken: string) => Promise<AuthSession>,
  ) {
    this.ready = this.load();
  }

  get session(): StoredSession | null {
    return this.current;
  }

  get user(): AuthUser | null {
    return this.current?.user ?? null;
  }

  onChange(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every new access token (refresh, sign-in) or null (sign-out): the realtime socket swaps it in. */
  onToken(listener: (accessToken: string | null) => void): () => void {
    this.tokenListeners.add(listener);
    return () => this.tokenListeners.delete(listener);
  }

  async set(session: AuthSession, user: AuthUser | null): Promise<void> {
    await this.store({ ...toStored(session), user });
  }

  async setUser(user: AuthUser): Promise<void> {
    if (!this.current) return;
    await this.store({ ...this.current, user });
  }

  async clear(): Promise<void> {
    await this.store(null);
  }

  /** A usable access token, refreshed first if it is about to expire; null when signed out. */
  async accessToken(): Promise<string | null> {
    await this.ready;
    const s = this.current;
    if (!s) return null;
    if (!expiring(s)) return s.accessToken;
    return (await this.refresh(s.accessToken))?.accessToken ?? null;
  }

  /**
   * Single flight: concurrent callers share one refresh. `stale` is the token that failed (or is
   * expiring); if another tab already replaced it in storage, that pair is adopted with no request.
   */
  refresh(stale?: string): Promise<StoredSession | null> {
    if (this.current && stale !== undefined && this.current.accessToken !== stale && !expiring(this.current)) return Promise.resolve(this.current);
    this.refreshing ??= this.lock.run(() => this.refreshLocked(stale)).finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async refreshLocked(stale?: string): Promise<StoredSession | null> {
    const stored = await this.read();
    if (stored && stored.accessToken !== stale && !expiring(stored)) {
      if (stored.accessToken !== this.current?.accessToken) await this.adopt(stored);
      return stored;
    }
    const base = stored ?? this.current;
    if (!base) return null;
    let session: AuthSession;
    try {
      session = await this.refreshCall(base.refreshToken);
    } catch (e) {
      // The refresh token is dead (revoked, reused, expired): the user is signed out.
      if (e instanceof BasaltError && e.status === 401) await this.clear();
      throw e;
    }
    const next = { ...toStored(session), user: base.user };
    await this.store(next);
    return next;
  }

  private async load(): Promise<void> {
    this.current = await this.read();
  }

  private async read(): Promise<StoredSession | null> {
    const text = await this.storage.getItem(this.key);
    if (!text) return null;
    try {
      const v = JSON.parse(text) as StoredSession;
      return typeof v.accessToken === 'string' && typeof v.refreshToken === 'string' && typeof v.expiresAt === 'number' && typeof v.refreshAt === 'number' ? v : null;
    } catch {
      return null;
    }
  }

  private async store(next: StoredSession | null): Promise<void> {
    await this.ready;
    if (next) await this.storage.setItem(this.key, JSON.stringify(next));
    else await this.storage.removeItem(this.key);
    await this.adopt(next);
  }

  private async adopt(next: StoredSession | null): Promise<void> {
    const before = this.current;
    this.current = next;
    if (before?.accessToken !== next?.accessToken) for (const l of this.tokenListeners) l(next?.accessToken ?? null);
    if (JSON.stringify(before?.user ?? null) !== JSON.stringify(next?.user ?? null)) for (const l of this.listeners) l(next?.user ?? null);
  }
}

function toStored(session: AuthSession): Omit<StoredSession, 'user'> {
  const lifeMs = session.expiresIn * 1000;
  const now = Date.now();
  return { accessToken: session.accessToken, refreshToken: session.refreshToken, expiresAt: now + lifeMs, refreshAt: now + lifeMs - Math.min(REFRESH_MARGIN_MS, lifeMs / 4) };
}

/** Whether a session is due for a refresh (or already expired). */
export function expiring(s: StoredSession): boolean {
  return Date.now() >= Math.min(s.refreshAt, s.expiresAt);
}
