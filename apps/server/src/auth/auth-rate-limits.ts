import type { RateLimitSettings } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { SettingsService } from '../admin/settings.service.js';
import { LoginLockout } from '../infra/ratelimit/login-lockout.js';
import { RateLimiter } from '../infra/ratelimit/rate-limiter.port.js';

export type LimitedAction = keyof RateLimitSettings;

/**
 * Limits on the auth endpoints, per IP and per account, from the `rateLimits` settings, plus the
 * lockout after repeated failed logins. They fail closed: with the limiter unreachable these
 * endpoints answer 503 rather than run unlimited.
 */
@Injectable()
export class AuthRateLimits {
  private readonly lockout: LoginLockout;

  constructor(
    private readonly limiter: RateLimiter,
    private readonly settings: SettingsService,
  ) {
    this.lockout = new LoginLockout(limiter);
  }

  /** Counts one attempt under every key (`ip:…`, `account:…`); refused if any key is over its limit. */
  async enforce(action: LimitedAction, keys: Array<string | null | undefined>): Promise<void> {
    const rule = (await this.settings.group('rateLimits'))[action];
    let refusedFor = 0;
    for (const key of keys) {
      if (!key) continue;
      const result = await this.guard(() => this.limiter.hit(`${action}:${key.toLowerCase()}`, rule));
      if (!result.allowed) refusedFor = Math.max(refusedFor, result.retryAfterSeconds);
    }
    if (refusedFor > 0) throw tooMany(`too many ${describe(action)} attempts; try again in ${refusedFor} s`, refusedFor);
  }

  /** Before checking a password: a locked account is refused whatever the password. */
  async assertNotLocked(account: string): Promise<void> {
    const state = await this.guard(() => this.lockout.isLocked(account.toLowerCase()));
    if (state.locked) throw lockedOut(state.retryAfterSeconds);
  }

  async loginFailed(account: string): Promise<void> {
    const state = await this.guard(() => this.lockout.recordFailure(account.toLowerCase()));
    if (state.locked) throw lockedOut(state.retryAfterSeconds);
  }

  async loginSucceeded(account: string): Promise<void> {
    await this.guard(() => this.lockout.clear(account.toLowerCase()));
  }

  private async guard<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError('service_unavailable', 'sign-in is temporarily unavailable; try again shortly', undefined, { cause: e });
    }
  }
}

function describe(action: LimitedAction): string {
  return { login: 'sign-in', signup: 'sign-up', passwordReset: 'password reset', verification: 'verification', oauth2: 'OAuth2 sign-in' }[action];
}

function tooMany(message: string, retryAfter: number): AppError {
  return new AppError('rate_limited', message, { retryAfter: String(retryAfter) });
}

function lockedOut(retryAfter: number): AppError {
  const minutes = Math.ceil(retryAfter / 60);
  return tooMany(`this account is locked after too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? '' : 's'} or reset the password`, retryAfter);
}
