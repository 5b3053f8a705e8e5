import type { PushPlatform, WebPushSubscription } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface DeviceRow {
  id: string;
  userId: string | null;
  platform: PushPlatform;
  token: string;
  subscription: WebPushSubscription | null;
  topics: string[];
  secretHash: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeviceOwner {
  /** Null for a guest install, which proves itself with the secret whose hash is `secretHash`. */
  userId: string | null;
  secretHash: string | null;
}

export interface DeviceListQuery {
  userId?: string;
  topic?: string;
  platform?: PushPlatform;
  afterId: string | null;
  limit: number;
}

export const DEVICE_COLUMNS = `id, user_id AS "userId", platform, token, subscription, topics, secret_hash AS "secretHash",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

/** `basalt.push_devices`: one row per (platform, token). */
@Injectable()
export class DevicesRepository {
  constructor(private readonly ds: DataSource) {}

  /**
   * Insert, or take over the row holding the same (platform, token): the device now belongs to
   * `owner`. Topics are replaced when given; kept when the owner stays the same; cleared when the
   * device changes hands (the previous owner's subscriptions are not the new owner's).
   */
  async upsert(d: { id: string; platform: PushPlatform; token: string; subscription: WebPushSubscription | null; topics: string[] | null; owner: DeviceOwner }): Promise<{ row: DeviceRow; created: boolean }> {
    const [row] = await this.ds.query(
      `INSERT INTO basalt.push_devices AS d (id, user_id, platform, token, subscription, topics, secret_hash)
       VALUES ($1, $2, $3, $4, $5, COALESCE($6::text[], '{}'), $7)
       ON CONFLICT (platform, token) DO UPDATE SET
         subscription = EXCLUDED.subscription,
         topics = CASE WHEN $6::text[] IS NOT NULL THEN $6::text[]
                       WHEN d.user_id IS NOT DISTINCT FROM EXCLUDED.user_id THEN d.topics ELSE '{}' END,
         user_id = EXCLUDED.user_id,
         secret_hash = EXCLUDED.secret_hash,
         updated_at = now()
       RETURNING ${DEVICE_COLUMNS}, (xmax = 0) AS created`,
      [d.id, d.owner.userId, d.platform, d.token, d.subscription === null ? null : JSON.stringify(d.subscription), d.topics, d.owner.secretHash],
    );
    const { created, ...device } = row;
    return { row: device as DeviceRow, created: Boolean(created) };
  }

  async get(id: string): Promise<DeviceRow | null> {
    const [row] = await this.ds.query(`SELECT ${DEVICE_COLUMNS} FROM basalt.push_devices WHERE id = $1`, [id]);
    return row ?? null;
  }

  async setTopics(id: string, topics: string[]): Promise<DeviceRow> {
    const [rows]: [DeviceRow[], number] = await this.ds.query(
      `UPDATE basalt.push_devices SET topics = $2, updated_at = now() WHERE id = $1 RETURNING ${DEVICE_COLUMNS}`,
      [id, topics],
    );
    return rows[0]!;
  }

  async delete(id: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.ds.query('DELETE FROM basalt.push_devices WHERE id = $1', [id]);
    return affected > 0;
  }

  /** A provider said the token is gone. Only that exact registration goes: a re-registration since then keeps its row. */
  async deleteGone(id: string, token: string): Promise<void> {
    await this.ds.query('DELETE FROM basalt.push_devices WHERE id = $1 AND token = $2', [id, token]);
  }

  async deleteOfUser(userId: string): Promise<number> {
    const [, affected]: [unknown, number] = await this.ds.query('DELETE FROM basalt.push_devices WHERE user_id = $1', [userId]);
    return affected;
  }

  async list(q: DeviceListQuery): Promise<DeviceRow[]> {
    return this.ds.query(
      `SELECT ${DEVICE_COLUMNS} FROM basalt.push_devices
       WHERE ($1::uuid IS NULL OR user_id = $1) AND ($2::text IS NULL OR topics @> ARRAY[$2::text])
         AND ($3::text IS NULL OR platform = $3) AND ($4::uuid IS NULL OR id > $4)
       ORDER BY id LIMIT $5`,
      [q.userId ?? null, q.topic ?? null, q.platform ?? null, q.afterId, q.limit + 1],
    );
  }
}
