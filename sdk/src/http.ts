import type { ErrorEnvelope } from '@basalt/contracts';
import { BasaltError, transportError } from './errors';

export type FetchLike = (input: string, init?: RequestInit & { duplex?: 'half' }) => Promise<Response>;

/** Whose credentials a request carries: the signed-in user's, the admin's, or none (sign-in routes). */
export type CredentialKind = 'user' | 'admin' | 'none';

export type QueryValue = string | number | boolean | null | undefined | readonly string[];

export interface RequestOptions {
  method?: string;
  query?: Record<string, QueryValue>;
  /** JSON-encoded. */
  body?: unknown;
  /** A body that is not JSON; a function so that a retry after a refresh can build it again. */
  rawBody?: () => { body: BodyInit; contentType?: string; duplex?: boolean };
  headers?: Record<string, string>;
  signal?: AbortSignal;
  auth?: CredentialKind;
  /** `json` (default) parses the body; `response` hands back the Response unread (downloads). */
  as?: 'json' | 'response';
  /** Sends instead of fetch (uploads through XMLHttpRequest for progress events). */
  transport?: FetchLike;
}

export interface HttpResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

/** How the client finds credentials; `renew` is asked after a 401 and says whether a retry is worth it. */
export interface Credentials {
  headers(kind: CredentialKind): Promise<{ headers: Record<string, string>; token?: string }>;
  renew(kind: CredentialKind, failedToken: string): Promise<boolean>;
}

/** The one request function every resource goes through: URL building, credentials, errors. */
export class Http {
  constructor(
    readonly baseUrl: string,
    private readonly fetchImpl: () => FetchLike,
    private readonly credentials: Credentials,
  ) {}

  url(path: string, query?: Record<string, QueryValue>): string {
    return this.baseUrl + path + queryString(query);
  }

  async request<T>(path: string, opts: RequestOptions = {}): Promise<HttpResponse<T>> {
    const kind = opts.auth ?? 'user';
    const first = await this.credentials.headers(kind);
    let res = await this.send(path, opts, first.headers);
    if (res.status === 401 && first.token && (await this.credentials.renew(kind, first.token))) {
      await drain(res);
      res = await this.send(path, opts, (await this.credentials.headers(kind)).headers);
    }
    if (!res.ok) throw await errorFrom(res);
    if (opts.as === 'response') return { data: res as unknown as T, status: res.status, headers: res.headers };
    return { data: (await readJson(res, opts.signal)) as T, status: res.status, headers: res.headers };
  }

  private async send(path: string, opts: RequestOptions, auth: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...auth, ...opts.headers };
    const init: RequestInit & { duplex?: 'half' } = { method: opts.method ?? 'GET', headers, signal: opts.signal };
    if (opts.rawBody) {
      const raw = opts.rawBody();
      init.body = raw.body;
      if (raw.contentType) headers['content-type'] = raw.contentType;
      if (raw.duplex) init.duplex = 'half';
    } else if (opts.body !== undefined) {
      init.body = JSON.stringify(opts.body);
      headers['content-type'] = 'application/json';
    }
    try {
      return await (opts.transport ?? this.fetchImpl())(this.url(path, opts.query), init);
    } catch (e) {
      throw transportError(e, opts.signal);
    }
  }
}

export function queryString(query?: Record<string, QueryValue>): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function readJson(res: Response, signal?: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    throw transportError(e, signal);
  }
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new BasaltError(res.status, 'invalid_response', `the server answered ${res.status} with a body that is not JSON`);
  }
}

/** The server's error envelope, or a BasaltError built from the status when something else answered (a proxy). */
export async function errorFrom(res: Response): Promise<BasaltError> {
  const requestId = res.headers.get('x-request-id') ?? undefined;
  const text = await res.text().catch(() => '');
  try {
    const envelope = JSON.parse(text) as ErrorEnvelope;
    if (envelope?.error?.code) return BasaltError.fromBody(envelope.error, res.status, requestId);
  } catch {
    // not the envelope
  }
  return new BasaltError(res.status, codeForStatus(res.status), text.slice(0, 200) || `HTTP ${res.status}`, undefined, requestId);
}

function codeForStatus(status: number): BasaltError['code'] {
  const codes: Record<number, BasaltError['code']> = { 400: 'validation_failed', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'rate_limited', 503: 'service_unavailable' };
  return codes[status] ?? (status >= 500 ? 'internal' : 'invalid_response');
}

async function drain(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}
