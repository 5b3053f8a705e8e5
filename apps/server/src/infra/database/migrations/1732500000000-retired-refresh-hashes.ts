import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Refresh tokens rotated out earlier than the previous one, so reusing any of them is recognised as theft. */
export class RetiredRefreshHashes1732500000000 implements MigrationInterface {
  name = 'RetiredRefreshHashes1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE basalt.user_sessions ADD COLUMN retired_refresh_hashes text[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE basalt.user_sessions DROP COLUMN retired_refresh_hashes');
  }
}
