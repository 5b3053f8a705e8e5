import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The system tables of the platform core: admins, API keys, settings, jobs, mail outbox, request log. */
export class SystemTables1732100000000 implements MigrationInterface {
  name = 'SystemTables1732100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE basalt.admins (
      id uuid PRIMARY KEY,
      email text NOT NULL UNIQUE,
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE basalt.api_keys (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      scopes text[] NOT NULL,
      prefix text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      expires_at timestamptz,
      last_used_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE basalt.settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE basalt.jobs (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      payload jsonb NOT NULL,
      status text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      max_attempts integer NOT NULL,
      run_at timestamptz NOT NULL,
      locked_until timestamptz,
      last_error text,
      idempotency_key text UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz)`);
    await q.query(`CREATE INDEX jobs_due_idx ON basalt.jobs (run_at) WHERE status IN ('waiting', 'active')`);
    await q.query(`CREATE INDEX jobs_failed_idx ON basalt.jobs (finished_at DESC) WHERE status = 'failed'`);
    await q.query(`CREATE TABLE basalt.mail_outbox (
      id uuid PRIMARY KEY,
      recipient text NOT NULL,
      subject text NOT NULL,
      text text NOT NULL,
      html text,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX mail_outbox_created_idx ON basalt.mail_outbox (created_at DESC, id DESC)`);
    await q.query(`CREATE TABLE basalt.request_logs (
      id uuid PRIMARY KEY,
      method text NOT NULL,
      path text NOT NULL,
      status integer NOT NULL,
      duration_ms double precision NOT NULL,
      principal text NOT NULL,
      ip text NOT NULL,
      request_id text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX request_logs_created_idx ON basalt.request_logs (created_at DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['request_logs', 'mail_outbox', 'jobs', 'settings', 'api_keys', 'admins']) {
      await q.query(`DROP TABLE IF EXISTS basalt.${t}`);
    }
  }
}
