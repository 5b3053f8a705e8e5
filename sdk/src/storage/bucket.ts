import type { FileList, SignedUrlResponse, StoredFile } from '@basalt/contracts';
import type { Http, QueryValue } from '../http';
import { isStream, MultipartBody, type UploadData, type UploadProgress } from './multipart';
import { xhrConstructor, xhrTransport } from './xhr-transport';

export interface UploadOptions {
  /** The file name (defaults to File.name, else "file"). */
  name?: string;
  metadata?: Record<string, unknown>;
  /** Called as bytes go out: XMLHttpRequest upload events in browsers, a counting stream elsewhere. */
  onProgress?: (progress: UploadProgress) => void;
  /** A hint only: the server sniffs the real type from the bytes. */
  contentType?: string;
  /** The byte count of a stream input, for `total` in progress events. */
  size?: number;
  signal?: AbortSignal;
}

export interface FileListOptions {
  filter?: string;
  sort?: string;
  limit?: number;
  cursor?: string;
  signal?: AbortSignal;
}

/** `basalt.storage.bucket(name)`: files of one bucket. */
export class BucketClient {
  private readonly path: string;

  constructor(
    private readonly http: Http,
    readonly name: string,
  ) {
    this.path = `/api/storage/buckets/${encodeURIComponent(name)}/files`;
  }

  async upload(data: UploadData, opts: UploadOptions = {}): Promise<StoredFile> {
    const fileName = opts.name ?? (data as { name?: unknown }).name;
    const fields: Record<string, string> = {};
    if (opts.name !== undefined) fields.name = opts.name;
    if (opts.metadata !== undefined) fields.metadata = JSON.stringify(opts.metadata);
    const body = new MultipartBody({
      data,
      name: typeof fileName === 'string' && fileName ? fileName : 'file',
      contentType: opts.contentType ?? ((data as { type?: string }).type || 'application/octet-stream'),
      fields,
    });
    const Xhr = xhrConstructor();
    const viaXhr = opts.onProgress && Xhr && !isStream(data);
    let used = false;
    const { data: file } = await this.http.request<StoredFile>(this.path, {
      method: 'POST',
      signal: opts.signal,
      transport: viaXhr ? xhrTransport(Xhr, opts.onProgress!, body.head.byteLength, body.fileSize ?? 0) : undefined,
      rawBody: () => {
        // A caller's stream can be read once: a retry after a 401 would send nothing, so it is refused.
        if (used && isStream(data)) throw new TypeError('a stream upload cannot be retried');
        used = true;
        if (viaXhr || (!opts.onProgress && !isStream(data))) return { body: body.toBlob(), contentType: body.contentType };
        return { body: body.toStream(opts.onProgress, opts.size), contentType: body.contentType, duplex: true };
      },
    });
    return file;
  }

  async get(id: string, opts: { signal?: AbortSignal } = {}): Promise<StoredFile> {
    return (await this.http.request<StoredFile>(`${this.path}/${encodeURIComponent(id)}`, { signal: opts.signal })).data;
  }

  async list(opts: FileListOptions = {}): Promise<FileList> {
    const { signal, ...query } = opts;
    return (await this.http.request<FileList>(this.path, { query: query as Record<string, QueryValue>, signal })).data;
  }

  /** The content as a Blob. `range` is a byte range like `{ start: 0, end: 99 }` (inclusive). */
  async download(id: string, opts: { range?: { start: number; end?: number }; signal?: AbortSignal } = {}): Promise<Blob> {
    const res = await this.response(id, opts);
    return res.blob();
  }

  /** The content as a stream, for large files. */
  async stream(id: string, opts: { range?: { start: number; end?: number }; signal?: AbortSignal } = {}): Promise<ReadableStream<Uint8Array>> {
    const res = await this.response(id, opts);
    if (!res.body) throw new TypeError('the response has no body');
    return res.body;
  }

  /** A URL that works without credentials until it expires. */
  async signedUrl(id: string, opts: { expiresIn?: number; signal?: AbortSignal } = {}): Promise<SignedUrlResponse> {
    const body = opts.expiresIn === undefined ? {} : { expiresIn: opts.expiresIn };
    return (await this.http.request<SignedUrlResponse>(`${this.path}/${encodeURIComponent(id)}/url`, { method: 'POST', body, signal: opts.signal })).data;
  }

  /** The plain content URL (works without credentials only for public buckets). */
  contentUrl(id: string): string {
    return this.http.url(`${this.path}/${encodeURIComponent(id)}/content`);
  }

  async delete(id: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    await this.http.request(`${this.path}/${encodeURIComponent(id)}`, { method: 'DELETE', signal: opts.signal });
  }

  private async response(id: string, opts: { range?: { start: number; end?: number }; signal?: AbortSignal }): Promise<Response> {
    const headers: Record<string, string> = { accept: '*/*' };
    if (opts.range) headers.range = `bytes=${opts.range.start}-${opts.range.end ?? ''}`;
    const { data } = await this.http.request<Response>(`${this.path}/${encodeURIComponent(id)}/content`, { headers, signal: opts.signal, as: 'response' });
    return data;
  }
}

export type { UploadData, UploadProgress };
