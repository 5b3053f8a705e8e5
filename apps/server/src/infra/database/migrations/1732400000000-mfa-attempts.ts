import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wrong second-factor codes per user, in a fixed window that starts at the first one: the limit holds
 * across nodes and restarts, and a fresh mfaToken from logging in again does not reset it.
 */
export class MfaAttempts1732400000000 implements MigrationInterface {
  name = 'MfaAttempts1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE basalt.user_mfa
      ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0,
      ADD COLUMN failed_window_start timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE basalt.user_mfa DROP COLUMN IF EXISTS failed_window_start, DROP COLUMN IF EXISTS failed_attempts');
  }
}
