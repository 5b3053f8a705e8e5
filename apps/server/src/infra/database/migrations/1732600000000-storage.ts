import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * File storage: buckets and their files. File columns are named like the fields bucket rules and
 * `filter=` see (`owner`, `name`, `size`, `contentType`, `metadata`, `createdAt`), so the one filter
 * compiler of collections/query serves them unchanged. `status` is `pending` from the moment an
 * upload starts until its bytes are stored; only `ready` files are ever served or listed.
 * A file is attached to the first record whose `file` field takes it (collection id and field id,
 * both stable across renames, and record id): it lives as long as that record holds it.
 */
export class Storage1732600000000 implements MigrationInterface {
  name = 'Storage1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE basalt.buckets (
      name text PRIMARY KEY,
      public boolean NOT NULL DEFAULT false,
      max_file_size bigint NOT NULL,
      allowed_types text[] NOT NULL DEFAULT '{}',
      rules jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()))`);
    await q.query(`CREATE TABLE basalt.files (
      "id" uuid PRIMARY KEY,
      "bucket" text NOT NULL REFERENCES basalt.buckets (name) ON DELETE CASCADE,
      "name" text NOT NULL,
      "size" bigint NOT NULL DEFAULT 0,
      "contentType" text NOT NULL,
      "etag" text,
      "owner" uuid REFERENCES app.users ("id") ON DELETE SET NULL,
      "metadata" jsonb NOT NULL DEFAULT '{}',
      "status" text NOT NULL DEFAULT 'pending',
      "attachedCollection" uuid,
      "attachedRecord" uuid,
      "attachedField" text,
      "createdAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      "updatedAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()))`);
    await q.query(`CREATE INDEX files_bucket_created_idx ON basalt.files ("bucket", "createdAt", "id")`);
    await q.query(`CREATE INDEX files_attached_idx ON basalt.files ("attachedCollection", "id") WHERE "attachedCollection" IS NOT NULL`);
    await q.query(`CREATE INDEX files_pending_idx ON basalt.files ("createdAt") WHERE "status" = 'pending'`);
    // The bucket the built-in users.avatar field points at: images anyone may see (avatars are
    // shown to other users), uploaded by any signed-in user, listed and deleted by their owner.
    await q.query(
      `INSERT INTO basalt.buckets (name, public, max_file_size, allowed_types, rules) VALUES ('avatars', true, $1, $2, $3)`,
      [
        5 * 1024 * 1024,
        ['image/*'],
        JSON.stringify({ list: 'owner = @request.auth.id', read: 'owner = @request.auth.id', create: "@request.auth.id != ''", delete: 'owner = @request.auth.id' }),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS basalt.files');
    await q.query('DROP TABLE IF EXISTS basalt.buckets');
  }
}
