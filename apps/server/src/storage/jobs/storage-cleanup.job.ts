import { Injectable, type OnModuleInit } from '@nestjs/common';
import { BlobStore } from '../../infra/blobs/blob-store.port.js';
import { JobQueue } from '../../infra/queue/job-queue.port.js';
import { blobKeyOf, FilesRepository } from '../files.repository.js';

/**
 * `storage.cleanup`: removes one file, its row if still there and then its blob. Idempotent: a
 * second run finds nothing and does nothing. The blob key comes from the row when there is one
 * (its true bucket), else from the payload.
 */
@Injectable()
export class StorageCleanupJob implements OnModuleInit {
  constructor(
    private readonly queue: JobQueue,
    private readonly files: FilesRepository,
    private readonly blobs: BlobStore,
  ) {}

  onModuleInit(): void {
    this.queue.handle('storage.cleanup', async ({ fileId, bucket }) => {
      const rowBucket = await this.files.deleteAny(fileId);
      await this.blobs.delete(blobKeyOf(rowBucket ?? bucket, fileId));
    });
  }
}
