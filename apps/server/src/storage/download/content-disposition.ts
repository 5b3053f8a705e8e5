/**
 * A `Content-Disposition` value (RFC 6266) for a stored name, which may hold any character: an
 * ASCII `filename` fallback with quotes, backslashes and non-ASCII replaced, and the exact name in
 * `filename*` (RFC 8187/5987: UTF-8, percent-encoded). The name never becomes a path anywhere.
 */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const fallback = [...name].map((c) => (c >= ' ' && c <= '~' && c !== '"' && c !== '\\' && c !== '%' ? c : '_')).join('') || 'file';
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeRfc8187(name)}`;
}

/** attr-char of RFC 8187 stays as is; every other byte of the UTF-8 encoding is %XX. */
function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
