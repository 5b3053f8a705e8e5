import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Push: devices, messages and one delivery row per (message, device). The delivery rows are what
 * makes a crashed worker safe: a device is sent to only while its row is `pending` or `sending`,
 * and a row is `sending` only for the duration of one provider request.
 */
export class Push1732700000000 implements MigrationInterface {
  name = 'Push1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE basalt.push_devices (
      id uuid PRIMARY KEY,
      user_id uuid,
      platform text NOT NULL,
      token text NOT NULL,
      subscription jsonb,
      topics text[] NOT NULL DEFAULT '{}',
      secret_hash text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (platform, token))`);
    await q.query(`CREATE INDEX push_devices_user_idx ON basalt.push_devices (user_id) WHERE user_id IS NOT NULL`);
    await q.query(`CREATE INDEX push_devices_topics_idx ON basalt.push_devices USING gin (topics)`);
    await q.query(`CREATE TABLE basalt.push_messages (
      id uuid PRIMARY KEY,
      status text NOT NULL,
      target jsonb NOT NULL,
      notification jsonb NOT NULL,
      data jsonb,
      ttl integer,
      priority text NOT NULL,
      collapse_key text,
      send_at timestamptz,
      idempotency_key text UNIQUE,
      fanout_cursor uuid,
      fanout_done boolean NOT NULL DEFAULT false,
      batches integer NOT NULL DEFAULT 0,
      targeted integer NOT NULL DEFAULT 0,
      sent integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      invalid_tokens integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz)`);
    await q.query(`CREATE TABLE basalt.push_deliveries (
      message_id uuid NOT NULL REFERENCES basalt.push_messages (id) ON DELETE CASCADE,
      device_id uuid NOT NULL,
      batch integer NOT NULL,
      status text NOT NULL,
      attempts integer NOT NULL DEFAULT 0,
      error text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (message_id, device_id))`);
    await q.query(`CREATE INDEX push_deliveries_batch_idx ON basalt.push_deliveries (message_id, batch)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['push_deliveries', 'push_messages', 'push_devices']) await q.query(`DROP TABLE IF EXISTS basalt.${t}`);
  }
}
