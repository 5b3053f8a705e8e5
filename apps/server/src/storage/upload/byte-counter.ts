import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Raised inside the stream the moment the limit is passed; the upload turns it into 413. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} bytes`);
  }
}

/**
 * Passes bytes through while counting and hashing them, and fails the stream as soon as more than
 * `limit` bytes went by, so an oversized upload is cut off mid-stream instead of stored first.
 */
export class ByteCounter extends Transform {
  bytes = 0;
  private readonly hash: Hash = createHash('sha256');

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return done(new TooLargeError(this.limit));
    this.hash.update(chunk);
    done(null, chunk);
  }

  /** Hex sha256 of everything that passed; call once the stream has ended. */
  digest(): string {
    return this.hash.digest('hex');
  }
}
