import type { AuthResponse, AuthUser, MfaRequiredResponse, Principal, VerificationRequiredResponse } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { AppError, Errors } from '../common/app-error.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../common/password.js';
import { SettingsService } from '../admin/settings.service.js';
import { CredentialsRepository } from './credentials.repository.js';
import { EmailFlows } from './email-flows.service.js';
import { MfaTokens } from './mfa-tokens.js';
import { type SessionMeta, SessionsService } from './sessions.service.js';
import { UsersGateway } from './users.gateway.js';

const PASSWORD_MAX = 256;

/** Sign-up, login, password and anonymous accounts. Tokens and sessions are SessionsService's job. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersGateway,
    private readonly credentials: CredentialsRepository,
    private readonly sessions: SessionsService,
    private readonly settings: SettingsService,
    private readonly emailFlows: EmailFlows,
    private readonly mfaTokens: MfaTokens,
  ) {}

  async signUp(body: Record<string, unknown>, meta: SessionMeta): Promise<AuthResponse | VerificationRequiredResponse> {
    const auth = await this.settings.group('auth');
    if (!auth.allowSignup) throw Errors.forbidden('sign-up is disabled on this server');
    const { email, password, ...fields } = body;
    await this.checkPassword(password);
    const address = checkEmail(email);
    this.users.checkOwnFields(fields, 'create');
    const passwordHash = await hashPassword(password as string);
    const user = await this.users.transaction(async (tx) => {
      const created = await this.users.create(tx, { ...fields, email: address });
      await this.credentials.set(created.id, passwordHash, tx.em);
      return created;
    });
    if (auth.requireEmailVerification) {
      await this.emailFlows.sendVerification(user);
      return { user: this.users.present(user), verificationRequired: true };
    }
    return { user: this.users.present(user), session: await this.sessions.issue(user.id, meta) };
  }

  /** An unknown email costs a full password hash too, so its answer takes as long as a wrong password's. */
  async login(email: unknown, password: unknown, meta: SessionMeta): Promise<AuthResponse | MfaRequiredResponse> {
    if (typeof email !== 'string' || typeof password !== 'string') throw Errors.unauthorized('wrong email or password');
    const user = await this.users.byEmail(email);
    const hash = user ? await this.credentials.hashFor(user.id) : null;
    const ok = hash ? await verifyPassword(password, hash) : await verifyAgainstDummy(password);
    if (!user || !ok) throw Errors.unauthorized('wrong email or password');
    return this.completeLogin(user, meta);
  }

  /** After the password (or an OAuth2 provider) proved who this is: MFA, verification and disabled checks, then a session. */
  async completeLogin(user: AuthUser, meta: SessionMeta, options: { skipMfa?: boolean } = {}): Promise<AuthResponse | MfaRequiredResponse> {
    if (user.disabled) throw Errors.forbidden('this account is disabled');
    const auth = await this.settings.group('auth');
    if (auth.requireEmailVerification && !user.emailVerified && !user.anonymous) {
      throw new AppError('forbidden', 'verify your email address first: check your inbox, or ask for a new link');
    }
    if (!options.skipMfa && (await this.mfaTokens.enrolled(user.id))) return { mfaRequired: true, mfaToken: this.mfaTokens.issue(user.id) };
    const session = await this.sessions.issue(user.id, meta);
    const updated = await this.users.transaction((tx) => this.users.update(tx, user.id, { lastLoginAt: new Date().toISOString() }));
    return { user: this.users.present(updated), session };
  }

  async anonymous(meta: SessionMeta): Promise<AuthResponse> {
    const auth = await this.settings.group('auth');
    if (!auth.allowAnonymous) throw Errors.forbidden('anonymous sign-in is disabled on this server');
    const user = await this.users.transaction((tx) => this.users.create(tx, { anonymous: true }));
    return { user: this.users.present(user), session: await this.sessions.issue(user.id, meta) };
  }

  /** Turns an anonymous account into an email/password one, keeping its id and data. */
  async linkPassword(principal: Principal, email: unknown, password: unknown): Promise<AuthUser> {
    const user = await this.users.require(principal.id!);
    if (!user.anonymous) throw Errors.conflict('this account already has a sign-in method');
    await this.checkPassword(password);
    const address = checkEmail(email);
    const passwordHash = await hashPassword(password as string);
    const updated = await this.users.transaction(async (tx) => {
      const u = await this.users.update(tx, user.id, { email: address, anonymous: false });
      await this.credentials.set(user.id, passwordHash, tx.em);
      return u;
    });
    return this.users.present(updated);
  }

  async changePassword(principal: Principal, current: unknown, next: unknown): Promise<void> {
    const hash = await this.credentials.hashFor(principal.id!);
    if (!hash || typeof current !== 'string' || !(await verifyPassword(current, hash))) {
      throw Errors.validation({ currentPassword: 'is not your current password' });
    }
    await this.checkPassword(next, 'newPassword');
    await this.credentials.set(principal.id!, await hashPassword(next as string));
    // Every other session ends; the one making the change stays signed in.
    await this.sessions.revokeAll(principal.id!, 'password_changed', principal.sessionId);
  }

  async checkPassword(password: unknown, field = 'password'): Promise<void> {
    const { passwordMinLength } = await this.settings.group('auth');
    if (typeof password !== 'string') throw Errors.validation({ [field]: 'must be a string' });
    if (password.length < passwordMinLength) throw Errors.validation({ [field]: `must be at least ${passwordMinLength} characters` });
    if (password.length > PASSWORD_MAX) throw Errors.validation({ [field]: `must be at most ${PASSWORD_MAX} characters` });
  }
}

export function checkEmail(email: unknown): string {
  if (typeof email !== 'string' || email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    throw Errors.validation({ email: 'must be an email address' });
  }
  return email.toLowerCase();
}
