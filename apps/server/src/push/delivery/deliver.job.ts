import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobQueue, type JobContext, RetryLaterError } from '../../infra/queue/job-queue.port.js';
import { DevicesRepository } from '../devices/devices.repository.js';
import { MessagesRepository, type MessageRow } from '../messages/messages.repository.js';
import type { PushContent, SendOutcome } from '../providers/push-provider.js';
import { PushProviders } from '../providers/push-providers.service.js';
import { DeliveriesRepository, type OpenDelivery } from './deliveries.repository.js';
import { DELIVER_ATTEMPTS } from './fanout.job.js';

/** Providers keep an undelivered message this long unless the sender set `ttl` (FCM's default). */
export const DEFAULT_TTL_SECONDS = 2_419_200;

/**
 * `push.deliver`: sends one batch. Each device's row is marked `sending` just before its request and
 * settled right after, within the per-provider concurrency limit. Temporary refusals keep their
 * rows pending and retry the job (backoff, or the provider's Retry-After when longer); on the last
 * attempt they become `failed`. Tokens the provider reports gone are removed.
 */
@Injectable()
export class DeliverJob implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly messages: MessagesRepository,
    private readonly deliveries: DeliveriesRepository,
    private readonly devices: DevicesRepository,
    private readonly providers: PushProviders,
  ) {}

  onModuleInit(): void {
    this.queue.handle('push.deliver', ({ messageId, batch }, ctx) => this.run(messageId, batch, ctx));
  }

  async run(messageId: string, batch: number, ctx: JobContext): Promise<void> {
    const message = await this.messages.get(messageId);
    if (!message || message.status !== 'sending') return;
    const content = contentOf(message);
    const rows = await this.deliveries.open(messageId, batch);
    const outcomes = await Promise.all(rows.map((row) => this.deliver(message.id, row, content)));
    const retries = outcomes.filter((o): o is Extract<SendOutcome, { kind: 'retry' }> => o.kind === 'retry');
    if (retries.length > 0 && ctx.attempt >= DELIVER_ATTEMPTS) {
      await Promise.all(rows.map((row, i) => (outcomes[i]!.kind === 'retry' ? this.deliveries.mark(messageId, row.deviceId, 'failed', reasonOf(outcomes[i]!)) : undefined)));
    }
    await this.deliveries.refresh(messageId);
    if (retries.length > 0 && ctx.attempt < DELIVER_ATTEMPTS) {
      const retryAfterMs = Math.max(0, ...retries.map((r) => r.retryAfterMs ?? 0));
      throw new RetryLaterError(`${retries.length} device(s) to retry: ${retries[0]!.reason}`, retryAfterMs);
    }
  }

  private async deliver(messageId: string, row: OpenDelivery, content: PushContent): Promise<SendOutcome> {
    if (row.platform === null || row.token === null) {
      const outcome: SendOutcome = { kind: 'failed', reason: 'the device was removed before delivery' };
      await this.deliveries.mark(messageId, row.deviceId, 'failed', outcome.reason);
      return outcome;
    }
    const lookup = await this.providers.get(row.platform);
    if ('error' in lookup) {
      await this.deliveries.mark(messageId, row.deviceId, 'failed', lookup.error);
      return { kind: 'failed', reason: lookup.error };
    }
    return lookup.limiter.run(async () => {
      await this.deliveries.markSending(messageId, row.deviceId);
      const outcome = await lookup.provider.send({ token: row.token!, subscription: row.subscription }, content);
      switch (outcome.kind) {
        case 'sent':
          await this.deliveries.mark(messageId, row.deviceId, 'sent', null);
          break;
        case 'invalid':
          await this.deliveries.mark(messageId, row.deviceId, 'invalid', outcome.reason);
          await this.devices.deleteGone(row.deviceId, row.token!);
          break;
        case 'retry':
          await this.deliveries.mark(messageId, row.deviceId, 'pending', outcome.reason);
          break;
        case 'failed':
          await this.deliveries.mark(messageId, row.deviceId, 'failed', outcome.reason);
          break;
      }
      return outcome;
    });
  }
}

function reasonOf(o: SendOutcome): string | null {
  return o.kind === 'sent' ? null : o.reason;
}

export function contentOf(m: MessageRow): PushContent {
  return { notification: m.notification, data: m.data, ttl: m.ttl ?? DEFAULT_TTL_SECONDS, priority: m.priority, collapseKey: m.collapseKey };
}
