/** Bytes an upload can come from. A Node Buffer is a Uint8Array. */
export type UploadData = Blob | Uint8Array | ArrayBuffer | ReadableStream<Uint8Array>;

export interface UploadProgress {
  /** File bytes handed to the network so far. */
  loaded: number;
  /** The file's size, when known (not for a stream without `size`). */
  total?: number;
}

export interface MultipartFile {
  data: UploadData;
  name: string;
  contentType: string;
  fields: Record<string, string>;
}

const CHUNK = 64 * 1024;
const encoder = new TextEncoder();

/**
 * multipart/form-data framed by hand, so the body can be a stream whose reads we count (progress in
 * runtimes without XMLHttpRequest). Text fields come first, the file last: the server can then check
 * name and metadata before it streams the bytes.
 */
export class MultipartBody {
  readonly boundary = `----basalt${randomHex(12)}`;
  readonly head: Uint8Array;
  readonly tail: Uint8Array;

  constructor(private readonly file: MultipartFile) {
    let head = '';
    for (const [name, value] of Object.entries(file.fields)) {
      head += `--${this.boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;
    }
    head += `--${this.boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(file.name)}"\r\nContent-Type: ${file.contentType}\r\n\r\n`;
    this.head = encoder.encode(head);
    this.tail = encoder.encode(`\r\n--${this.boundary}--\r\n`);
  }

  get contentType(): string {
    return `multipart/form-data; boundary=${this.boundary}`;
  }

  /** The file's byte count when the input tells it. */
  get fileSize(): number | undefined {
    const d = this.file.data;
    if (d instanceof Uint8Array) return d.byteLength;
    if (d instanceof ArrayBuffer) return d.byteLength;
    if (typeof Blob !== 'undefined' && d instanceof Blob) return d.size;
    return undefined;
  }

  /** The whole body as one Blob (inputs that are not streams): fetch and XHR send it with a Content-Length. */
  toBlob(): Blob {
    const d = this.file.data;
    if (isStream(d)) throw new TypeError('a stream cannot become a Blob');
    return new Blob([this.head as BlobPart, d as BlobPart, this.tail as BlobPart]);
  }

  /** A stream over the body that reports how many file bytes have been read from it. */
  toStream(onProgress?: (p: UploadProgress) => void, totalHint?: number): ReadableStream<Uint8Array> {
    const total = this.fileSize ?? totalHint;
    const chunks = fileChunks(this.file.data);
    let stage: 'head' | 'file' | 'tail' | 'done' = 'head';
    let loaded = 0;
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (stage === 'head') {
          stage = 'file';
          controller.enqueue(this.head);
          return;
        }
        if (stage === 'file') {
          const next = await chunks.next();
          if (!next.done) {
            loaded += next.value.byteLength;
            controller.enqueue(next.value);
            onProgress?.({ loaded, total });
            return;
          }
          stage = 'tail';
        }
        if (stage === 'tail') {
          stage = 'done';
          controller.enqueue(this.tail);
          return;
        }
        controller.close();
      },
      cancel: async () => {
        await chunks.return?.(undefined);
      },
    });
  }
}

async function* fileChunks(data: UploadData): AsyncGenerator<Uint8Array, void, undefined> {
  if (isStream(data)) {
    const reader = data.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield* slices(value);
      }
    } finally {
      reader.releaseLock();
    }
  }
  if (data instanceof ArrayBuffer) return yield* slices(new Uint8Array(data));
  if (data instanceof Uint8Array) return yield* slices(data);
  for (let at = 0; at < data.size; at += CHUNK) yield new Uint8Array(await data.slice(at, at + CHUNK).arrayBuffer());
}

function* slices(bytes: Uint8Array): Generator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += CHUNK) yield bytes.subarray(at, Math.min(at + CHUNK, bytes.byteLength));
}

export function isStream(d: unknown): d is ReadableStream<Uint8Array> {
  return typeof (d as ReadableStream | undefined)?.getReader === 'function';
}

/** What browsers do with a name in a Content-Disposition: escape quotes, drop line breaks. */
function quote(name: string): string {
  return name.replace(/\r\n|\r|\n/g, ' ').replace(/"/g, '%22');
}

function randomHex(bytes: number): string {
  const b = new Uint8Array(bytes);
  if (globalThis.crypto?.getRandomValues) globalThis.crypto.getRandomValues(b);
  else for (let i = 0; i < bytes; i++) b[i] = Math.floor(Math.random() * 256);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
