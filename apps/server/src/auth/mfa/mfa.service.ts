import type { AuthResponse, Principal, TotpConfirmed, TotpEnrollment } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config.js';
import { AppError, Errors } from '../../common/app-error.js';
import { decryptString, deriveKey, encryptString, hmacSha256 } from '../../common/secrets.js';
import { AuthService } from '../auth.service.js';
import { MfaTokens } from '../mfa-tokens.js';
import type { SessionMeta } from '../sessions.service.js';
import { UsersGateway } from '../users.gateway.js';
import { MfaRepository, type MfaRow } from './mfa.repository.js';
import { base32Decode, base32Encode, otpauthUrl, verifyTotp } from './totp.js';

/** The name authenticator apps show next to the account. */
export const TOTP_ISSUER = 'Basalt';
const SECRET_BYTES = 20;
const RECOVERY_CODES = 10;
/** Wrong codes allowed per user in one window, across login and disable, before 429. */
export const MAX_FAILED_CODES = 5;
export const FAILED_CODES_WINDOW_SECONDS = 5 * 60;

type CodeOutcome = 'ok' | 'wrong' | 'reused';

/**
 * TOTP second factor (RFC 6238): enrollment, the login step after the password, and disabling.
 * Secrets are stored sealed, recovery codes as keyed hashes; each TOTP step and each recovery
 * code works once.
 */
@Injectable()
export class MfaService {
  private readonly secretKey: Buffer;
  private readonly recoveryKey: Buffer;

  constructor(
    private readonly repo: MfaRepository,
    private readonly users: UsersGateway,
    private readonly auth: AuthService,
    private readonly mfaTokens: MfaTokens,
    config: AppConfig,
  ) {
    this.secretKey = deriveKey(config.secret, 'mfa-secret');
    this.recoveryKey = deriveKey(config.secret, 'mfa-recovery');
  }

  /** A new secret, unconfirmed until confirm() sees a code from it; an earlier unconfirmed one is replaced. */
  async enroll(principal: Principal): Promise<TotpEnrollment> {
    const user = await this.users.require(principal.id!);
    if (user.anonymous) throw Errors.forbidden('anonymous accounts cannot use two-factor authentication: link an email and password first');
    const secret = base32Encode(randomBytes(SECRET_BYTES));
    if (!(await this.repo.savePending(user.id, encryptString(this.secretKey, secret)))) {
      throw Errors.conflict('TOTP is already enabled: disable it before enrolling another authenticator');
    }
    return { secret, otpauthUrl: otpauthUrl({ issuer: TOTP_ISSUER, account: user.email ?? user.id, secret }) };
  }

  /** A wrong code is 400 (a bad field), not 401: the caller's own credentials are fine. */
  async confirm(principal: Principal, code: string): Promise<TotpConfirmed> {
    const userId = principal.id!;
    const row = await this.repo.find(userId);
    if (row?.confirmedAt) throw Errors.conflict('TOTP is already enabled');
    if (!row) throw Errors.conflict('no TOTP enrollment to confirm: start with POST /api/auth/mfa/totp/enroll');
    const step = verifyTotp(this.secretOf(row), normalizeTotp(code), Date.now());
    if (step === null) throw Errors.validation({ code: 'is not the current code of the authenticator app' });
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    const hashes = codes.map((c) => this.recoveryHash(userId, c));
    if (!(await this.repo.confirm(userId, row.secretSealed, step, hashes))) {
      throw Errors.conflict('the enrollment changed while it was being confirmed: enroll again');
    }
    return { recoveryCodes: codes.map((c) => `${c.slice(0, 4)}-${c.slice(4)}`) };
  }

  /**
   * Needs a current TOTP code or a recovery code besides the access token, so a stolen token alone
   * cannot remove the second factor. An unconfirmed enrollment is simply dropped.
   */
  async disable(principal: Principal, code: string): Promise<void> {
    const userId = principal.id!;
    const row = await this.repo.find(userId);
    if (!row) throw new AppError('not_found', 'TOTP is not enabled for this account');
    if (row.confirmedAt) {
      const outcome = await this.checkCode(row, code);
      if (outcome !== 'ok') throw Errors.validation({ code: codeProblem(outcome) });
    }
    if (!(await this.repo.remove(userId, row.confirmedAt !== null))) throw Errors.conflict('TOTP changed meanwhile: try again');
  }

