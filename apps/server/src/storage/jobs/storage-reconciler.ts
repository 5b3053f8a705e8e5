import type { StorageReconcileResult } from '@basalt/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../../common/logger.js';
import { isUuid } from '../../common/ids.js';
import { BlobStore } from '../../infra/blobs/blob-store.port.js';
import { AttachmentSweeper } from '../attachments/attachment-sweeper.js';
import { blobKeyOf, FilesRepository } from '../files.repository.js';

/** An upload still pending after this long belongs to a process that died mid-stream. */
export const STALE_PENDING_MS = 60 * 60_000;
const BATCH = 500;

/**
 * Restores "every blob has a row and every row has a blob" and "every attached file is held by its
 * record": removes files attached to records that are gone or let go of them (what a lost
 * `record.changed` or `collection.changed` event leaves), blobs under `files/` without a
 * row, and uploads stuck in `pending` (row and blob). A blob being written right now always has
 * its pending row already (the row is inserted first), so it is never mistaken for an orphan.
 */
@Injectable()
export class StorageReconciler {
  constructor(
    private readonly files: FilesRepository,
    private readonly blobs: BlobStore,
    private readonly attachments: AttachmentSweeper,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async run(): Promise<StorageReconcileResult> {
    const releasedFiles = await this.attachments.sweep();
    const orphanBlobs = await this.removeOrphanBlobs();
    const stalePending = await this.removeStalePending();
    if (orphanBlobs || stalePending || releasedFiles) this.log.info({ orphanBlobs, stalePending, releasedFiles }, 'storage reconciled');
    return { orphanBlobs, stalePending, releasedFiles };
  }

  private async removeOrphanBlobs(): Promise<number> {
    let removed = 0;
    let batch: string[] = [];
    const flush = async () => {
      const ids = batch.map(idOfKey).filter((id): id is string => id !== null);
      const known = await this.files.existing(ids);
      for (const key of batch) {
        const id = idOfKey(key);
        if (id !== null && known.has(id)) continue;
        await this.blobs.delete(key);
        removed += 1;
      }
      batch = [];
    };
    for await (const blob of this.blobs.list('files/')) {
      batch.push(blob.key);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length) await flush();
    return removed;
  }

  private async removeStalePending(): Promise<number> {
    let removed = 0;
    for (;;) {
      const stale = await this.files.stalePending(STALE_PENDING_MS, BATCH);
      for (const { id, bucket } of stale) {
        await this.blobs.delete(blobKeyOf(bucket, id));
        await this.files.deleteAny(id);
        removed += 1;
      }
      if (stale.length < BATCH) return removed;
    }
  }
}

/** `files/<bucket>/<uuid>` -> the uuid; anything else under files/ is not one of ours (null). */
function idOfKey(key: string): string | null {
  const parts = key.split('/');
  return parts.length === 3 && isUuid(parts[2]) ? parts[2]!.toLowerCase() : null;
}
