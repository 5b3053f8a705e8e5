import type { Principal } from '@basalt/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { FileFieldGuard, type FileFieldClaim, type FileHolder, type FileReferenceChecker } from '../collections/records/file-field-guard.js';
import type { Executor } from '../collections/records/request-scope.js';
import type { AuthValues } from '../collections/query/filter-context.js';
import { SqlParams } from '../collections/query/filter-context.js';
import { SchemaRegistry } from '../collections/schema/schema-registry.js';
import { AttachmentsRepository, type ClaimableFile } from './attachments/attachments.repository.js';
import { BucketsRepository } from './buckets.repository.js';
import { accessSql, fileAccess } from './file-rules.js';

/**
 * Storage's answer to the records' question "may this caller put these file ids in a file field?":
 * only ready files of the field's bucket it may read. A file goes to the first record that takes
 * it (attached, in the same transaction) and is deleted when that record lets go of it, so users
 * may not take a file another record holds — else they could delete it by deleting their own
 * record. Admins and API keys may (the file stays attached to the first record).
 */
@Injectable()
export class FileReferences implements FileReferenceChecker, OnModuleInit {
  constructor(
    private readonly guard: FileFieldGuard,
    private readonly buckets: BucketsRepository,
    private readonly attachments: AttachmentsRepository,
    private readonly registry: SchemaRegistry,
  ) {}

  onModuleInit(): void {
    this.guard.use(this);
  }

  async claim(db: Executor, principal: Principal, auth: AuthValues, holder: FileHolder, fields: FileFieldClaim[]): Promise<Record<string, string>> {
    const problems: Record<string, string> = {};
    const mayShare = principal.kind === 'admin' || principal.kind === 'apiKey';
    for (const field of fields) {
      const ids = [...new Set(field.ids.map((id) => id.toLowerCase()))];
      const files = await this.readable(db, principal, auth, field.bucket, ids);
      const unreadable = ids.find((id) => !files.has(id));
      if (unreadable) {
        problems[field.field] = `no file ${unreadable} in bucket ${field.bucket} that you may read`;
        continue;
      }
      const taken = ids.find((id) => isElsewhere(files.get(id)!, holder));
      if (taken && !mayShare) {
        problems[field.field] = `file ${taken} belongs to another record`;
        continue;
      }
      await this.attachments.attach(db, ids.filter((id) => files.get(id)!.attachedCollection === null), holder, field.fieldId);
    }
    return problems;
  }

  /** The ready files among `ids` the caller may read in the bucket, locked for the writing transaction. */
  private async readable(db: Executor, principal: Principal, auth: AuthValues, bucketName: string, ids: string[]): Promise<Map<string, ClaimableFile>> {
    const bucket = await this.buckets.find(bucketName, db);
    if (!bucket) return new Map();
    let where: string;
    const params = new SqlParams(2);
    try {
      where = accessSql(fileAccess(principal, bucket, 'read'), { auth, now: new Date(), schemas: this.registry }, params);
    } catch {
      // No read access at all (null rule, or an API key without files:read): none of them is usable.
      return new Map();
    }
    return this.attachments.lockReadable(db, bucket.name, ids, where, params);
  }
}

function isElsewhere(file: ClaimableFile, holder: FileHolder): boolean {
  return file.attachedRecord !== null && (file.attachedCollection !== holder.collectionId || file.attachedRecord !== holder.recordId);
}
