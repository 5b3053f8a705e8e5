import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { LOGGER } from '../../common/logger.js';
import { BlobStore } from '../../infra/blobs/blob-store.port.js';
import { blobKeyOf } from '../files.repository.js';
import { AttachmentsRepository, heldIds } from './attachments.repository.js';

const BATCH = 500;

/**
 * Deletes files their record let go of: a file attached to a record lives while that record holds
 * it in a file field. Each decision is taken under a share lock on the record row, re-reading the
 * collection, so a write putting the file back commits either before (the file stays) or after
 * (and then finds no file and is refused) — never both.
 */
@Injectable()
export class AttachmentSweeper {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: AttachmentsRepository,
    private readonly blobs: BlobStore,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  /**
   * Deletes the file row if it is attached to a record that no longer exists or no longer holds it;
   * returns its bucket (the caller removes the blob), or null when the file stays.
   */
  async release(fileId: string): Promise<string | null> {
    const attachment = await this.repo.attachmentOf(fileId);
    if (!attachment) return null;
    const deleted = await this.ds.transaction(async (em) => {
      const collection = await this.repo.collection(em, attachment.collection);
      if (collection) {
        const row = await this.repo.lockFileColumns(em, collection, attachment.record);
        // The schema may have changed while waiting for the lock (a new file field): decide next time.
        if ((await this.repo.collection(em, collection.id))?.version !== collection.version) return false;
        if (row && heldIds(row, collection).has(fileId)) return false;
      }
      return this.repo.deleteIfAttached(em, fileId, attachment);
    });
    return deleted ? attachment.bucket : null;
  }

  /**
   * Every attached file no record holds any more: those of dropped collections, then, collection
   * by collection in pages, those whose record is gone or let go of them. Returns how many went.
   */
  async sweep(): Promise<number> {
    let removed = await this.sweepDroppedCollections();
    for (const collection of await this.repo.collections()) {
      for (let after = '00000000-0000-0000-0000-000000000000'; ; ) {
        const page = await this.repo.attachedPage(collection.id, after, BATCH);
        if (page.length === 0) break;
        for (const id of await this.repo.unheld(collection, page)) {
          const bucket = await this.release(id).catch((err: unknown) => {
            this.log.warn({ err, fileId: id }, 'could not release a file; the next run will try again');
            return null;
          });
          if (bucket) {
            await this.deleteBlob(bucket, id);
            removed += 1;
          }
        }
        if (page.length < BATCH) break;
        after = page[page.length - 1]!;
      }
    }
    return removed;
  }

  /** Deletes the files attached to collections that no longer exist; returns how many. */
  async sweepDroppedCollections(): Promise<number> {
    let removed = 0;
    for (;;) {
      const gone = await this.repo.deleteOfDroppedCollections(BATCH);
      for (const { id, bucket } of gone) await this.deleteBlob(bucket, id);
      removed += gone.length;
      if (gone.length < BATCH) return removed;
    }
  }

  /** A blob left behind here has no row any more: the reconciler's orphan pass removes it later. */
  private async deleteBlob(bucket: string, id: string): Promise<void> {
    await this.blobs.delete(blobKeyOf(bucket, id)).catch((err: unknown) => this.log.warn({ err, fileId: id }, 'could not delete a released blob'));
  }
}
