import type { PushMessage } from '@basalt/contracts';
import type { MessageRow } from './messages.repository.js';

const iso = (d: Date | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toPushMessage(m: MessageRow): PushMessage {
  return {
    id: m.id,
    status: m.status,
    counts: { targeted: m.targeted, sent: m.sent, failed: m.failed, invalidTokens: m.invalidTokens },
    target: m.target,
    notification: m.notification,
    data: m.data,
    ttl: m.ttl,
    priority: m.priority,
    collapseKey: m.collapseKey,
    sendAt: iso(m.sendAt),
    idempotencyKey: m.idempotencyKey,
    createdAt: iso(m.createdAt)!,
    updatedAt: iso(m.updatedAt)!,
    finishedAt: iso(m.finishedAt),
  };
}
