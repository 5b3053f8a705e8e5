const TIMEOUT_MS = 10_000;
const MAX_BODY_BYTES = 1024 * 1024;

/** A provider did not answer, answered too slowly, or not with what was asked. Messages name the URL's origin and path only. */
export class ProviderHttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** The parsed JSON error body, if any (`{error, error_description}` for OAuth2 endpoints). */
    readonly body?: Record<string, unknown>,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ProviderHttpError';
  }
}

export interface ProviderRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  form?: Record<string, string>;
  /** Whether to follow redirects: only for public documents (discovery, JWKS), never where credentials are sent. */
  followRedirects?: boolean;
}

/**
 * One JSON request to an identity provider through the global fetch, with a 10 s timeout and a body
 * limit. Resolves with the parsed body of a 2xx answer; anything else throws ProviderHttpError.
 */
export async function providerJson(url: string, req: ProviderRequest = {}): Promise<Record<string, unknown> | unknown[]> {
  const where = describe(url);
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'Basalt', ...req.headers };
  let body: string | undefined;
  if (req.form) {
    body = new URLSearchParams(req.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  let res: Response;
  try {
    res = await fetch(url, { method: req.method ?? 'GET', headers, body, redirect: req.followRedirects ? 'follow' : 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (e) {
    const timedOut = (e as Error)?.name === 'TimeoutError';
    throw new ProviderHttpError(timedOut ? `${where} did not answer within ${TIMEOUT_MS / 1000} s` : `${where} could not be reached`, undefined, undefined, { cause: e });
  }
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) throw new ProviderHttpError(`${where} answered with a body that is too large`, res.status);
  const text = Buffer.from(await res.arrayBuffer());
  if (text.length > MAX_BODY_BYTES) throw new ProviderHttpError(`${where} answered with a body that is too large`, res.status);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const object = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  if (res.status < 200 || res.status >= 300) throw new ProviderHttpError(`${where} answered ${res.status}`, res.status, object);
  if (object) return object;
  if (Array.isArray(parsed)) return parsed;
  throw new ProviderHttpError(`${where} did not answer with JSON`, res.status);
}

/** A provider answer that must be a JSON object. */
export async function providerObject(url: string, req: ProviderRequest = {}): Promise<Record<string, unknown>> {
  const body = await providerJson(url, req);
  if (Array.isArray(body)) throw new ProviderHttpError(`${describe(url)} did not answer with a JSON object`);
  return body;
}

/** Origin and path, never the query (it may hold a code or token). */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'the provider';
  }
}
