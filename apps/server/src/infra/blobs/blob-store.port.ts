import type { Readable } from 'node:stream';

export interface BlobInfo {
  key: string;
  size: number;
}

export interface ByteRange {
  /** Inclusive offsets. */
  start: number;
  end: number;
}

/**
 * Opaque bytes under keys that the caller chooses (never client filenames).
 * Keys are `[A-Za-z0-9/_.-]` without `..` segments; drivers refuse anything else.
 */
export abstract class BlobStore {
  /** Streams `body` to `key`; on failure nothing is left under the key. Returns the stored size. */
  abstract put(key: string, body: Readable, contentType?: string): Promise<BlobInfo>;
  /** Throws BlobNotFoundError when absent. */
  abstract get(key: string, range?: ByteRange): Promise<Readable>;
  /** Returns null when absent. */
  abstract stat(key: string): Promise<BlobInfo | null>;
  /** Deleting an absent key is not an error. */
  abstract delete(key: string): Promise<void>;
  /** Every key under the prefix, in no particular order. */
  abstract list(prefix: string): AsyncIterable<BlobInfo>;
  abstract ping(): Promise<void>;
  abstract close(): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`blob not found: ${key}`);
  }
}

const SAFE_KEY = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** The one check every driver applies to a key before touching storage. */
export function assertBlobKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.split('/').some((s) => s === '.' || s === '..') || key.length > 512) {
    throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
  }
}

/** A list() prefix: '' (everything) or the start of a key, e.g. `avatars/` or `avatars/ab`. */
export function assertBlobPrefix(prefix: string): void {
  if (prefix === '') return;
  const stem = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  try {
    assertBlobKey(stem);
  } catch {
    throw new Error(`invalid blob prefix: ${JSON.stringify(prefix)}`);
  }
}

/** Offsets are whole, non-negative and in order; an end past the blob's size reads to its end. */
export function assertByteRange({ start, end }: ByteRange): void {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new Error(`invalid byte range: ${start}-${end}`);
  }
}