  /** The second step of a login: the mfaToken from the password step plus a TOTP or recovery code. */
  async verifyLogin(mfaToken: string, code: string, meta: SessionMeta): Promise<AuthResponse> {
    const userId = this.mfaTokens.verify(mfaToken);
    const row = userId ? await this.repo.find(userId) : null;
    const user = row?.confirmedAt ? await this.users.byId(row.userId) : null;
    if (!row || !user) throw Errors.unauthorized('invalid or expired MFA token: sign in again');
    const outcome = await this.checkCode(row, code);
    if (outcome !== 'ok') throw Errors.unauthorized(`two-factor code refused: ${codeProblem(outcome)}`);
    const result = await this.auth.completeLogin(user, { ...meta, mfa: true }, { skipMfa: true });
    if (!('session' in result)) throw new Error('completeLogin asked for MFA although it was told to skip it');
    return result;
  }

  /** Counted against the per-user limit before it is checked; a right code clears the count. */
  private async checkCode(row: MfaRow, code: string): Promise<CodeOutcome> {
    const claim = await this.repo.claimAttempt(row.userId, MAX_FAILED_CODES, FAILED_CODES_WINDOW_SECONDS);
    if (!claim.allowed) {
      throw new AppError('rate_limited', `too many wrong two-factor codes: try again in ${claim.retryAfterSeconds} seconds`, {
        retryAfter: String(claim.retryAfterSeconds),
      });
    }
    const outcome = await this.useCode(row, code);
    if (outcome === 'ok') await this.repo.clearAttempts(row.userId);
    return outcome;
  }

  private async useCode(row: MfaRow, code: string): Promise<CodeOutcome> {
    const totp = normalizeTotp(code);
    if (/^\d{6}$/.test(totp)) {
      const step = verifyTotp(this.secretOf(row), totp, Date.now());
      if (step === null) return 'wrong';
      return (await this.repo.consumeStep(row.userId, step)) ? 'ok' : 'reused';
    }
    const recovery = normalizeRecovery(code);
    if (!recovery) return 'wrong';
    return (await this.repo.consumeRecoveryCode(row.userId, this.recoveryHash(row.userId, recovery))) ? 'ok' : 'wrong';
  }

  private secretOf(row: MfaRow): Buffer {
    return base32Decode(decryptString(this.secretKey, row.secretSealed));
  }

  /**
   * Keyed with BASALT_SECRET and bound to the user: recovery codes carry 40 bits, too few for a plain
   * hash to survive a leaked database, and plenty against online guesses under the attempt limit.
   */
  private recoveryHash(userId: string, normalizedCode: string): string {
    return hmacSha256(this.recoveryKey, `${userId}:${normalizedCode}`).toString('hex');
  }
}

/** 8 lower-case base32 characters (40 random bits, no 0/1/8/9 to confuse with letters), shown as `xxxx-xxxx`. */
function newRecoveryCode(): string {
  return base32Encode(randomBytes(5)).toLowerCase();
}

/** Authenticator apps show `123 456`; people paste it that way. */
function normalizeTotp(code: string): string {
  return code.replace(/\s+/g, '');
}

/** Case, spaces and dashes do not matter; null when it cannot be a recovery code at all. */
function normalizeRecovery(code: string): string | null {
  const clean = code.replace(/[\s-]+/g, '').toLowerCase();
  return /^[a-z2-7]{8}$/.test(clean) ? clean : null;
}

function codeProblem(outcome: Exclude<CodeOutcome, 'ok'>): string {
  return outcome === 'reused'
    ? 'this code was already used: wait for the next one from the authenticator app'
    : 'wrong code: enter the current code from the authenticator app, or an unused recovery code';
}
