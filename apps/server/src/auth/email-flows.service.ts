import type { AuthUser } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { AppError } from '../common/app-error.js';
import { hashPassword } from '../common/password.js';
import { MailService } from '../infra/mail/mail.service.js';
import { CredentialsRepository } from './credentials.repository.js';
import { OneTimeTokens } from './one-time-tokens.repository.js';
import { SessionsService } from './sessions.service.js';
import { UsersGateway } from './users.gateway.js';

const VERIFY_TTL_SECONDS = 3 * 24 * 3600;
const RESET_TTL_SECONDS = 3600;

/** Email verification and password reset: single-use hashed tokens, mailed through the mail job with links to the public URL. */
@Injectable()
export class EmailFlows {
  constructor(
    private readonly tokens: OneTimeTokens,
    private readonly mail: MailService,
    private readonly users: UsersGateway,
    private readonly credentials: CredentialsRepository,
    private readonly sessions: SessionsService,
    private readonly config: AppConfig,
  ) {}

  async sendVerification(user: AuthUser): Promise<void> {
    if (!user.email || user.emailVerified) return;
    await this.tokens.invalidate('verify_email', user.id);
    const token = await this.tokens.create('verify_email', user.id, VERIFY_TTL_SECONDS, { email: user.email });
    const link = `${this.config.http.publicUrl}/_/auth/verify-email?token=${encodeURIComponent(token)}`;
    await this.mail.send({
      to: user.email,
      subject: 'Verify your email address',
      text: `Confirm your email address by opening this link:\n\n${link}\n\nOr send this token to POST /api/auth/verify-email/confirm: ${token}\n\nThe link works once and expires in 3 days.`,
      html: `<p>Confirm your email address:</p><p><a href="${escapeHtml(link)}">Verify my email</a></p><p>The link works once and expires in 3 days.</p>`,
    });
  }

  async confirmVerification(token: unknown): Promise<AuthUser> {
    const used = await this.tokens.consume('verify_email', token);
    if (!used?.userId) throw new AppError('validation_failed', 'token: is invalid, used or expired', { token: 'is invalid, used or expired' });
    const user = await this.users.require(used.userId);
    // The token proves the address it was sent to; if the email changed since, it proves nothing.
    if (user.email !== used.data.email) throw new AppError('validation_failed', 'token: was sent to another address', { token: 'was sent to another address' });
    return this.users.transaction((tx) => this.users.update(tx, user.id, { emailVerified: true }));
  }

  /** Always succeeds from the caller's view, so it cannot tell whether an account exists. */
  async requestReset(email: unknown): Promise<void> {
    if (typeof email !== 'string') return;
    const user = await this.users.byEmail(email);
    if (!user?.email || user.disabled) return;
    await this.tokens.invalidate('reset_password', user.id);
    const token = await this.tokens.create('reset_password', user.id, RESET_TTL_SECONDS, { email: user.email });
    const link = `${this.config.http.publicUrl}/_/auth/reset-password?token=${encodeURIComponent(token)}`;
    await this.mail.send({
      to: user.email,
      subject: 'Reset your password',
      text: `Someone asked to reset the password of this account. If it was you, open:\n\n${link}\n\nOr send this token to POST /api/auth/password-reset/confirm: ${token}\n\nThe link works once and expires in 1 hour. If it was not you, ignore this email.`,
      html: `<p>Someone asked to reset the password of this account. If it was you:</p><p><a href="${escapeHtml(link)}">Choose a new password</a></p><p>The link works once and expires in 1 hour.</p>`,
    });
  }

  /** Sets the new password and ends every session; receiving the mail also proves the address. */
  async confirmReset(token: unknown, password: string): Promise<void> {
    const used = await this.tokens.consume('reset_password', token);
    if (!used?.userId) throw new AppError('validation_failed', 'token: is invalid, used or expired', { token: 'is invalid, used or expired' });
    const user = await this.users.require(used.userId);
    // A link mailed to an address the account no longer has proves nothing about the account.
    if (user.email !== used.data.email) throw new AppError('validation_failed', 'token: was sent to another address', { token: 'was sent to another address' });
    const passwordHash = await hashPassword(password);
    await this.users.transaction(async (tx) => {
      await this.credentials.set(user.id, passwordHash, tx.em);
      if (!user.emailVerified) await this.users.update(tx, user.id, { emailVerified: true });
      await this.sessions.revokeAll(user.id, 'password_reset', undefined, tx);
    });
  }
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
