import type { FileList, Principal, SignedUrlResponse, StoredFile } from '@basalt/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError, Errors } from '../common/app-error.js';
import { isUuid } from '../common/ids.js';
import { AppConfig } from '../config/app-config.js';
import { cursorCondition, encodeCursor } from '../collections/query/cursor.js';
import { SqlParams } from '../collections/query/filter-context.js';
import { compileSort, orderBySql } from '../collections/query/sort.js';
import { authValuesFor, type Executor } from '../collections/records/request-scope.js';
import { SchemaRegistry } from '../collections/schema/schema-registry.js';
import { JobQueue } from '../infra/queue/job-queue.port.js';
import { BucketsRepository, type BucketRecord } from './buckets.repository.js';
import type { ListFilesQueryDto } from './dto/files.dto.js';
import { accessSql, FILE_ALIAS, type FileAccess, fileAccess, type FileScope, filesContext, filterSql } from './file-rules.js';
import { type FileRow, FilesRepository, toStoredFile } from './files.repository.js';
import { UrlSigner } from './signed-urls.js';
import { StorageErrors } from './storage.errors.js';

const DEFAULT_LIMIT = 30;
const DEFAULT_URL_SECONDS = 3600;

/** Reading, listing, deleting and signing files under the bucket's rules. */
@Injectable()
export class FilesService {
  private readonly signer: UrlSigner;

  constructor(
    private readonly ds: DataSource,
    private readonly buckets: BucketsRepository,
    private readonly files: FilesRepository,
    private readonly registry: SchemaRegistry,
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {
    this.signer = new UrlSigner(config.secret);
  }

  async scope(principal: Principal, db: Executor = this.ds): Promise<FileScope> {
    return { auth: await authValuesFor(principal, db), now: new Date(), schemas: this.registry };
  }

  async bucket(name: string, db?: Executor): Promise<BucketRecord> {
    const bucket = await this.buckets.find(name, db);
    if (!bucket) throw StorageErrors.bucketNotFound(name);
    return bucket;
  }

  /** A file the caller may read, or 404 (missing, pending, or hidden by the read rule alike). */
  async readable(principal: Principal, bucketName: string, id: string): Promise<FileRow> {
    const bucket = await this.bucket(bucketName);
    if (!isUuid(id)) throw StorageErrors.fileNotFound();
    const access = fileAccess(principal, bucket, 'read');
    const params = new SqlParams(2);
    const where = accessSql(access, await this.scope(principal), params);
    const row = await this.files.findReady(bucket.name, id.toLowerCase(), where, params);
    if (!row) throw StorageErrors.fileNotFound();
    return row;
  }

  async get(principal: Principal, bucket: string, id: string): Promise<StoredFile> {
    return toStoredFile(await this.readable(principal, bucket, id));
  }

  /** The file a signed URL points at: the signature stands in for credentials and rules. */
  async bySignature(bucketName: string, id: string, expires: string | undefined, signature: string | undefined): Promise<FileRow> {
    const check = this.signer.verify(bucketName, id, expires, signature);
    if (check !== 'valid') throw StorageErrors.badSignature(check);
    const row = isUuid(id) ? await this.files.findReady(bucketName, id.toLowerCase()) : null;
    if (!row) throw StorageErrors.fileNotFound();
    return row;
  }

  async signedUrl(principal: Principal, bucket: string, id: string, expiresIn = DEFAULT_URL_SECONDS): Promise<SignedUrlResponse> {
    const file = await this.readable(principal, bucket, id);
    const expires = Math.floor(Date.now() / 1000) + expiresIn;
    const sig = this.signer.sign(file.bucket, file.id, expires);
    const path = `/api/storage/buckets/${encodeURIComponent(file.bucket)}/files/${file.id}/content`;
    const url = `${this.config.http.publicUrl.replace(/\/+$/, '')}${path}?expires=${sig.expires}&signature=${sig.signature}`;
    return { url, expiresAt: new Date(expires * 1000).toISOString() };
  }

  async list(principal: Principal, bucketName: string, q: ListFilesQueryDto): Promise<FileList> {
    const bucket = await this.bucket(bucketName);
    const access = fileAccess(principal, bucket, 'list');
    const scope = await this.scope(principal);
    const params = new SqlParams(1);
    const conditions = [accessSql(access, scope, params)];
    if (q.filter !== undefined && q.filter.trim() !== '') conditions.push(filterSql(q.filter, scope, params));
    const keys = compileSort(q.sort, filesContext(scope));
    if (q.cursor !== undefined) conditions.push(cursorCondition(keys, q.cursor, params, FILE_ALIAS));
    const limit = q.limit ?? DEFAULT_LIMIT;
    const rows = await this.files.page(bucket.name, conditions.join(' AND '), orderBySql(keys, FILE_ALIAS), params, limit + 1);
    const more = rows.length > limit;
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items: items.map(toStoredFile),
      limit,
      nextCursor: more && last ? encodeCursor(keys, last as unknown as Record<string, unknown>) : null,
    };
  }

  /**
   * Deletes the row now (the file is gone for every reader at once) and its blob through the
   * cleanup job. A file the caller may read but not delete is 403; one it may not read is 404.
   */
  async delete(principal: Principal, bucketName: string, id: string): Promise<void> {
    const bucket = await this.bucket(bucketName);
    if (!isUuid(id)) throw StorageErrors.fileNotFound();
    const fileId = id.toLowerCase();
    let access: FileAccess;
    try {
      access = fileAccess(principal, bucket, 'delete');
    } catch (e) {
      // A null delete rule hides nothing the read rule shows: a readable file answers 403.
      if (!(e instanceof AppError) || e.code !== 'not_found') throw e;
      await this.readable(principal, bucket.name, fileId);
      throw Errors.forbidden(`only admins may delete files in ${bucket.name}`);
    }
    const params = new SqlParams(2);
    const where = accessSql(access, await this.scope(principal), params);
    if (!(await this.files.deleteReady(bucket.name, fileId, where, params))) {
      await this.readable(principal, bucket.name, fileId);
      throw Errors.forbidden(`the delete rule of ${bucket.name} does not allow deleting this file`);
    }
    await this.queue.enqueue('storage.cleanup', { fileId, bucket: bucket.name }, { idempotencyKey: `storage.cleanup:${fileId}` });
  }
}
