import { Injectable, type OnModuleInit } from '@nestjs/common';
import { JobQueue } from '../../infra/queue/job-queue.port.js';
import { DeliveriesRepository } from './deliveries.repository.js';

/** Devices per delivery job. */
export const BATCH_SIZE = 100;
export const DELIVER_ATTEMPTS = 6;

export function deliverJobKey(messageId: string, batch: number): string {
  return `push.deliver:${messageId}:${batch}`;
}

/**
 * `push.fanout`: pages the message's target devices into batches and enqueues one `push.deliver`
 * per batch. Safe to run again after a crash: every batch already recorded is enqueued again
 * (the idempotency key makes that a no-op when it was), then paging resumes at the stored cursor.
 */
@Injectable()
export class FanoutJob implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  onModuleInit(): void {
    this.queue.handle('push.fanout', ({ messageId }) => this.run(messageId));
  }

  async run(messageId: string): Promise<void> {
    const message = await this.deliveries.beginSending(messageId);
    if (!message) return;
    for (let batch = 0; batch < message.batches; batch++) await this.enqueue(messageId, batch);
    for (;;) {
      const { batch, done } = await this.deliveries.addNextBatch(messageId, message.target, BATCH_SIZE);
      if (batch !== null) await this.enqueue(messageId, batch);
      if (done) break;
    }
    // No target at all, or every batch finished before paging did: the message is complete now.
    await this.deliveries.refresh(messageId);
  }

  private async enqueue(messageId: string, batch: number): Promise<void> {
    await this.queue.enqueue('push.deliver', { messageId, batch }, { idempotencyKey: deliverJobKey(messageId, batch), attempts: DELIVER_ATTEMPTS });
  }
}
