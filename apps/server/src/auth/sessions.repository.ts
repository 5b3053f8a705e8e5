import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface SessionRow {
  id: string;
  userId: string;
  refreshHash: string;
  previousRefreshHash: string | null;
  /** Hashes of refresh tokens rotated out before the previous one (the last 20), to recognise reuse. */
  retiredRefreshHashes: string[];
  rotatedAt: Date | null;
  gracePairSealed: string | null;
  mfa: boolean;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

const COLUMNS = `id, user_id AS "userId", refresh_hash AS "refreshHash", previous_refresh_hash AS "previousRefreshHash", retired_refresh_hashes AS "retiredRefreshHashes",
  rotated_at AS "rotatedAt", grace_pair_sealed AS "gracePairSealed", mfa, user_agent AS "userAgent", ip,
  created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

/** `basalt.user_sessions`. Refresh secrets are stored as SHA-256 hashes only. */
@Injectable()
export class SessionsRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(s: { id: string; userId: string; refreshHash: string; mfa: boolean; userAgent: string | null; ip: string | null; ttlSeconds: number }): Promise<SessionRow> {
    const [row] = await this.ds.query(
      `INSERT INTO basalt.user_sessions (id, user_id, refresh_hash, mfa, user_agent, ip, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, now() + ($7::int * interval '1 second')) RETURNING ${COLUMNS}`,
      [s.id, s.userId, s.refreshHash, s.mfa, s.userAgent, s.ip, s.ttlSeconds],
    );
    return row;
  }

  async lock(em: EntityManager, id: string): Promise<SessionRow | null> {
    const [row] = await em.query(`SELECT ${COLUMNS} FROM basalt.user_sessions WHERE id = $1 FOR UPDATE`, [id]);
    return row ?? null;
  }

  async rotate(em: EntityManager, id: string, refreshHash: string, previousHash: string, gracePairSealed: string, ttlSeconds: number): Promise<void> {
    await em.query(
      `UPDATE basalt.user_sessions SET refresh_hash = $2, previous_refresh_hash = $3, rotated_at = now(), grace_pair_sealed = $4,
         retired_refresh_hashes = (CASE WHEN previous_refresh_hash IS NULL THEN retired_refresh_hashes
                                   ELSE array_prepend(previous_refresh_hash, retired_refresh_hashes) END)[1:20],
         last_used_at = now(), expires_at = now() + ($5::int * interval '1 second') WHERE id = $1`,
      [id, refreshHash, previousHash, gracePairSealed, ttlSeconds],
    );
  }

  /** Returns the ids it revoked (those not revoked already). */
  async revoke(where: { id?: string; userId?: string; exceptId?: string }, reason: string, em: EntityManager = this.ds.manager): Promise<string[]> {
    const [rows]: [Array<{ id: string }>, number] = await em.query(
      `UPDATE basalt.user_sessions SET revoked_at = now(), revoked_reason = $4
       WHERE revoked_at IS NULL AND ($1::uuid IS NULL OR id = $1) AND ($2::uuid IS NULL OR user_id = $2) AND ($3::uuid IS NULL OR id <> $3)
       RETURNING id`,
      [where.id ?? null, where.userId ?? null, where.exceptId ?? null, reason],
    );
    return rows.map((r) => r.id);
  }

  async active(userId: string): Promise<SessionRow[]> {
    return this.ds.query(`SELECT ${COLUMNS} FROM basalt.user_sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY last_used_at DESC`, [userId]);
  }

  async isActive(id: string): Promise<boolean> {
    const rows = await this.ds.query('SELECT 1 FROM basalt.user_sessions WHERE id = $1 AND revoked_at IS NULL AND expires_at > now()', [id]);
    return rows.length > 0;
  }
}
