import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/** Password hashes, kept in `basalt.user_credentials`, never in the user record. */
@Injectable()
export class CredentialsRepository {
  constructor(private readonly ds: DataSource) {}

  async hashFor(userId: string): Promise<string | null> {
    const [row] = await this.ds.query('SELECT password_hash FROM basalt.user_credentials WHERE user_id = $1', [userId]);
    return row?.password_hash ?? null;
  }

  async set(userId: string, passwordHash: string, em: EntityManager = this.ds.manager): Promise<void> {
    await em.query(
      `INSERT INTO basalt.user_credentials (user_id, password_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = now()`,
      [userId, passwordHash],
    );
  }
}
