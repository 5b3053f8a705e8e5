import type { FetchLike } from '../http';
import type { UploadProgress } from './multipart';

interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  getAllResponseHeaders(): string;
  send(body: unknown): void;
  abort(): void;
  status: number;
  responseText: string;
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

/**
 * A fetch-shaped sender over XMLHttpRequest: browsers report upload progress only there.
 * `headBytes` (the multipart framing before the file) is subtracted so progress counts file bytes.
 */
export function xhrTransport(Xhr: new () => XhrLike, onProgress: (p: UploadProgress) => void, headBytes: number, fileSize: number): FetchLike {
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const xhr = new Xhr();
      xhr.open(init.method ?? 'GET', url);
      for (const [name, value] of Object.entries((init.headers ?? {}) as Record<string, string>)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => onProgress({ loaded: Math.max(0, Math.min(fileSize, e.loaded - headBytes)), total: fileSize });
      xhr.onload = () => {
        const headers = new Headers();
        for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
          const at = line.indexOf(':');
          if (at > 0) headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
        }
        const empty = xhr.status === 204 || xhr.status === 304 || !xhr.responseText;
        resolve(new Response(empty ? null : xhr.responseText, { status: xhr.status, headers }));
      };
      xhr.onerror = () => reject(new TypeError('XMLHttpRequest failed'));
      xhr.onabort = () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      init.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(init.body);
    });
}

export function xhrConstructor(): (new () => XhrLike) | undefined {
  return (globalThis as { XMLHttpRequest?: new () => XhrLike }).XMLHttpRequest;
}
