/**
 * Content types from the first bytes of a file. Binary formats are recognised by their magic
 * numbers only; the client's declared type is never believed for them. Text is recognised as text
 * (valid UTF-8 without NULs) and then checked for markup browsers would run (html, svg, xml); only
 * plain text falls back to the declared type, and only to a known, harmless text type.
 */

/** How many leading bytes the sniffer looks at; callers peek at least this much (or the whole file). */
export const SNIFF_BYTES = 4100;

interface Magic {
  type: string;
  offset?: number;
  bytes: readonly number[];
  /** Further bytes that must also match, e.g. `WEBP` after a RIFF header. */
  and?: { offset: number; bytes: readonly number[] };
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** Ordered: more specific signatures before shorter ones they share a prefix with. */
const MAGIC: readonly Magic[] = [
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/gif', bytes: ascii('GIF87a') },
  { type: 'image/gif', bytes: ascii('GIF89a') },
  { type: 'image/webp', bytes: ascii('RIFF'), and: { offset: 8, bytes: ascii('WEBP') } },
  { type: 'audio/wav', bytes: ascii('RIFF'), and: { offset: 8, bytes: ascii('WAVE') } },
  { type: 'video/x-msvideo', bytes: ascii('RIFF'), and: { offset: 8, bytes: ascii('AVI ') } },
  { type: 'image/bmp', bytes: ascii('BM') },
  { type: 'image/x-icon', bytes: [0x00, 0x00, 0x01, 0x00] },
  { type: 'image/tiff', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { type: 'image/tiff', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
  { type: 'application/pdf', bytes: ascii('%PDF-') },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { type: 'application/zip', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { type: 'application/gzip', bytes: [0x1f, 0x8b] },
  { type: 'application/x-7z-compressed', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { type: 'application/vnd.rar', bytes: ascii('Rar!\u001a\u0007') },
  { type: 'application/x-bzip2', bytes: ascii('BZh') },
  { type: 'application/x-xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { type: 'application/zstd', bytes: [0x28, 0xb5, 0x2f, 0xfd] },
  { type: 'application/x-tar', offset: 257, bytes: ascii('ustar') },
  { type: 'audio/mpeg', bytes: ascii('ID3') },
  { type: 'audio/ogg', bytes: ascii('OggS') },
  { type: 'audio/flac', bytes: ascii('fLaC') },
  { type: 'audio/midi', bytes: ascii('MThd') },
  { type: 'video/webm', bytes: [0x1a, 0x45, 0xdf, 0xa3] },
  { type: 'application/wasm', bytes: [0x00, 0x61, 0x73, 0x6d] },
  { type: 'font/woff', bytes: ascii('wOFF') },
  { type: 'font/woff2', bytes: ascii('wOF2') },
  { type: 'font/otf', bytes: ascii('OTTO') },
  { type: 'font/ttf', bytes: [0x00, 0x01, 0x00, 0x00, 0x00] },
  { type: 'application/x-sqlite3', bytes: ascii('SQLite format 3\u0000') },
  { type: 'application/x-executable', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { type: 'application/x-msdownload', bytes: ascii('MZ') },
];

/** ISO base media (`....ftyp<brand>`): the brand tells images from video. */
const FTYP_BRANDS: Record<string, string> = {
  avif: 'image/avif',
  avis: 'image/avif',
  heic: 'image/heic',
  heix: 'image/heic',
  heim: 'image/heic',
  heis: 'image/heic',
  mif1: 'image/heif',
  msf1: 'image/heif',
  qt: 'video/quicktime',
  'M4A ': 'audio/mp4',
  'M4B ': 'audio/mp4',
  '3gp4': 'video/3gpp',
  '3gp5': 'video/3gpp',
  '3g2a': 'video/3gpp2',
};

/** Harmless text types the declared type may select; any other text is text/plain. */
const TEXT_TYPES = new Set([
  'text/plain',
  'text/csv',
  'text/tab-separated-values',
  'text/markdown',
  'text/css',
  'text/calendar',
  'text/vcard',
  'application/json',
  'application/x-ndjson',
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'application/javascript',
  'text/javascript',
]);

function matchesAt(buf: Uint8Array, offset: number, bytes: readonly number[]): boolean {
  if (buf.length < offset + bytes.length) return false;
  return bytes.every((b, i) => buf[offset + i] === b);
}

/** The type of a binary format, or null when no signature matches. */
function sniffMagic(head: Uint8Array): string | null {
  if (matchesAt(head, 4, ascii('ftyp')) && head.length >= 12) {
    const brand = Buffer.from(head.subarray(8, 12)).toString('latin1');
    return FTYP_BRANDS[brand] ?? FTYP_BRANDS[brand.trim()] ?? 'video/mp4';
  }
  // Matroska and WebM share EBML; the doctype says which.
  if (matchesAt(head, 0, [0x1a, 0x45, 0xdf, 0xa3])) {
    const text = Buffer.from(head.subarray(0, 64)).toString('latin1');
    return text.includes('matroska') ? 'video/x-matroska' : 'video/webm';
  }
  // MPEG audio without an ID3 tag: a frame sync (11 set bits) with a valid layer.
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0 && (head[1] & 0x06) !== 0) return 'audio/mpeg';
  for (const m of MAGIC) {
    if (matchesAt(head, m.offset ?? 0, m.bytes) && (!m.and || matchesAt(head, m.and.offset, m.and.bytes))) return m.type;
  }
  return null;
}

/**
 * Whether the bytes read as UTF-8 text. `complete` says `head` is the whole file; otherwise a
 * multi-byte character cut at the end of the peek is not held against it.
 */
function looksLikeText(head: Uint8Array, complete: boolean): boolean {
  if (head.includes(0)) return false;
  for (let i = 0; i < head.length; i++) {
    const b = head[i];
    // Control characters other than tab, newline, form feed, carriage return and escape do not occur in text.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) return false;
  }
  let end = head.length;
  if (!complete) {
    // Drop a possibly cut multi-byte sequence at the end (at most 3 bytes).
    for (let back = 1; back <= 3 && end - back >= 0; back++) {
      const b = head[end - back];
      if ((b & 0xc0) === 0xc0) {
        end -= back;
        break;
      }
      if ((b & 0x80) === 0) break;
    }
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** Markup a browser would render and run scripts in, whatever the file claims to be. */
function sniffMarkup(text: string): string | null {
  const t = text.replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (/^<svg[\s>/]/.test(t) || (/^<\?xml[\s?]/.test(t) && /<svg[\s>/]/.test(t)) || (/^<!doctype svg/.test(t))) return 'image/svg+xml';
  if (/^<\?xml[\s?]/.test(t)) return /<html[\s>/]/.test(t) ? 'application/xhtml+xml' : 'application/xml';
  if (/^<!doctype html/.test(t)) return 'text/html';
  // The tags WHATWG's sniffing algorithm treats as HTML, anywhere near the start.
  if (/<(html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|!--|object|embed|img|svg|form|meta|link)[\s>/]/.test(t.slice(0, 1024))) return 'text/html';
  return null;
}

function declaredTextType(declared: string | undefined): string {
  const base = (declared ?? '').split(';')[0]!.trim().toLowerCase();
  return TEXT_TYPES.has(base) ? base : 'text/plain';
}

/**
 * The content type of a file from its first bytes (at least SNIFF_BYTES, or the whole file when
 * `complete`). `declared` is the client's claim, consulted only to name plain text more precisely.
 */
export function sniffContentType(head: Uint8Array, declared: string | undefined, complete: boolean): string {
  if (head.length === 0) return declaredTextType(declared);
  const magic = sniffMagic(head);
  if (magic) return magic;
  if (!looksLikeText(head, complete)) return 'application/octet-stream';
  return sniffMarkup(Buffer.from(head).toString('utf8')) ?? declaredTextType(declared);
}

/** Types served only as downloads: a browser showing them inline would run their scripts on our origin. */
const ACTIVE_TYPES = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'application/xml',
  'text/xml',
  'application/javascript',
  'text/javascript',
  'application/x-msdownload',
  'application/x-executable',
  'application/wasm',
]);

export function isActiveContent(contentType: string): boolean {
  return ACTIVE_TYPES.has(contentType.split(';')[0]!.trim().toLowerCase());
}

/** `image/*`, `image/png` or `*\/*`; an empty list allows every type. */
export function isTypeAllowed(contentType: string, allowed: readonly string[]): boolean {
  if (allowed.length === 0) return true;
  const [major] = contentType.split('/');
  return allowed.some((pattern) => pattern === '*/*' || pattern === contentType || (pattern.endsWith('/*') && pattern.slice(0, -2) === major));
}

/** What an entry of `allowedTypes` may look like. */
export const TYPE_PATTERN = /^([a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126}|\*)|\*\/\*)$/;
