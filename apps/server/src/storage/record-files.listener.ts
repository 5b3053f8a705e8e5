import type { RecordChangedEvent } from '@basalt/contracts';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger.js';
import { SchemaRegistry } from '../collections/schema/schema-registry.js';
import { EventBus } from '../infra/events/event-bus.port.js';
import { JobQueue } from '../infra/queue/job-queue.port.js';
import { idsOf } from './attachments/attachments.repository.js';
import { AttachmentSweeper } from './attachments/attachment-sweeper.js';

/**
 * Files go with the records they are attached to: when a record is deleted, or a file field lets
 * go of a file, the file is deleted now (row here, blob through `storage.cleanup`) if it was
 * attached to that record and the record holds it no more; when a collection is dropped, so are
 * the files attached to its records. Every API node receives the events (Redis pub/sub): the
 * deletions are conditional, so one node deletes and the others find nothing. Events are
 * fire-and-forget; what a lost one leaves behind, the reconciler removes.
 */
@Injectable()
export class RecordFilesListener implements OnModuleInit {
  constructor(
    private readonly events: EventBus,
    private readonly queue: JobQueue,
    private readonly registry: SchemaRegistry,
    private readonly sweeper: AttachmentSweeper,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onModuleInit(): void {
    this.events.subscribe('record.changed', (event) => this.onRecordChanged(event));
    this.events.subscribe('collection.changed', async ({ name, deleted }) => {
      if (!deleted) return;
      await this.sweeper
        .sweepDroppedCollections()
        .catch((err: unknown) => this.log.warn({ err, collection: name }, 'could not delete the files of a dropped collection; the reconciler will'));
    });
  }

  async onRecordChanged({ collection, before, after }: RecordChangedEvent): Promise<void> {
    if (!before) return;
    const schema = this.registry.get(collection);
    if (!schema) return;
    const files = schema.fields.filter((f) => f.type === 'file');
    const kept = new Set(files.flatMap((f) => idsOf(after?.[f.name])));
    const released = new Set(files.flatMap((f) => idsOf(before[f.name])).filter((id) => !kept.has(id)));
    for (const fileId of released) {
      try {
        const bucket = await this.sweeper.release(fileId);
        if (bucket) await this.queue.enqueue('storage.cleanup', { fileId, bucket }, { idempotencyKey: `storage.cleanup:${fileId}` });
      } catch (err) {
        this.log.warn({ err, fileId }, 'could not release a file; the reconciler will');
      }
    }
  }
}
