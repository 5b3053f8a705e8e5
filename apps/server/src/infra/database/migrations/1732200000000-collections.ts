import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The collections registry and the built-in `users` collection (kind auth). A snapshot: the users
 * fields are spelled out here as they were when this ran, so later code changes cannot alter history.
 */
const USERS_FIELDS = [
  { id: 'users_email', name: 'email', type: 'email', unique: true, system: true },
  { id: 'users_emailVerified', name: 'emailVerified', type: 'boolean', default: false, system: true },
  { id: 'users_name', name: 'name', type: 'text', max: 200, system: true },
  { id: 'users_avatar', name: 'avatar', type: 'file', bucket: 'avatars', system: true },
  { id: 'users_roles', name: 'roles', type: 'text', multiple: true, max: 100, default: [], system: true },
  { id: 'users_anonymous', name: 'anonymous', type: 'boolean', default: false, system: true },
  { id: 'users_disabled', name: 'disabled', type: 'boolean', default: false, system: true },
  { id: 'users_lastLoginAt', name: 'lastLoginAt', type: 'date', system: true },
];

/** "Own record only": a user sees and edits itself; creating and deleting users go through auth and admins. */
const USERS_RULES = { list: 'id = @request.auth.id', view: 'id = @request.auth.id', create: null, update: 'id = @request.auth.id', delete: null };

export class Collections1732200000000 implements MigrationInterface {
  name = 'Collections1732200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE SCHEMA IF NOT EXISTS app');
    await q.query(`CREATE TABLE basalt.collections (
      id uuid PRIMARY KEY,
      name text NOT NULL UNIQUE,
      kind text NOT NULL,
      fields jsonb NOT NULL,
      indexes jsonb NOT NULL DEFAULT '[]',
      rules jsonb NOT NULL,
      version integer NOT NULL DEFAULT 1,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE app.users (
      "id" uuid PRIMARY KEY,
      "createdAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      "updatedAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      "email" text,
      "emailVerified" boolean DEFAULT false,
      "name" text,
      "avatar" text,
      "roles" text[] DEFAULT '{}',
      "anonymous" boolean DEFAULT false,
      "disabled" boolean DEFAULT false,
      "lastLoginAt" timestamptz)`);
    await q.query('CREATE UNIQUE INDEX "users_email_unique" ON app.users ("email")');
    await q.query(
      `INSERT INTO basalt.collections (id, name, kind, fields, indexes, rules) VALUES ('01930000-0000-7000-8000-000000000001', 'users', 'auth', $1, '[]', $2)`,
      [JSON.stringify(USERS_FIELDS), JSON.stringify(USERS_RULES)],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS app.users');
    await q.query('DROP TABLE IF EXISTS basalt.collections');
  }
}
