import type { Admin, AdminAuthResponse, Principal } from '@basalt/contracts';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig } from '../config/app-config.js';
import { AppError, Errors } from '../common/app-error.js';
import { CredentialResolvers } from '../common/auth/credential-resolvers.js';
import { ExpiringCache } from '../common/expiring-cache.js';
import { uuidv7 } from '../common/ids.js';
import { LOGGER } from '../common/logger.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../common/password.js';
import { randomToken, safeEqual } from '../common/secrets.js';
import { DEFAULT_LOGIN_LOCKOUT_POLICY, LoginLockout } from '../infra/ratelimit/login-lockout.js';
import { RateLimiter } from '../infra/ratelimit/rate-limiter.port.js';
import { toAdminResponse } from './admin.mapper.js';
import { AdminTokens } from './admin-tokens.js';
import { ADMIN_PASSWORD_MIN } from './admin.constants.js';
import { AdminsRepository } from './admins.repository.js';

const ADMIN_LOGIN_RATE = { max: 30, windowSeconds: 300 };
/**
 * How long a node trusts that an admin named by a valid token exists. No route removes admins; one
 * removed from the database by hand is refused by every node within this time.
 */
const KNOWN_ADMIN_MS = 5_000;
const KNOWN_ADMINS_MAX = 1_000;

function rateLimited(message: string, retryAfter: number): AppError {
  return new AppError('rate_limited', `${message}; try again in ${retryAfter} s`, { retryAfter: String(retryAfter) });
}

@Injectable()
export class AdminsService implements OnModuleInit, OnApplicationBootstrap {
  /** One-time first-run token, printed at boot while no admin exists; gone once used. */
  private setupToken: string | null = null;
  private readonly lockout: LoginLockout;
  private readonly known = new ExpiringCache<string, true>(KNOWN_ADMIN_MS, KNOWN_ADMINS_MAX);

  constructor(
    private readonly repo: AdminsRepository,
    private readonly tokens: AdminTokens,
    private readonly resolvers: CredentialResolvers,
    private readonly config: AppConfig,
    @Inject(LOGGER) private readonly log: Logger,
    private readonly limiter: RateLimiter,
  ) {
    this.lockout = new LoginLockout(limiter, DEFAULT_LOGIN_LOCKOUT_POLICY, { namespace: 'admin-login:lockout' });
  }

  onModuleInit(): void {
    this.resolvers.addBearer((token) => this.principalFor(token));
  }

  async onApplicationBootstrap(): Promise<void> {
    const boot = this.config.bootstrapAdmin;
    if (boot && (await this.repo.count()) === 0) {
      const created = await this.repo.insertFirst(uuidv7(), boot.email, await hashPassword(boot.password));
      if (created) this.log.info({ email: boot.email }, 'created the first admin from BASALT_ADMIN_EMAIL');
    }
    if (this.config.role !== 'worker' && (await this.repo.count()) === 0) {
      this.setupToken = randomToken(24);
      const link = `${this.config.http.publicUrl}/_/setup?token=${this.setupToken}`;
      this.log.warn({ setupUrl: link }, 'no admin exists yet: open the setup link to create one');
      process.stdout.write(`\nNo admin exists yet. Create the first one at:\n  ${link}\n\n`);
    }
  }

  /** Brute force is slowed per IP and stopped per account (locked for 15 minutes after 10 failures). */
  async login(email: string, password: string, ip: string): Promise<AdminAuthResponse> {
    const account = email.toLowerCase();
    const perIp = await this.limiter.hit(`admin-login:ip:${ip}`, ADMIN_LOGIN_RATE);
    if (!perIp.allowed) throw rateLimited('too many sign-in attempts from this address', perIp.retryAfterSeconds);
    const lock = await this.lockout.isLocked(account);
    if (lock.locked) throw rateLimited('this admin account is locked after too many failed sign-ins', lock.retryAfterSeconds);
    const admin = await this.repo.findByEmail(account);
    const ok = admin ? await verifyPassword(password, admin.passwordHash) : await verifyAgainstDummy(password);
    if (!admin || !ok) {
      await this.lockout.recordFailure(account);
      throw Errors.unauthorized('wrong email or password');
    }
    await this.lockout.clear(account);
    return { token: this.tokens.issue(admin.id), admin: toAdminResponse(admin) };
  }

  async get(id: string): Promise<Admin> {
    const admin = await this.repo.findById(id);
    if (!admin) throw Errors.notFound('admin');
    return toAdminResponse(admin);
  }

  async list(): Promise<Admin[]> {
    return (await this.repo.list()).map(toAdminResponse);
  }

  async setupRequired(): Promise<boolean> {
    return this.setupToken !== null && (await this.repo.count()) === 0;
  }

  /** First-run setup through the printed link: works once, and only while no admin exists. */
  async setup(token: string, email: string, password: string): Promise<AdminAuthResponse> {
    const expected = this.setupToken;
    if (!expected || !safeEqual(Buffer.from(token), Buffer.from(expected))) {
      throw new AppError('forbidden', 'this setup link is invalid or was already used');
    }
    const admin = await this.repo.insertFirst(uuidv7(), email, await hashPassword(password));
    this.setupToken = null;
    if (!admin) throw new AppError('conflict', 'an admin already exists: sign in instead');
    return { token: this.tokens.issue(admin.id), admin: toAdminResponse(admin) };
  }

  /** Used by `basalt admin create` and by admins adding admins. */
  async create(email: string, password: string): Promise<Admin> {
    if (password.length < ADMIN_PASSWORD_MIN) throw Errors.validation({ password: `must be at least ${ADMIN_PASSWORD_MIN} characters` });
    const admin = await this.repo.insert(uuidv7(), email, await hashPassword(password));
    if (!admin) throw Errors.conflict('an admin with this email already exists');
    return toAdminResponse(admin);
  }

  private async principalFor(token: string): Promise<Principal | null> {
    const id = this.tokens.verify(token);
    if (!id || !(await this.known.through(id, async () => ((await this.repo.findById(id)) ? true : undefined)))) return null;
    return { kind: 'admin', id, roles: [], scopes: ['*'] };
  }
}
