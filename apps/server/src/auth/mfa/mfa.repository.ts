import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface MfaRow {
  userId: string;
  /** The base32 TOTP secret, sealed with a key derived from BASALT_SECRET. */
  secretSealed: string;
  /** Null while the enrollment waits for its first code. */
  confirmedAt: Date | null;
}

export type AttemptClaim = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * `basalt.user_mfa`. Every check-and-use is one conditional statement, so two requests racing with
 * the same code, step or recovery code cannot both succeed, on one node or many.
 */
@Injectable()
export class MfaRepository {
  constructor(private readonly ds: DataSource) {}

  async find(userId: string): Promise<MfaRow | null> {
    const [row] = await this.ds.query(
      'SELECT user_id AS "userId", totp_secret_sealed AS "secretSealed", confirmed_at AS "confirmedAt" FROM basalt.user_mfa WHERE user_id = $1',
      [userId],
    );
    return row ?? null;
  }

  /** Starts (or restarts) an enrollment; false when TOTP is already confirmed, which it leaves alone. */
  async savePending(userId: string, secretSealed: string): Promise<boolean> {
    const rows = await this.ds.query(
      `INSERT INTO basalt.user_mfa (user_id, totp_secret_sealed) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET totp_secret_sealed = EXCLUDED.totp_secret_sealed, recovery_hashes = '{}',
         last_used_step = NULL, failed_attempts = 0, failed_window_start = NULL
       WHERE basalt.user_mfa.confirmed_at IS NULL
       RETURNING 1`,
      [userId, secretSealed],
    );
    return rows.length > 0;
  }

  /** False when the enrollment was confirmed or replaced meanwhile (`secretSealed` no longer the pending one). */
  async confirm(userId: string, secretSealed: string, usedStep: number, recoveryHashes: string[]): Promise<boolean> {
    const [rows] = await this.ds.query(
      `UPDATE basalt.user_mfa SET confirmed_at = now(), last_used_step = $3, recovery_hashes = $4::text[]
       WHERE user_id = $1 AND totp_secret_sealed = $2 AND confirmed_at IS NULL
       RETURNING 1`,
      [userId, secretSealed, usedStep, recoveryHashes],
    );
    return rows.length > 0;
  }

  /** Records `step` as used; false when it, or a later one, was used already (a replayed code). */
  async consumeStep(userId: string, step: number): Promise<boolean> {
    const [rows] = await this.ds.query(
      `UPDATE basalt.user_mfa SET last_used_step = $2
       WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < $2)
       RETURNING 1`,
      [userId, step],
    );
    return rows.length > 0;
  }

  /** Removes the recovery code with this hash; false when there is none (wrong or used already). */
  async consumeRecoveryCode(userId: string, hash: string): Promise<boolean> {
    const [rows] = await this.ds.query(
      `UPDATE basalt.user_mfa SET recovery_hashes = array_remove(recovery_hashes, $2)
       WHERE user_id = $1 AND confirmed_at IS NOT NULL AND $2 = ANY (recovery_hashes)
       RETURNING 1`,
      [userId, hash],
    );
    return rows.length > 0;
  }

  /** Deletes the enrollment only if it is still confirmed (or still pending) as the caller checked it. */
  async remove(userId: string, confirmed: boolean): Promise<boolean> {
    const [rows] = await this.ds.query('DELETE FROM basalt.user_mfa WHERE user_id = $1 AND (confirmed_at IS NOT NULL) = $2 RETURNING 1', [userId, confirmed]);
    return rows.length > 0;
  }

  /**
   * Counts an attempt before its code is checked (so a burst of parallel guesses cannot exceed the
   * limit), in a fixed window that starts at the first attempt. Refused once `max` are counted and
   * the window is still open; clearAttempts() after a right code forgives the counted ones.
   */
  async claimAttempt(userId: string, max: number, windowSeconds: number): Promise<AttemptClaim> {
    const [rows] = await this.ds.query(
      `UPDATE basalt.user_mfa SET
         failed_attempts = CASE WHEN failed_window_start IS NULL OR failed_window_start <= now() - ($3::int * interval '1 second')
           THEN 1 ELSE failed_attempts + 1 END,
         failed_window_start = CASE WHEN failed_window_start IS NULL OR failed_window_start <= now() - ($3::int * interval '1 second')
           THEN now() ELSE failed_window_start END
       WHERE user_id = $1
         AND (failed_window_start IS NULL OR failed_window_start <= now() - ($3::int * interval '1 second') OR failed_attempts < $2)
       RETURNING 1`,
      [userId, max, windowSeconds],
    );
    if (rows.length > 0) return { allowed: true };
    const [row] = await this.ds.query(
      `SELECT GREATEST(1, CEIL(EXTRACT(EPOCH FROM failed_window_start + ($2::int * interval '1 second') - now())))::int AS "retryAfter"
       FROM basalt.user_mfa WHERE user_id = $1`,
      [userId, windowSeconds],
    );
    return { allowed: false, retryAfterSeconds: row?.retryAfter ?? windowSeconds };
  }

  async clearAttempts(userId: string): Promise<void> {
    await this.ds.query('UPDATE basalt.user_mfa SET failed_attempts = 0, failed_window_start = NULL WHERE user_id = $1 AND failed_attempts > 0', [userId]);
  }
}
