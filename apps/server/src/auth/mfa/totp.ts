import { createHmac, timingSafeEqual } from 'node:crypto';

/** RFC 6238 defaults, the only ones authenticator apps agree on: HMAC-SHA1, 6 digits, 30-second steps. */
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, without `=` padding (what otpauth URLs carry). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Accepts either case, spaces and trailing `=` padding, as people copy secrets by hand;
 * throws on any other character. Leftover bits past the last whole byte are dropped.
 */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/\s+/g, '').replace(/=+$/, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of clean) {
    const value = BASE32_ALPHABET.indexOf(char);
    if (value < 0) throw new Error(`not a base32 character: ${JSON.stringify(char)}`);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226: HMAC-SHA1 over the 8-byte big-endian counter, dynamic truncation, zero-padded decimal. */
export function hotp(secret: Uint8Array, counter: number | bigint, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step that `nowMs` (milliseconds since the epoch) falls in. */
export function totpStep(nowMs: number, period = TOTP_PERIOD_SECONDS): number {
  return Math.floor(nowMs / 1000 / period);
}

/** RFC 6238 TOTP at `nowMs` (milliseconds since the epoch). */
export function totp(secret: Uint8Array, nowMs: number, digits = TOTP_DIGITS, period = TOTP_PERIOD_SECONDS): string {
  return hotp(secret, totpStep(nowMs, period), digits);
}

/**
 * The time step `code` is valid for, looking `window` steps either side of now to allow for clock
 * drift, or null. Every candidate is computed and compared in constant time, so the answer's timing
 * does not tell which step (if any) matched. Callers must refuse steps already used (replay).
 */
export function verifyTotp(secret: Uint8Array, code: string, nowMs: number, window = 1): number | null {
  if (!/^\d+$/.test(code) || code.length !== TOTP_DIGITS) return null;
  const given = Buffer.from(code);
  const current = totpStep(nowMs);
  let matched: number | null = null;
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    const ok = timingSafeEqual(Buffer.from(hotp(secret, step)), given);
    // The latest matching step wins, so replay protection records the furthest step consumed.
    if (ok) matched = step;
  }
  return matched;
}

/**
 * The Key URI authenticator apps scan as a QR code
 * (https://github.com/google/google-authenticator/wiki/Key-Uri-Format). Spaces are encoded as
 * `%20`, never `+`, which several apps would show literally.
 */
export function otpauthUrl(opts: { issuer: string; account: string; secret: string }): string {
  const label = `${encodeURIComponent(opts.issuer)}:${encodeURIComponent(opts.account)}`;
  const query = [
    ['secret', opts.secret],
    ['issuer', opts.issuer],
    ['algorithm', 'SHA1'],
    ['digits', String(TOTP_DIGITS)],
    ['period', String(TOTP_PERIOD_SECONDS)],
  ]
    .map(([k, v]) => `${k}=${encodeURIComponent(v!)}`)
    .join('&');
  return `otpauth://totp/${label}?${query}`;
}
