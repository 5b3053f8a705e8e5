import type { Principal, StoredFile } from '@basalt/contracts';
import { Inject, Injectable } from '@nestjs/common';
import busboy, { type Busboy, type FileInfo } from 'busboy';
import type { FastifyReply } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { Errors } from '../../common/app-error.js';
import { uuidv7 } from '../../common/ids.js';
import { LOGGER } from '../../common/logger.js';
import { SqlParams } from '../../collections/query/filter-context.js';
import { BlobStore } from '../../infra/blobs/blob-store.port.js';
import type { BucketRecord } from '../buckets.repository.js';
import { accessSql, type FileAccess, fileAccess, type FileScope } from '../file-rules.js';
import { blobKeyOf, FilesRepository, toStoredFile } from '../files.repository.js';
import { FilesService } from '../files.service.js';
import { StorageErrors } from '../storage.errors.js';
import { bodyEnded } from './body-end.js';
import { ByteCounter, TooLargeError } from './byte-counter.js';
import { isTypeAllowed, sniffContentType, SNIFF_BYTES } from './sniff-type.js';
import { checkName, MAX_METADATA_BYTES, MAX_NAME_LENGTH, UploadForm } from './upload-form.js';

/** What was stored for the one file part, before the create rule has judged it. */
interface StoredBlob {
  id: string;
  key: string;
  size: number;
  etag: string;
}

/** One upload in progress: what must be undone if it fails. */
interface UploadState {
  /** Set once the pending row exists. */
  id?: string;
  key?: string;
  /** Stops the stream into the blob store. */
  abort?: (err: Error) => void;
  /** The blob store write, awaited before cleaning up so nothing lands after the cleanup. */
  writing?: Promise<unknown>;
}

/**
 * `POST /buckets/:bucket/files`: multipart parsed with busboy, the file part streamed to the blob
 * store (never held whole in memory) through a byte counter that cuts it off past the bucket's
 * limit. The type is sniffed from the first bytes before anything is stored. The row is inserted
 * `pending` before the first byte is written and marked `ready` once the bytes are stored and the
 * create rule accepts the file; any failure removes both, and the reconciler removes whatever a
 * crash leaves behind.
 */
