import type { PushDelivery, PushMessage, PushPage, SendPushResponse } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { Errors } from '../../common/app-error.js';
import { uuidv7 } from '../../common/ids.js';
import { JobQueue } from '../../infra/queue/job-queue.port.js';
import { DeliveriesRepository } from '../delivery/deliveries.repository.js';
import { decodePageCursor, encodePageCursor, pageOf } from '../page-cursor.js';
import { PushErrors } from '../push.errors.js';
import type { ListDeliveriesQueryDto, ListMessagesQueryDto, SendPushDto } from './dto/send-push.dto.js';
import { toPushMessage } from './messages.mapper.js';
import { type MessageRow, MessagesRepository } from './messages.repository.js';

const MAX_DATA_BYTES = 2048;
const MAX_SCHEDULE_MS = 30 * 24 * 3600_000;
/** Keys FCM refuses in `data` (and that would shadow `aps` in an APNs payload). */
const RESERVED_DATA_KEY = /^(from|notification|message_type|aps|google.*|gcm.*)$/i;

/** Accepting, reading and cancelling push messages; the sending happens in the push.fanout / push.deliver jobs. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly repo: MessagesRepository,
    private readonly queue: JobQueue,
    private readonly deliveryRows: DeliveriesRepository,
  ) {}

  async send(dto: SendPushDto, now = Date.now()): Promise<SendPushResponse> {
    const sendAt = checkMessage(dto, now);
    const inserted = await this.repo.insert({
      id: uuidv7(),
      target: dedupeTarget(dto.target),
      notification: dto.notification,
      data: dto.data ?? null,
      ttl: dto.ttl ?? null,
      priority: dto.priority ?? 'high',
      collapseKey: dto.collapseKey ?? null,
      sendAt,
      idempotencyKey: dto.idempotencyKey ?? null,
    });
    const message = inserted ?? (await this.repo.byIdempotencyKey(dto.idempotencyKey!));
    if (!message) throw Errors.conflict('the message with this idempotencyKey was just removed; send again');
    // Enqueued again on a repeat too: a crash between the insert and the enqueue must not strand the message.
    if (message.status === 'queued') await this.enqueueFanout(message, now);
    return { id: message.id, status: message.status };
  }

  async get(id: string): Promise<PushMessage> {
    const m = await this.repo.get(id);
    if (!m) throw PushErrors.messageNotFound();
    return toPushMessage(m);
  }

  async list(q: ListMessagesQueryDto): Promise<PushPage<PushMessage>> {
    const limit = q.limit ?? 30;
    const rows = await this.repo.list({ status: q.status, beforeId: decodePageCursor(q.cursor), limit });
    const page = pageOf(rows, limit);
    return { items: page.items.map(toPushMessage), nextCursor: page.nextCursor };
  }

  /** Per-device results of a message, with the provider's reason for failures. */
  async deliveries(id: string, q: ListDeliveriesQueryDto): Promise<PushPage<PushDelivery>> {
    if (!(await this.repo.get(id))) throw PushErrors.messageNotFound();
    const limit = q.limit ?? 100;
    const rows = await this.deliveryRows.list(id, { status: q.status, afterDeviceId: decodePageCursor(q.cursor), limit });
    const items = rows.slice(0, limit);
    return {
      items: items.map((r) => ({ deviceId: r.deviceId, status: r.status, attempts: r.attempts, error: r.error, updatedAt: new Date(r.updatedAt).toISOString() })),
      nextCursor: rows.length > limit ? encodePageCursor(items[items.length - 1]!.deviceId) : null,
    };
  }

  /** Only a message whose fan-out has not begun (a scheduled one, typically) can be cancelled. */
  async cancel(id: string): Promise<PushMessage> {
    if (!(await this.repo.cancel(id))) {
      const m = await this.repo.get(id);
      if (!m) throw PushErrors.messageNotFound();
      if (m.status !== 'cancelled') throw PushErrors.notCancellable(m.status);
    }
    return this.get(id);
  }

  private async enqueueFanout(m: MessageRow, now: number): Promise<void> {
    const delayMs = m.sendAt ? Math.max(0, new Date(m.sendAt).getTime() - now) : 0;
    await this.queue.enqueue('push.fanout', { messageId: m.id }, { idempotencyKey: `push.fanout:${m.id}`, delayMs, attempts: 10 });
  }
}

/** What class-validator cannot say about a message. Returns sendAt as a Date (null: now). */
function checkMessage(dto: SendPushDto, now: number): Date | null {
  const t = dto.target;
  if (!t.users?.length && !t.topics?.length && !t.devices?.length) {
    throw Errors.validation({ target: 'name at least one of users, topics or devices' });
  }
  if (dto.data !== undefined) {
    const problems: Record<string, string> = {};
    for (const [k, v] of Object.entries(dto.data)) {
      if (typeof v !== 'string') problems[`data.${k}`] = 'must be a string (push data values are strings)';
      else if (RESERVED_DATA_KEY.test(k) || k === '') problems[`data.${k}`] = 'is a reserved key';
    }
    if (Object.keys(problems).length) throw Errors.validation(problems);
    if (Buffer.byteLength(JSON.stringify(dto.data)) > MAX_DATA_BYTES) throw Errors.validation({ data: `must be at most ${MAX_DATA_BYTES} bytes as JSON` });
  }
  if (dto.sendAt === undefined) return null;
  const at = new Date(dto.sendAt);
  if (Number.isNaN(at.getTime())) throw Errors.validation({ sendAt: 'must be an ISO 8601 date' });
  if (at.getTime() - now > MAX_SCHEDULE_MS) throw Errors.validation({ sendAt: 'must be at most 30 days ahead' });
  return at;
}

/** Each id or topic once; UUIDs compared case-insensitively. */
function dedupeTarget(t: SendPushDto['target']): SendPushDto['target'] {
  const uniq = (a: string[] | undefined, lower: boolean) => (a?.length ? [...new Set(lower ? a.map((s) => s.toLowerCase()) : a)] : undefined);
  const users = uniq(t.users, true);
  const topics = uniq(t.topics, false);
  const devices = uniq(t.devices, true);
  return { ...(users && { users }), ...(topics && { topics }), ...(devices && { devices }) };
}
