import type { ErrorCode, ErrorEnvelope } from '@basalt/contracts';

const TOKEN_KEY = 'basalt.adminToken';

/** Every failed call, from the server's error envelope or from the network, arrives as this. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'network_error' | 'unknown',
    message: string,
    readonly details: Record<string, string> = {},
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();

/** Called when the server rejects the stored admin token; the app signs out. */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Non-2xx statuses whose body is a normal answer, e.g. 503 from the readiness check. */
  okStatuses?: number[];
  /** Extra request headers, e.g. If-Match for a conditional record update. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** The one way the dashboard talks to the server. Resolves with the parsed JSON body (undefined when empty). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  return (await send<T>(method, path, options)).body;
}

/** Like `request`, also returning the response's ETag (records send one, for If-Match on the next write). */
export async function requestWithEtag<T>(method: string, path: string, options: RequestOptions = {}): Promise<{ body: T; etag: string | null }> {
  const { body, response } = await send<T>(method, path, options);
  return { body, etag: response.headers.get('ETag') };
}

async function send<T>(method: string, path: string, options: RequestOptions): Promise<{ body: T; response: Response }> {
  const token = getToken();
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (token) headers.Authorization = `Bearer ${token}`;
  // A FormData body (a file upload) sets its own multipart Content-Type with the boundary.
  const multipart = options.body instanceof FormData;
  if (options.body !== undefined && !multipart) headers['Content-Type'] = 'application/json';

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      body: options.body === undefined ? undefined : multipart ? (options.body as FormData) : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network_error', 'Could not reach the server. Is it running?');
  }

  const body = await readJson(response);
  if (response.ok || options.okStatuses?.includes(response.status)) return { body: body as T, response };

  const error = toApiError(response, body);
  if (error.status === 401 && token) {
    setToken(null);
    unauthorizedListeners.forEach((listener) => listener());
  }
  throw error;
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  const requestId = response.headers.get('X-Request-Id') ?? undefined;
  if (isEnvelope(body)) {
    const e = body.error;
    return new ApiError(e.status ?? response.status, e.code, e.message, e.details ?? {}, e.requestId ?? requestId);
  }
  const message = `The server answered ${response.status} ${response.statusText}`.trim();
  return new ApiError(response.status, response.status === 401 ? 'unauthorized' : 'unknown', message, {}, requestId);
}

function isEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = (body as { error: unknown }).error;
  return typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string';
}

/** A readable message for anything a page catches. */
export function toApiErrorLike(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError(0, 'unknown', e instanceof Error ? e.message : String(e));
}
