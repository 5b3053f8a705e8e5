import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../common/ids.js';
import { randomToken, sha256Hex } from '../common/secrets.js';

export type OneTimeKind = 'verify_email' | 'reset_password' | 'oauth_code';

/** Single-use tokens with expiry (`basalt.user_tokens`): the plaintext goes to the user once, only its hash is kept. */
@Injectable()
export class OneTimeTokens {
  constructor(private readonly ds: DataSource) {}

  async create(kind: OneTimeKind, userId: string | null, ttlSeconds: number, data: Record<string, unknown> = {}): Promise<string> {
    const token = randomToken(32);
    await this.ds.query(
      `INSERT INTO basalt.user_tokens (id, user_id, kind, token_hash, data, expires_at) VALUES ($1, $2, $3, $4, $5, now() + ($6::int * interval '1 second'))`,
      [uuidv7(), userId, kind, sha256Hex(token), JSON.stringify(data), ttlSeconds],
    );
    return token;
  }

  /** Marks the token used and returns it, atomically: a second use (or a race) gets null. */
  async consume(kind: OneTimeKind, token: unknown): Promise<{ userId: string | null; data: Record<string, unknown> } | null> {
    if (typeof token !== 'string' || token.length < 20 || token.length > 200) return null;
    const [rows]: [Array<{ user_id: string | null; data: Record<string, unknown> }>, number] = await this.ds.query(
      `UPDATE basalt.user_tokens SET used_at = now() WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > now() RETURNING user_id, data`,
      [sha256Hex(token), kind],
    );
    return rows[0] ? { userId: rows[0].user_id, data: rows[0].data ?? {} } : null;
  }

  /** Older unused tokens of one kind stop working when a new one is sent. */
  async invalidate(kind: OneTimeKind, userId: string): Promise<void> {
    await this.ds.query('UPDATE basalt.user_tokens SET used_at = now() WHERE kind = $1 AND user_id = $2 AND used_at IS NULL', [kind, userId]);
  }
}
