import { Module } from '@nestjs/common';
import { BatchController } from './records/batch.controller.js';
import { FileFieldGuard } from './records/file-field-guard.js';
import { RecordReader } from './records/record-reader.js';
import { RecordWriter } from './records/record-writer.js';
import { RecordRoutes } from './records/record-routes.js';
import { RecordsService } from './records/records.service.js';
import { RuleCache } from './records/rule-cache.js';
import { CollectionsController } from './schema/collections.controller.js';
import { CollectionsRepository } from './schema/collections.repository.js';
import { CollectionsService } from './schema/collections.service.js';
import { SchemaRegistry } from './schema/schema-registry.js';

@Module({
  controllers: [CollectionsController, BatchController],
  providers: [CollectionsRepository, SchemaRegistry, CollectionsService, RuleCache, RecordReader, RecordWriter, RecordsService, RecordRoutes, FileFieldGuard],
  exports: [SchemaRegistry, RecordsService, FileFieldGuard],
})
export class CollectionsModule {}
