/** Inclusive byte offsets of one part of a file. */
export interface Range {
  start: number;
  end: number;
}

export type RangeAnswer =
  /** No Range header, another unit, or several ranges: send the whole file (RFC 9110 allows ignoring Range). */
  | { kind: 'full' }
  | { kind: 'partial'; range: Range }
  /** 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

/**
 * Reads a `Range` header against a file of `size` bytes. One `bytes=` range is served
 * (`a-b`, `a-`, `-n`); a malformed one or one that starts past the end is unsatisfiable.
 * Several ranges are answered with the whole file rather than multipart/byteranges.
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' };
  const m = /^\s*([A-Za-z]+)\s*=\s*(.*)$/.exec(header);
  if (!m) return { kind: 'unsatisfiable' };
  if (m[1]!.toLowerCase() !== 'bytes') return { kind: 'full' };
  const spec = m[2]!.trim();
  if (spec.includes(',')) return { kind: 'full' };
  const r = /^(\d*)-(\d*)$/.exec(spec);
  if (!r || (r[1] === '' && r[2] === '')) return { kind: 'unsatisfiable' };
  if (r[1]!.length > 15 || r[2]!.length > 15) return { kind: 'unsatisfiable' };
  if (r[1] === '') {
    // Suffix: the last n bytes.
    const n = Number(r[2]);
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', range: { start: Math.max(0, size - n), end: size - 1 } };
  }
  const start = Number(r[1]);
  const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1);
  if (start >= size || (r[2] !== '' && Number(r[2]) < start)) return { kind: 'unsatisfiable' };
  return { kind: 'partial', range: { start, end } };
}

/** Whether an `If-None-Match` header names this entity tag (weak comparison, `*` matches any). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === `"${etag}"`);
}
