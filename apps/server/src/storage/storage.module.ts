import { Module } from '@nestjs/common';
import { CollectionsModule } from '../collections/collections.module.js';
import { AttachmentSweeper } from './attachments/attachment-sweeper.js';
import { AttachmentsRepository } from './attachments/attachments.repository.js';
import { BucketsController } from './buckets.controller.js';
import { BucketsRepository } from './buckets.repository.js';
import { BucketsService } from './buckets.service.js';
import { FileReferences } from './file-references.js';
import { FilesController } from './files.controller.js';
import { FilesRepository } from './files.repository.js';
import { FilesService } from './files.service.js';
import { StorageCleanupJob } from './jobs/storage-cleanup.job.js';
import { StorageReconcileJob } from './jobs/storage-reconcile.job.js';
import { StorageReconciler } from './jobs/storage-reconciler.js';
import { RecordFilesListener } from './record-files.listener.js';
import { StorageOpsController } from './storage-ops.controller.js';
import { UploadFileService } from './upload/upload-file.service.js';

/**
 * Buckets and files on the BlobStore port. Builds on collections for the filter compiler, the
 * schema registry (rules may follow `owner` to users) and the file-field port it implements.
 */
@Module({
  imports: [CollectionsModule],
  controllers: [BucketsController, StorageOpsController, FilesController],
  providers: [
    BucketsRepository, BucketsService,
    FilesRepository, FilesService, UploadFileService,
    FileReferences, RecordFilesListener, AttachmentsRepository, AttachmentSweeper,
    StorageReconciler, StorageCleanupJob, StorageReconcileJob,
  ],
})
export class StorageModule {}
