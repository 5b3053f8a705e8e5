import { createPublicKey, verify } from 'node:crypto';
import webpush from 'web-push';
import { VapidAuthorizations } from './webpush.provider.js';

describe('VapidAuthorizations', () => {
  const keys = webpush.generateVAPIDKeys();
  const vapid = { subject: 'mailto:ops@example.com', publicKey: keys.publicKey, privateKey: keys.privateKey };
  // web-push checks a token's expiry against the real clock, so the test's clock starts from it.
  const start = Math.floor(Date.now() / 1000);

  /** The header's JWT claims, after checking its ES256 signature against the public key in `k=`. */
  function claimsOf(header: string): Record<string, unknown> {
    const [, jwt, k] = /^vapid t=([^,]+), k=(.+)$/.exec(header)!;
    expect(k).toBe(keys.publicKey);
    const [head, body, sig] = jwt!.split('.');
    const raw = Buffer.from(keys.publicKey, 'base64url');
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') }, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${head}.${body}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(sig!, 'base64url'))).toBe(true);
    return JSON.parse(Buffer.from(body!, 'base64url').toString());
  }

  it('signs one token per push service origin, for 12 hours, and hands it out again', () => {
    let now = start;
    const tokens = new VapidAuthorizations(vapid, () => now);
    const first = tokens.for('https://push.example.com/send/abc');
    expect(claimsOf(first)).toEqual({ aud: 'https://push.example.com', exp: start + 12 * 3600, sub: 'mailto:ops@example.com' });

    now += 3600;
    expect(tokens.for('https://push.example.com/send/other-device')).toBe(first);
    expect(claimsOf(tokens.for('https://other.example.net:8443/x'))).toMatchObject({ aud: 'https://other.example.net:8443' });
  });

  it('signs a new token once the kept one has less than an hour left', () => {
    let now = start;
    const tokens = new VapidAuthorizations(vapid, () => now);
    const first = tokens.for('https://push.example.com/a');
    now = start + 11 * 3600 - 1;
    expect(tokens.for('https://push.example.com/a')).toBe(first);

    now = start + 11 * 3600;
    const renewed = tokens.for('https://push.example.com/a');
    expect(renewed).not.toBe(first);
    expect(claimsOf(renewed)).toMatchObject({ exp: now + 12 * 3600 });
  });

  it('keeps at most 1 000 origins, dropping the oldest', () => {
    const tokens = new VapidAuthorizations(vapid, () => start);
    const oldest = tokens.for('https://s0.example.com/x');
    const newest = tokens.for('https://s1.example.com/x');
    for (let i = 2; i < 1001; i++) tokens.for(`https://s${i}.example.com/x`);

    expect(tokens.for('https://s1.example.com/x')).toBe(newest);
    expect(claimsOf(tokens.for('https://s0.example.com/x'))).toMatchObject({ aud: 'https://s0.example.com' });
    expect(tokens.for('https://s0.example.com/x')).not.toBe(oldest);
  });
});
