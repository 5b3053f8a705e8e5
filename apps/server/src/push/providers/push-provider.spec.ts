import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { signJws } from './jws.js';
import { isRetryableStatus, parseRetryAfter } from './push-provider.js';
import { Semaphore } from './semaphore.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['delay seconds', '5', 5000],
    ['zero', '0', 0],
    ['padded seconds', ' 7 ', 7000],
    ['an HTTP date', 'Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['a date in the past', 'Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['more than an hour', '86400', 3600_000],
  ])('reads %s', (_, value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([[undefined], [null], [''], ['soon'], [['3', '9']]])('ignores %p, or takes the first of several', (value) => {
    expect(parseRetryAfter(value as never, now)).toBe(Array.isArray(value) ? 3000 : undefined);
  });
});

describe('isRetryableStatus', () => {
  it('retries 429 and 5xx only', () => {
    expect([429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 413].some(isRetryableStatus)).toBe(false);
  });
});

describe('signJws', () => {
  const input = (jwt: string) => Buffer.from(jwt.split('.').slice(0, 2).join('.'));
  const sig = (jwt: string) => Buffer.from(jwt.split('.')[2]!, 'base64url');
  const part = (jwt: string, i: number) => JSON.parse(Buffer.from(jwt.split('.')[i]!, 'base64url').toString());

  it('signs RS256 that the public key verifies', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwt = signJws('RS256', {}, { iss: 'a', aud: 'b' }, privateKey);
    expect(part(jwt, 0)).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(part(jwt, 1)).toEqual({ iss: 'a', aud: 'b' });
    expect(verify('sha256', input(jwt), publicKey, sig(jwt))).toBe(true);
  });

  it('signs ES256 as a raw 64-byte r||s signature with the header fields given (kid)', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwt = signJws('ES256', { kid: 'K1' }, { iss: 'TEAM' }, privateKey);
    expect(part(jwt, 0)).toEqual({ alg: 'ES256', typ: 'JWT', kid: 'K1' });
    expect(sig(jwt)).toHaveLength(64);
    expect(verify('sha256', input(jwt), { key: createPublicKey(privateKey), dsaEncoding: 'ieee-p1363' }, sig(jwt))).toBe(true);
    const tampered = `${jwt.split('.')[0]}.${Buffer.from('{"iss":"EVIL"}').toString('base64url')}.${jwt.split('.')[2]}`;
    expect(verify('sha256', input(tampered), { key: createPublicKey(privateKey), dsaEncoding: 'ieee-p1363' }, sig(tampered))).toBe(false);
  });
});

describe('Semaphore', () => {
  it('never lets more than `limit` tasks run at once, and runs them all', async () => {
    const sem = new Semaphore(3);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sem.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await new Promise((r) => setTimeout(r, 1 + (i % 3)));
          running--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees the slot of a task that throws', async () => {
    const sem = new Semaphore(1);
    await expect(sem.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(sem.run(async () => 'next')).resolves.toBe('next');
  });
});
