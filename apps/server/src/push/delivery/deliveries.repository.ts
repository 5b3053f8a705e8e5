import type { PushPlatform, PushTarget, WebPushSubscription } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MESSAGE_COLUMNS, type MessageRow } from '../messages/messages.repository.js';

/** A delivery row joined to its device; the device is null when it was removed after the fan-out. */
export interface OpenDelivery {
  deviceId: string;
  platform: PushPlatform | null;
  token: string | null;
  subscription: WebPushSubscription | null;
}

export interface DeliveryRow {
  deviceId: string;
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'invalid';
  attempts: number;
  error: string | null;
  updatedAt: Date;
}

export type DeliveryResult = 'sent' | 'failed' | 'invalid' | 'pending';

/**
 * `basalt.push_deliveries`, one row per (message, device): pending -> sending -> sent | failed | invalid.
 * A row is `sending` only while its provider request is in flight, so after a crash the rows left
 * `sending` are exactly the devices that may have received the message already.
 */
@Injectable()
export class DeliveriesRepository {
  constructor(private readonly ds: DataSource) {}

  /** queued -> sending. The message when it is (now) sending; null when cancelled, finished or gone. */
  async beginSending(messageId: string): Promise<MessageRow | null> {
    await this.ds.query(`UPDATE basalt.push_messages SET status = 'sending', updated_at = now() WHERE id = $1 AND status = 'queued'`, [messageId]);
    const [row]: MessageRow[] = await this.ds.query(`SELECT ${MESSAGE_COLUMNS} FROM basalt.push_messages WHERE id = $1`, [messageId]);
    return row?.status === 'sending' ? row : null;
  }

  /**
   * Records the next page of target devices (by id, after the message's cursor) as one batch, in one
   * transaction with the cursor, so a crash never loses or repeats a page. De-duplicated by nature:
   * each device row is read once whichever of users/topics/devices selected it.
   */
  async addNextBatch(messageId: string, target: PushTarget, size: number): Promise<{ batch: number | null; done: boolean }> {
    return this.ds.transaction(async (em) => {
      const [m]: Array<{ cursor: string | null; batches: number; done: boolean }> = await em.query(
        `SELECT fanout_cursor AS cursor, batches, fanout_done AS done FROM basalt.push_messages WHERE id = $1 FOR UPDATE`,
        [messageId],
      );
      if (!m || m.done) return { batch: null, done: true };
      const devices: Array<{ id: string }> = await em.query(
        `SELECT id FROM basalt.push_devices
         WHERE (user_id = ANY($1::uuid[]) OR topics && $2::text[] OR id = ANY($3::uuid[])) AND ($4::uuid IS NULL OR id > $4)
         ORDER BY id LIMIT $5`,
        [target.users ?? [], target.topics ?? [], target.devices ?? [], m.cursor, size],
      );
      const done = devices.length < size;
      if (devices.length === 0) {
        await em.query(`UPDATE basalt.push_messages SET fanout_done = true, updated_at = now() WHERE id = $1`, [messageId]);
        return { batch: null, done: true };
      }
      await em.query(
        `INSERT INTO basalt.push_deliveries (message_id, device_id, batch, status)
         SELECT $1, d, $3, 'pending' FROM unnest($2::uuid[]) AS d ON CONFLICT DO NOTHING`,
        [messageId, devices.map((d) => d.id), m.batches],
      );
      await em.query(
        `UPDATE basalt.push_messages SET fanout_cursor = $2, batches = batches + 1, fanout_done = $3,
           targeted = (SELECT count(*)::int FROM basalt.push_deliveries WHERE message_id = $1), updated_at = now() WHERE id = $1`,
        [messageId, devices[devices.length - 1]!.id, done],
      );
      return { batch: m.batches, done };
    });
  }

  /** Rows of a batch still to send: pending, and sending ones a crashed attempt left in flight. */
  async open(messageId: string, batch: number): Promise<OpenDelivery[]> {
    return this.ds.query(
      `SELECT r.device_id AS "deviceId", d.platform, d.token, d.subscription
       FROM basalt.push_deliveries r LEFT JOIN basalt.push_devices d ON d.id = r.device_id
       WHERE r.message_id = $1 AND r.batch = $2 AND r.status IN ('pending', 'sending') ORDER BY r.device_id`,
      [messageId, batch],
    );
  }

  async markSending(messageId: string, deviceId: string): Promise<void> {
    await this.ds.query(
      `UPDATE basalt.push_deliveries SET status = 'sending', attempts = attempts + 1, updated_at = now() WHERE message_id = $1 AND device_id = $2`,
      [messageId, deviceId],
    );
  }

  async mark(messageId: string, deviceId: string, result: DeliveryResult, error: string | null): Promise<void> {
    await this.ds.query(
      `UPDATE basalt.push_deliveries SET status = $3, error = $4, updated_at = now() WHERE message_id = $1 AND device_id = $2`,
      [messageId, deviceId, result, error],
    );
  }

  /** For the admin: one message's delivery rows by device id. */
  async list(messageId: string, q: { status?: string; afterDeviceId: string | null; limit: number }): Promise<DeliveryRow[]> {
    return this.ds.query(
      `SELECT device_id AS "deviceId", status, attempts, error, updated_at AS "updatedAt" FROM basalt.push_deliveries
       WHERE message_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR device_id > $3)
       ORDER BY device_id LIMIT $4`,
      [messageId, q.status ?? null, q.afterDeviceId, q.limit + 1],
    );
  }

  /** Recounts the message from its delivery rows and finishes it once the fan-out is complete and no row is open. */
  async refresh(messageId: string): Promise<void> {
    await this.ds.query(
      `WITH c AS (
         SELECT count(*)::int AS targeted,
                (count(*) FILTER (WHERE status = 'sent'))::int AS sent,
                (count(*) FILTER (WHERE status = 'failed'))::int AS failed,
                (count(*) FILTER (WHERE status = 'invalid'))::int AS invalid,
                (count(*) FILTER (WHERE status IN ('pending', 'sending')))::int AS open
         FROM basalt.push_deliveries WHERE message_id = $1)
       UPDATE basalt.push_messages m SET targeted = c.targeted, sent = c.sent, failed = c.failed, invalid_tokens = c.invalid,
         status = CASE WHEN m.status = 'sending' AND m.fanout_done AND c.open = 0 THEN (CASE WHEN c.sent = 0 AND c.failed > 0 THEN 'failed' ELSE 'done' END) ELSE m.status END,
         finished_at = CASE WHEN m.status = 'sending' AND m.fanout_done AND c.open = 0 THEN now() ELSE m.finished_at END,
         updated_at = now()
       FROM c WHERE m.id = $1`,
      [messageId],
    );
  }
}
