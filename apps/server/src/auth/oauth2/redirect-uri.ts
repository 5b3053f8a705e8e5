import { Errors } from '../../common/app-error.js';

const MAX_LENGTH = 2000;
/** Schemes a browser would run or read locally instead of handing to an app. */
const REFUSED_SCHEMES = new Set(['javascript', 'data', 'file', 'vbscript', 'blob', 'about']);
const DEV_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Where the callback may send the browser with a sign-in code. To keep the callback from being an
 * open redirect, only these are accepted:
 * - an http(s) URL on the same origin as BASALT_PUBLIC_URL (a web app served next to the API);
 * - `http://localhost`, `http://127.0.0.1` or `http://[::1]` on any port (development, native apps' loopback redirect);
 * - an app's own scheme (`myapp://callback`, `com.example.app:/oauth`): any scheme but http, https,
 *   javascript, data, file, vbscript, blob and about.
 * Returns the normalized URI; throws `validation_failed` otherwise.
 */
export function checkRedirectUri(value: unknown, publicUrl: string): string {
  if (typeof value !== 'string' || value.length === 0) throw Errors.validation({ redirectUri: 'is required' });
  if (value.length > MAX_LENGTH) throw Errors.validation({ redirectUri: `must be at most ${MAX_LENGTH} characters` });
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw Errors.validation({ redirectUri: 'must be an absolute URL' });
  }
  if (url.hash) throw Errors.validation({ redirectUri: 'must not contain a fragment' });
  if (url.username || url.password) throw Errors.validation({ redirectUri: 'must not contain credentials' });
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    if (url.origin === new URL(publicUrl).origin) return url.href;
    if (scheme === 'http' && DEV_HOSTS.has(url.hostname)) return url.href;
    throw Errors.validation({ redirectUri: 'must be on the origin of BASALT_PUBLIC_URL, http://localhost, or an app scheme' });
  }
  if (REFUSED_SCHEMES.has(scheme)) throw Errors.validation({ redirectUri: `must not use the ${scheme}: scheme` });
  return url.href;
}

/** Adds query parameters to a redirect URI, keeping its own query as it was sent. */
export function withParams(uri: string, params: Record<string, string>): string {
  const query = new URLSearchParams(params).toString();
  const separator = !uri.includes('?') ? '?' : uri.endsWith('?') || uri.endsWith('&') ? '' : '&';
  return `${uri}${separator}${query}`;
}
