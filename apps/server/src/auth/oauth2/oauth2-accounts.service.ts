import type { AuthResponse, AuthUser, MfaRequiredResponse } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { SettingsService } from '../../admin/settings.service.js';
import { Errors } from '../../common/app-error.js';
import { AuthService } from '../auth.service.js';
import { OneTimeTokens } from '../one-time-tokens.repository.js';
import type { SessionMeta } from '../sessions.service.js';
import { UsersGateway } from '../users.gateway.js';
import type { ProviderProfile } from './id-token.js';
import { OAuth2Errors, OAuth2Failure } from './oauth2.errors.js';
import { UserIdentities } from './user-identities.repository.js';

const CODE_TTL_SECONDS = 60;

/**
 * Who a provider's account is in Basalt, and the one-time code the app trades for a session.
 *
 * Linking by email is where account takeover hides: an attacker may sign up with a victim's address
 * and a password before the victim ever uses a provider. So a provider account is only ever linked
 * onto an existing user when both sides verified the address; an unverified password account with
 * that address blocks the sign-in instead (`account_exists_unverified`).
 */
@Injectable()
export class OAuth2Accounts {
  constructor(
    private readonly users: UsersGateway,
    private readonly identities: UserIdentities,
    private readonly tokens: OneTimeTokens,
    private readonly settings: SettingsService,
    private readonly auth: AuthService,
  ) {}

  /** The user for this provider account: linked before, linked now by verified email, or created. Throws OAuth2Failure. */
  async userFor(provider: string, profile: ProviderProfile): Promise<AuthUser> {
    try {
      return await this.findOrCreate(provider, profile);
    } catch (e) {
      // A concurrent callback for the same account won the insert: its link is now there to find.
      if (!isUniqueViolation(e)) throw e;
      return this.findOrCreate(provider, profile);
    }
  }

  /** A single-use code (60 s) for the app to exchange; `appCodeChallenge` binds it to the app's PKCE verifier. */
  issueCode(user: AuthUser, provider: string, appCodeChallenge: string | null): Promise<string> {
    return this.tokens.create('oauth_code', user.id, CODE_TTL_SECONDS, { provider, ...(appCodeChallenge && { codeChallenge: appCodeChallenge }) });
  }

  /** Consumes the code and signs the user in like a password would (MFA, disabled and verification checks included). */
  async exchange(code: unknown, codeVerifier: unknown, meta: SessionMeta): Promise<AuthResponse | MfaRequiredResponse> {
    const used = await this.tokens.consume('oauth_code', code);
    if (!used?.userId) throw OAuth2Errors.badCode();
    const challenge = used.data.codeChallenge;
    if (typeof challenge === 'string') {
      const ok = typeof codeVerifier === 'string' && /^[A-Za-z0-9._~-]{43,128}$/.test(codeVerifier) && s256(codeVerifier) === challenge;
      if (!ok) throw Errors.validation({ codeVerifier: 'does not match the codeChallenge sent to start' });
    }
    const user = await this.users.byId(used.userId);
    if (!user) throw OAuth2Errors.badCode();
    return this.auth.completeLogin(user, meta);
  }

  private async findOrCreate(provider: string, profile: ProviderProfile): Promise<AuthUser> {
    const linkedId = await this.identities.userIdFor(provider, profile.sub);
    if (linkedId) {
      const linked = await this.users.byId(linkedId);
      if (linked) return linked;
    }
    const existing = profile.email ? await this.users.byEmail(profile.email) : null;
    if (existing && profile.emailVerified) {
      if (!existing.emailVerified) {
        throw new OAuth2Failure(
          'account_exists_unverified',
          'an account with this email exists but its address is not verified: sign in with its password and verify the email first',
        );
      }
      await this.users.transaction((tx) => this.identities.link(tx.em, { provider, subject: profile.sub, userId: existing.id, email: profile.email }));
      return existing;
    }
    if (!(await this.settings.group('auth')).allowSignup) throw new OAuth2Failure('signup_disabled', 'sign-up is disabled on this server');
    // An address the provider did not verify proves nothing: the new user gets no email rather than someone else's.
    const email = profile.emailVerified ? profile.email : null;
    return this.users.transaction(async (tx) => {
      const user = await this.users.create(tx, { email, emailVerified: email !== null, ...(profile.name && { name: profile.name }) });
      await this.identities.link(tx.em, { provider, subject: profile.sub, userId: user.id, email: profile.email });
      return user;
    });
  }
}

function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function isUniqueViolation(e: unknown): boolean {
  if (e instanceof QueryFailedError) return (e.driverError as { code?: string })?.code === '23505';
  return (e as { code?: unknown })?.code === 'conflict' || (e as { cause?: unknown })?.cause instanceof QueryFailedError;
}
