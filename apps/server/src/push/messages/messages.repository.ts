import type { PushMessageStatus, PushNotification, PushPriority, PushTarget } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface MessageRow {
  id: string;
  status: PushMessageStatus;
  target: PushTarget;
  notification: PushNotification;
  data: Record<string, string> | null;
  ttl: number | null;
  priority: PushPriority;
  collapseKey: string | null;
  sendAt: Date | null;
  idempotencyKey: string | null;
  fanoutCursor: string | null;
  fanoutDone: boolean;
  batches: number;
  targeted: number;
  sent: number;
  failed: number;
  invalidTokens: number;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

export type NewMessage = Pick<MessageRow, 'id' | 'target' | 'notification' | 'data' | 'ttl' | 'priority' | 'collapseKey' | 'sendAt' | 'idempotencyKey'>;

export const MESSAGE_COLUMNS = `id, status, target, notification, data, ttl, priority, collapse_key AS "collapseKey", send_at AS "sendAt",
  idempotency_key AS "idempotencyKey", fanout_cursor AS "fanoutCursor", fanout_done AS "fanoutDone", batches, targeted, sent, failed,
  invalid_tokens AS "invalidTokens", created_at AS "createdAt", updated_at AS "updatedAt", finished_at AS "finishedAt"`;

/** `basalt.push_messages`. */
@Injectable()
export class MessagesRepository {
  constructor(private readonly ds: DataSource) {}

  /** Null when a message with the same idempotency key exists already. */
  async insert(m: NewMessage): Promise<MessageRow | null> {
    const rows: MessageRow[] = await this.ds.query(
      `INSERT INTO basalt.push_messages (id, status, target, notification, data, ttl, priority, collapse_key, send_at, idempotency_key)
       VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING ${MESSAGE_COLUMNS}`,
      [m.id, JSON.stringify(m.target), JSON.stringify(m.notification), m.data === null ? null : JSON.stringify(m.data), m.ttl, m.priority, m.collapseKey, m.sendAt, m.idempotencyKey],
    );
    return rows[0] ?? null;
  }

  async byIdempotencyKey(key: string): Promise<MessageRow | null> {
    const [row] = await this.ds.query(`SELECT ${MESSAGE_COLUMNS} FROM basalt.push_messages WHERE idempotency_key = $1`, [key]);
    return row ?? null;
  }

  async get(id: string): Promise<MessageRow | null> {
    const [row] = await this.ds.query(`SELECT ${MESSAGE_COLUMNS} FROM basalt.push_messages WHERE id = $1`, [id]);
    return row ?? null;
  }

  /** Newest first. */
  async list(q: { status?: string; beforeId: string | null; limit: number }): Promise<MessageRow[]> {
    return this.ds.query(
      `SELECT ${MESSAGE_COLUMNS} FROM basalt.push_messages
       WHERE ($1::text IS NULL OR status = $1) AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
      [q.status ?? null, q.beforeId, q.limit + 1],
    );
  }

  /** queued -> cancelled; false when the message is in another state. */
  async cancel(id: string): Promise<boolean> {
    const [, affected]: [unknown, number] = await this.ds.query(
      `UPDATE basalt.push_messages SET status = 'cancelled', updated_at = now(), finished_at = now() WHERE id = $1 AND status = 'queued'`,
      [id],
    );
    return affected > 0;
  }
}