@Injectable()
export class UploadFileService {
  constructor(
    private readonly files: FilesService,
    private readonly repo: FilesRepository,
    private readonly blobs: BlobStore,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  async upload(principal: Principal, bucketName: string, req: IncomingMessage, res: FastifyReply): Promise<StoredFile> {
    const bucket = await this.files.bucket(bucketName);
    const access = fileAccess(principal, bucket, 'create');
    if (!/^multipart\/form-data\s*;/i.test(req.headers['content-type'] ?? '')) throw StorageErrors.notMultipart();
    const scope = await this.files.scope(principal);
    const owner = principal.kind === 'user' && principal.id ? principal.id : null;
    const form = new UploadForm();
    const state: UploadState = {};
    let parser: Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        defParamCharset: 'utf8',
        limits: { files: 1, fields: 5, parts: 10, fieldNameSize: 100, fieldSize: Math.max(MAX_METADATA_BYTES, MAX_NAME_LENGTH * 4) + 1 },
      });
    } catch {
      throw Errors.validation({ body: 'is not valid multipart/form-data (missing boundary?)' });
    }
    try {
      const stored = await this.receive(req, parser, bucket, form, owner, state);
      return await this.finish(stored, bucket, access, scope, form);
    } catch (err) {
      // Stop parsing. What is left of the body is read and dropped before the answer goes out (for
      // LINGER_MS at most), so a client still sending gets the answer, not a reset connection; the
      // connection is not reused.
      req.unpipe(parser);
      let drained: Promise<void> | undefined;
      if (!req.complete) {
        res.header('Connection', 'close');
        drained = bodyEnded(req);
      }
      state.abort?.(err as Error);
      await state.writing?.catch(() => undefined);
      await this.discard(state);
      await drained;
      throw err instanceof TooLargeError ? StorageErrors.tooLarge(bucket.maxFileSize) : err;
    }
  }

  /** Parses the form; resolves once the file part is stored and every part has been read. */
  private receive(req: IncomingMessage, parser: Busboy, bucket: BucketRecord, form: UploadForm, owner: string | null, state: UploadState): Promise<StoredBlob> {
    return new Promise<StoredBlob>((resolve, reject) => {
      let stored: Promise<StoredBlob> | undefined;
      let failed = false;
      const fail = (err: unknown) => {
        if (failed) return;
        failed = true;
        reject(err);
      };
      parser.on('field', (name, value, info) => {
        try {
          form.field(name, value, info.valueTruncated || info.nameTruncated);
        } catch (err) {
          fail(err);
        }
      });
      parser.on('file', (name, stream, info) => {
        if (failed || name !== 'file' || stored) {
          stream.resume();
          fail(Errors.validation({ [name.slice(0, 100) || 'file']: name === 'file' ? 'only one file per upload' : 'is not a part of an upload (send file, name and metadata)' }));
          return;
        }
        stored = this.store(stream, info, bucket, form, owner, state);
        stored.catch(fail);
      });
      parser.on('close', () => {
        if (failed) return;
        if (!stored) return fail(Errors.validation({ file: 'is required (a multipart part named "file")' }));
        stored.then(resolve, fail);
      });
      parser.on('error', () => fail(Errors.validation({ body: 'is not valid multipart/form-data' })));
      parser.on('partsLimit', () => fail(Errors.validation({ body: 'has too many parts (file, name and metadata are all an upload takes)' })));
      parser.on('fieldsLimit', () => fail(Errors.validation({ body: 'has too many fields' })));
      parser.on('filesLimit', () => fail(Errors.validation({ file: 'only one file per upload' })));
      const gone = () => {
        if (!req.complete) fail(Errors.validation({ body: 'the upload was aborted before it ended' }));
      };
      req.once('aborted', gone).once('close', gone);
      req.pipe(parser);
    });
  }

  /** Sniffs, checks the type, inserts the pending row and streams the bytes to the blob store. */
  private async store(stream: Readable, info: FileInfo, bucket: BucketRecord, form: UploadForm, owner: string | null, state: UploadState): Promise<StoredBlob> {
    const { head, ended } = await peek(stream, SNIFF_BYTES);
    const contentType = sniffContentType(head, info.mimeType, ended);
    if (!isTypeAllowed(contentType, bucket.allowedTypes)) throw StorageErrors.typeRefused(contentType, bucket.allowedTypes);
    if (head.length > bucket.maxFileSize) throw new TooLargeError(bucket.maxFileSize);
    const name = form.name ?? (info.filename ? checkName(info.filename, 'file') : 'file');
    const id = uuidv7();
    const key = blobKeyOf(bucket.name, id);
    await this.repo.insertPending({ id, bucket: bucket.name, name, contentType, owner, metadata: form.metadata });
    state.id = id;
    state.key = key;
    const counter = new ByteCounter(bucket.maxFileSize);
    state.abort = (err) => counter.destroy(err);
    // The source failing (client gone, malformed form) must fail the write, not leave it waiting.
    stream.once('error', (err) => counter.destroy(err));
    counter.write(head);
    if (ended) counter.end();
    else stream.pipe(counter);
    const writing = this.blobs.put(key, counter, contentType);
    state.writing = writing;
    const { size } = await writing;
    return { id, key, size, etag: counter.digest() };
  }

  /** Records the final name, metadata, size and etag; marks the file ready if the create rule accepts it. */
  private async finish(stored: StoredBlob, bucket: BucketRecord, access: FileAccess, scope: FileScope, form: UploadForm): Promise<StoredFile> {
    await this.repo.complete(stored.id, { size: stored.size, etag: stored.etag, name: form.name ?? null, metadata: form.metadata });
    const params = new SqlParams(1);
    const rule = accessSql(access, scope, params);
    const row = await this.repo.markReady(stored.id, rule, params);
    if (!row) throw Errors.forbidden(`the create rule of ${bucket.name} does not allow this file`);
    return toStoredFile(row);
  }

  /** Removes what a failed upload stored: the blob, then the row (so a crash in between leaves a row the reconciler finds). */
  private async discard(state: UploadState): Promise<void> {
    if (!state.id || !state.key) return;
    try {
      await this.blobs.delete(state.key);
      await this.repo.deleteAny(state.id);
    } catch (err) {
      this.log.warn({ err, fileId: state.id }, 'could not remove a failed upload; the reconciler will');
    }
  }
}

/**
 * Reads from `stream` until `n` bytes or its end, then leaves it paused: the sniffer's look at the
 * first bytes. The bytes read are returned and must be passed on before the rest of the stream.
 */
function peek(stream: Readable, n: number): Promise<{ head: Buffer; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (ended: boolean) => {
      stream.off('data', onData).off('end', onEnd).off('error', onError);
      resolve({ head: Buffer.concat(chunks, length), ended });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= n) {
        stream.pause();
        done(false);
      }
    };
    const onEnd = () => done(true);
    const onError = (err: Error) => {
      stream.off('data', onData).off('end', onEnd);
      reject(err);
    };
    stream.on('data', onData).once('end', onEnd).once('error', onError);
  });
}
