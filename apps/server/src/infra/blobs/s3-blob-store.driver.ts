import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import { type BucketItem, Client } from 'minio';
import { assertBlobKey, assertBlobPrefix, assertByteRange, type BlobInfo, BlobNotFoundError, BlobStore, type ByteRange } from './blob-store.port.js';

export interface S3BlobStoreOptions {
  endPoint: string;
  port: number;
  useSSL: boolean;
  accessKey: string;
  secretKey: string;
  region: string;
  bucket: string;
  /**
   * Bytes buffered per multipart part (S3 minimum and default 5 MiB). A part is held in memory
   * per upload in flight; an object may have 10 000 parts (48 GiB at the default).
   */
  partSize?: number;
  /** How long ping() waits for the endpoint. Default 3000 ms. */
  pingTimeoutMs?: number;
}

export interface S3Endpoint {
  endPoint: string;
  port: number;
  useSSL: boolean;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;
const NOT_FOUND_CODES = new Set(['NoSuchKey', 'NotFound']);

/**
 * The scaled BlobStore: one bucket on S3 or MinIO through the `minio` client.
 *
 * Uploads of unknown size are split into parts here rather than by minio's putObject: given no
 * size, minio assumes 5 TiB, buffers ~528 MiB parts, and first lists the bucket's unfinished
 * uploads to resume one for the same key (which could be another writer's; S3 servers such as
 * s3rver do not implement that listing at all). A body that fits in one part is a single PUT.
 */
export class S3BlobStore extends BlobStore {
  private readonly client: Client;
  private readonly agent: HttpAgent;
  private readonly bucket: string;
  private readonly region: string;
  private readonly partSize: number;
  private readonly pingTimeoutMs: number;

  constructor(options: S3BlobStoreOptions) {
    super();
    this.bucket = options.bucket;
    this.region = options.region;
    this.partSize = options.partSize ?? MIN_PART_SIZE;
    this.pingTimeoutMs = options.pingTimeoutMs ?? 3000;
    if (this.partSize < MIN_PART_SIZE) throw new Error(`partSize must be at least ${MIN_PART_SIZE} bytes`);
    // Our own agent, so close() can drop its kept-alive sockets.
    this.agent = options.useSSL ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
      transportAgent: this.agent,
    });
  }

  /** Creates the bucket when it does not exist yet; called once at boot. */
  async ensureBucket(): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      await this.client.makeBucket(this.bucket, this.region);
    } catch (err) {
      // Another node may have created it meanwhile.
      if (await this.client.bucketExists(this.bucket).catch(() => false)) return;
      throw err;
    }
  }

  override async put(key: string, body: Readable, contentType = 'application/octet-stream'): Promise<BlobInfo> {
    assertBlobKey(key);
    const headers = { 'Content-Type': contentType };
    let uploadId: string | undefined;
    try {
      const etags: Array<{ part: number; etag: string }> = [];
      let size = 0;
      for await (const { data, last } of splitIntoParts(body, this.partSize)) {
        if (uploadId === undefined && last) {
          await this.client.putObject(this.bucket, key, data, data.length, headers);
          return { key, size: data.length };
        }
        uploadId ??= await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
        const part = etags.length + 1;
        const { etag } = await this.client.uploadPart({ bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: {} }, data);
        etags.push({ part, etag });
        size += data.length;
      }
      if (uploadId === undefined) throw new Error('unreachable: the last part was never seen');
      await this.client.completeMultipartUpload(this.bucket, key, uploadId, etags);
      return { key, size };
    } catch (err) {
      // An unfinished upload is invisible under the key; aborting only frees its parts early,
      // and some S3 servers (s3rver) do not implement it, so its failure is not the error.
      if (uploadId !== undefined) await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      throw err;
    }
  }

  override async get(key: string, range?: ByteRange): Promise<Readable> {
    assertBlobKey(key);
    if (range) assertByteRange(range);
    try {
      return range
        ? await this.client.getPartialObject(this.bucket, key, range.start, range.end - range.start + 1)
        : await this.client.getObject(this.bucket, key);
    } catch (err) {
      if (isNotFound(err)) throw new BlobNotFoundError(key);
      throw err;
    }
  }

  override async stat(key: string): Promise<BlobInfo | null> {
    assertBlobKey(key);
    try {
      const { size } = await this.client.statObject(this.bucket, key);
      return { key, size };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  override async delete(key: string): Promise<void> {
    assertBlobKey(key);
    try {
      await this.client.removeObject(this.bucket, key);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  override async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertBlobPrefix(prefix);
    // minio types the stream as a plain ReadableStream; its items are BucketItems.
    const items = this.client.listObjectsV2(this.bucket, prefix, true) as AsyncIterable<BucketItem>;
    for await (const item of items) {
      if (item.name !== undefined) yield { key: item.name, size: item.size };
    }
  }

  override async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`S3 did not answer within ${this.pingTimeoutMs} ms`)), this.pingTimeoutMs);
    });
    try {
      if (!(await Promise.race([this.client.bucketExists(this.bucket), timeout]))) {
        throw new Error(`S3 bucket ${this.bucket} does not exist`);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  override async close(): Promise<void> {
    this.agent.destroy();
  }
}

/** Reads an S3 endpoint given as a URL (`http://127.0.0.1:9000`) into minio's client options. */
export function parseS3Endpoint(url: string): S3Endpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('invalid S3 endpoint: expected a URL like http://host:port');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`invalid S3 endpoint: the scheme must be http or https, not ${parsed.protocol.slice(0, -1)}`);
  }
  // minio takes host and port only; a path, query or credentials here would be silently dropped.
  if (parsed.pathname !== '/' || parsed.search !== '' || parsed.hash !== '' || parsed.username !== '' || parsed.password !== '') {
    throw new Error('invalid S3 endpoint: expected scheme://host[:port] without path, query or credentials');
  }
  const useSSL = parsed.protocol === 'https:';
  return {
    endPoint: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? (useSSL ? 443 : 80) : Number(parsed.port),
    useSSL,
  };
}

/**
 * Cuts a stream into `partSize` buffers. One part more than needed is read ahead, so the last
 * part is known to be the last when it is handed out (a body of one part needs no multipart).
 * Chunks are copied into one preallocated buffer per part, so a part costs its size once (not a
 * list of chunks plus a concatenated copy of them). Pages of the buffer a small body never
 * touches are never made resident.
 */
async function* splitIntoParts(body: Readable, partSize: number): AsyncGenerator<{ data: Buffer; last: boolean }> {
  let part: Buffer | null = null;
  let filled = 0;
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    while (data.length > 0) {
      if (part !== null && filled === partSize) {
        // A byte beyond a full part exists, so the full part is not the last.
        yield { data: part, last: false };
        part = null;
        filled = 0;
      }
      part ??= Buffer.allocUnsafe(partSize);
      const n = Math.min(data.length, partSize - filled);
      data.copy(part, filled, 0, n);
      filled += n;
      data = data.subarray(n);
    }
  }
  yield { data: part === null ? Buffer.alloc(0) : part.subarray(0, filled), last: true };
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && NOT_FOUND_CODES.has(code);
}
