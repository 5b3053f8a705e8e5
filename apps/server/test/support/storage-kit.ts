import type { Bucket, BucketStats, CreateBucketRequest, FileList, StoredFile } from '@basalt/contracts';
import type { ApiResponse } from '@basalt/testkit';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'minio';
import { type As, AuthKit } from './auth-kit.js';

export interface UploadOptions {
  /** The multipart filename of the file part. */
  filename?: string;
  /** The declared type of the file part. */
  type?: string;
  /** The `name` field (sent before the file). */
  name?: string;
  metadata?: unknown;
}

let counter = 0;

/** A bucket name no other test uses. */
export function bucketName(prefix = 'b'): string {
  counter += 1;
  return `${prefix}-${counter}-${randomBytes(3).toString('hex')}`;
}

/** The first bytes of a real PNG (signature + IHDR), padded with `extra` bytes. */
export function pngBytes(extra = 64): Buffer {
  const header = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
  return Buffer.concat([header, randomBytes(extra)]);
}

/**
 * A booted server (AuthKit: admin token, sign-ups) plus storage helpers, including direct access
 * to the blob store the server uses: its data dir's storage folder (embedded) or its S3 bucket
 * through the minio client (scaled), so tests can plant and look for blobs behind the API's back.
 */
export class StorageKit {
  private readonly s3: Client | null;

  private constructor(readonly auth: AuthKit) {
    const env = auth.basalt.env;
    if (env.BASALT_S3_ENDPOINT) {
      const url = new URL(env.BASALT_S3_ENDPOINT);
      this.s3 = new Client({
        endPoint: url.hostname,
        port: Number(url.port),
        useSSL: false,
        accessKey: env.BASALT_S3_ACCESS_KEY!,
        secretKey: env.BASALT_S3_SECRET_KEY!,
        region: 'us-east-1',
      });
    } else {
      this.s3 = null;
    }
  }

  static async start(env: Record<string, string> = {}): Promise<StorageKit> {
    return new StorageKit(await AuthKit.start({ env }));
  }

  async stop(): Promise<void> {
    await this.auth.stop();
  }

  get url(): string {
    return this.auth.basalt.url;
  }

  get asAdmin(): As {
    return this.auth.asAdmin;
  }

  req<T = unknown>(method: string, path: string, as: As = {}, body?: unknown): Promise<ApiResponse<T>> {
    return this.auth.req<T>(method, path, as, body);
  }

  /** Creates a bucket as admin (unique name unless given); fails loudly if refused. */
  async bucket(spec: Partial<CreateBucketRequest> = {}): Promise<Bucket> {
    const res = await this.req<Bucket>('POST', '/api/storage/buckets', this.asAdmin, { name: bucketName(), ...spec });
    if (res.status !== 201) throw new Error(`could not create bucket: ${res.status} ${res.text}`);
    return res.body;
  }

  async stats(bucket: string): Promise<BucketStats> {
    const res = await this.req<BucketStats>('GET', `/api/storage/buckets/${bucket}/stats`, this.asAdmin);
    if (res.status !== 200) throw new Error(`could not read bucket stats: ${res.status} ${res.text}`);
    return res.body;
  }

  /** A multipart upload through fetch's FormData; never throws on HTTP errors. */
  async upload(bucket: string, bytes: Uint8Array, as: As = {}, opts: UploadOptions = {}): Promise<ApiResponse<StoredFile>> {
    const form = new FormData();
    if (opts.name !== undefined) form.append('name', opts.name);
    if (opts.metadata !== undefined) form.append('metadata', typeof opts.metadata === 'string' ? opts.metadata : JSON.stringify(opts.metadata));
    form.append('file', new Blob([bytes], { type: opts.type ?? 'application/octet-stream' }), opts.filename ?? 'upload.bin');
    return this.send(`/api/storage/buckets/${bucket}/files`, form, as);
  }

  /** Posts any body (FormData or raw bytes with headers) to a path. */
  async send(path: string, body: FormData | Uint8Array | string, as: As = {}, headers: Record<string, string> = {}): Promise<ApiResponse<StoredFile>> {
    const h: Record<string, string> = { ...headers };
    if (as.token) h.authorization = `Bearer ${as.token}`;
    if (as.apiKey) h['x-api-key'] = as.apiKey;
    const res = await fetch(this.url + path, { method: 'POST', headers: h, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: parsed as StoredFile, text };
  }

  async uploadOk(bucket: string, bytes: Uint8Array, as: As = this.asAdmin, opts: UploadOptions = {}): Promise<StoredFile> {
    const res = await this.upload(bucket, bytes, as, opts);
    if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${res.text}`);
    return res.body;
  }

  /** GET of a file's content (or any URL) as raw bytes. */
  async download(pathOrUrl: string, as: As = {}, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const h: Record<string, string> = { ...headers };
    if (as.token) h.authorization = `Bearer ${as.token}`;
    if (as.apiKey) h['x-api-key'] = as.apiKey;
    const res = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : this.url + pathOrUrl, { headers: h });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  }

  contentPath(file: { bucket: string; id: string }): string {
    return `/api/storage/buckets/${file.bucket}/files/${file.id}/content`;
  }

  async list(bucket: string, as: As, query = ''): Promise<ApiResponse<FileList>> {
    return this.req<FileList>('GET', `/api/storage/buckets/${bucket}/files${query}`, as);
  }

  /** Every key in the server's blob store under `prefix`, read directly from the store (embedded: `.tmp/` holds writes in progress). */
  async blobKeys(prefix: string): Promise<string[]> {
    if (this.s3) {
      const keys: string[] = [];
      const stream = this.s3.listObjectsV2(this.auth.basalt.env.BASALT_S3_BUCKET!, prefix, true);
      for await (const item of stream as AsyncIterable<{ name?: string }>) if (item.name) keys.push(item.name);
      return keys;
    }
    const root = join(this.auth.basalt.env.BASALT_DATA_DIR!, 'storage');
    return walk(root, '').filter((key) => key.startsWith(prefix));
  }

  /** Writes a blob straight into the store, with no row: what a crash between the two would leave. */
  async plantBlob(key: string, bytes: Buffer): Promise<void> {
    if (this.s3) {
      await this.s3.putObject(this.auth.basalt.env.BASALT_S3_BUCKET!, key, bytes, bytes.length);
      return;
    }
    const path = join(this.auth.basalt.env.BASALT_DATA_DIR!, 'storage', key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }

  /** The server process's resident set size in bytes, from /proc. */
  rss(): number {
    const pid = this.auth.basalt.pid;
    if (!pid) throw new Error('the server is not running');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    if (!match) throw new Error('no VmRSS in /proc status');
    return Number(match[1]) * 1024;
  }
}

function walk(dir: string, prefix: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const key = prefix + e.name;
    return e.isDirectory() ? walk(join(dir, e.name), `${key}/`) : [key];
  });
}

