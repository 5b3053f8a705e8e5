import { request } from 'node:http';

/**
 * A minimal XMLHttpRequest over node:http, enough for the SDK's browser upload path: it writes the
 * body in pieces and fires `upload.onprogress` as each is flushed, as browsers do.
 */
export class FakeXMLHttpRequest {
  static created = 0;
  status = 0;
  responseText = '';
  upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  private method = 'GET';
  private url = '';
  private readonly headers: Record<string, string> = {};
  private responseHeaders = '';

  constructor() {
    FakeXMLHttpRequest.created += 1;
  }

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  getAllResponseHeaders(): string {
    return this.responseHeaders;
  }

  abort(): void {
    this.onabort?.();
  }

  send(body: Blob): void {
    void (async () => {
      const bytes = Buffer.from(await body.arrayBuffer());
      const req = request(this.url, { method: this.method, headers: { ...this.headers, 'content-length': String(bytes.length) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          this.status = res.statusCode ?? 0;
          this.responseText = Buffer.concat(chunks).toString('utf8');
          this.responseHeaders = Object.entries(res.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join('\r\n');
          this.onload?.();
        });
      });
      req.on('error', () => this.onerror?.());
      const piece = 32 * 1024;
      for (let at = 0; at < bytes.length; at += piece) {
        const end = Math.min(at + piece, bytes.length);
        await new Promise<void>((resolve) => req.write(bytes.subarray(at, end), () => resolve()));
        this.upload.onprogress?.({ loaded: end, total: bytes.length, lengthComputable: true });
      }
      req.end();
    })();
  }
}
