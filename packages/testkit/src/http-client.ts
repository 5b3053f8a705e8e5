import type { ErrorEnvelope } from '@basalt/contracts';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  /** The raw text, for bodies that are not JSON. */
  text: string;
}

export interface RequestOptions {
  body?: unknown;
  /** Sent as-is (no JSON encoding), e.g. malformed JSON. */
  rawBody?: string | Uint8Array;
  token?: string;
  apiKey?: string;
  headers?: Record<string, string>;
}

/** A thin fetch wrapper for tests: JSON in, JSON (or text) out, never throws on HTTP errors. */
export function apiClient(baseUrl: string) {
  return async function request<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    let body: string | Uint8Array | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    if (opts.rawBody !== undefined) headers['content-type'] ??= 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
    const res = await fetch(baseUrl + path, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

export function errorOf(res: ApiResponse): ErrorEnvelope['error'] {
  return (res.body as ErrorEnvelope).error;
}
