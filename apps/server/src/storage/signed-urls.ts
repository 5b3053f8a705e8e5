import { deriveKey, hmacSha256, safeEqual } from '../common/secrets.js';

export const MAX_SIGNED_URL_SECONDS = 7 * 24 * 3600;

/** What a signed content URL carries besides the path: its expiry and the signature over it. */
export interface UrlSignature {
  expires: number;
  signature: string;
}

export type SignatureCheck = 'valid' | 'expired' | 'invalid';

/**
 * HMAC-SHA256 over `v1`, bucket, file id and expiry (unix seconds), with a key derived from the
 * server secret for this purpose only. Anyone holding the URL may read the file until it expires;
 * changing any part of it (another file, a later expiry) breaks the signature.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = deriveKey(secret, 'storage-signed-urls');
  }

  sign(bucket: string, fileId: string, expires: number): UrlSignature {
    return { expires, signature: this.mac(bucket, fileId, expires).toString('base64url') };
  }

  verify(bucket: string, fileId: string, expires: string | undefined, signature: string | undefined, now = Date.now()): SignatureCheck {
    if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) {
      return 'invalid';
    }
    const at = Number(expires);
    if (!safeEqual(this.mac(bucket, fileId, at), Buffer.from(signature, 'base64url'))) return 'invalid';
    return at * 1000 <= now ? 'expired' : 'valid';
  }

  private mac(bucket: string, fileId: string, expires: number): Buffer {
    return hmacSha256(this.key, `v1\n${bucket}\n${fileId.toLowerCase()}\n${expires}`);
  }
}
