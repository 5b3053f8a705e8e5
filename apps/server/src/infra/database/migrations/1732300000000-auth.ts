import type { MigrationInterface, QueryRunner } from 'typeorm';

/** What user auth keeps outside the users record: password hashes, sessions, one-time tokens, identities, MFA. */
export class Auth1732300000000 implements MigrationInterface {
  name = 'Auth1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE basalt.user_credentials (
      user_id uuid PRIMARY KEY REFERENCES app.users ("id") ON DELETE CASCADE,
      password_hash text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE basalt.user_sessions (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES app.users ("id") ON DELETE CASCADE,
      refresh_hash text NOT NULL,
      previous_refresh_hash text,
      rotated_at timestamptz,
      grace_pair_sealed text,
      mfa boolean NOT NULL DEFAULT false,
      user_agent text,
      ip text,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      revoked_reason text)`);
    await q.query('CREATE INDEX user_sessions_user_idx ON basalt.user_sessions (user_id) WHERE revoked_at IS NULL');
    await q.query(`CREATE TABLE basalt.user_tokens (
      id uuid PRIMARY KEY,
      user_id uuid REFERENCES app.users ("id") ON DELETE CASCADE,
      kind text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      data jsonb,
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE basalt.user_identities (
      provider text NOT NULL,
      subject text NOT NULL,
      user_id uuid NOT NULL REFERENCES app.users ("id") ON DELETE CASCADE,
      email text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (provider, subject))`);
    await q.query(`CREATE TABLE basalt.user_mfa (
      user_id uuid PRIMARY KEY REFERENCES app.users ("id") ON DELETE CASCADE,
      totp_secret_sealed text NOT NULL,
      confirmed_at timestamptz,
      recovery_hashes text[] NOT NULL DEFAULT '{}',
      last_used_step bigint)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['user_mfa', 'user_identities', 'user_tokens', 'user_sessions', 'user_credentials']) await q.query(`DROP TABLE IF EXISTS basalt.${t}`);
  }
}
