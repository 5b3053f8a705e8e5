import { constants, createHmac, generateKeyPairSync, type JsonWebKey, type KeyObject, sign } from 'node:crypto';
import { IdTokenError, type IdTokenProblem, type Jwks, profileFromClaims, verifyIdToken } from './id-token.js';

const ISSUER = 'https://id.example.com';
const CLIENT = 'basalt-client';
const NONCE = 'n-0S6_WzA2Mj';
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const nowSec = Math.floor(NOW / 1000);

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 });

function jwk(key: KeyObject, kid: string, extra: Partial<JsonWebKey> = {}): JsonWebKey {
  return { ...(key.export({ format: 'jwk' }) as JsonWebKey), kid, use: 'sig', ...extra };
}

const JWKS: Jwks = { keys: [jwk(rsa.publicKey, 'rsa-1'), jwk(ec.publicKey, 'ec-1'), jwk(weakRsa.publicKey, 'weak')] };

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { iss: ISSUER, aud: CLIENT, sub: '248289761001', nonce: NONCE, iat: nowSec - 10, exp: nowSec + 300, email: 'Ann@Example.com', email_verified: true, name: 'Ann', ...overrides };
}

function token(payload: Record<string, unknown>, opts: { alg?: string; kid?: string; key?: KeyObject; header?: Record<string, unknown> } = {}): string {
  const alg = opts.alg ?? 'RS256';
  const header = b64({ alg, typ: 'JWT', kid: opts.kid ?? (alg.startsWith('ES') ? 'ec-1' : 'rsa-1'), ...opts.header });
  const input = `${header}.${b64(payload)}`;
  const key = opts.key ?? (alg.startsWith('ES') ? ec.privateKey : rsa.privateKey);
  let sig: Buffer;
  if (alg === 'RS256') sig = sign('sha256', Buffer.from(input), key);
  else if (alg === 'PS256') sig = sign('sha256', Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  else if (alg === 'ES256') sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  else throw new Error(`test cannot sign ${alg}`);
  return `${input}.${sig.toString('base64url')}`;
}

const expect_ = { issuer: ISSUER, clientId: CLIENT, nonce: NONCE, now: NOW };

function problemOf(run: () => unknown): IdTokenProblem | 'none' {
  try {
    run();
    return 'none';
  } catch (e) {
    if (e instanceof IdTokenError) return e.problem;
    throw e;
  }
}

describe('verifyIdToken', () => {
  it.each(['RS256', 'PS256', 'ES256'])('accepts a good %s token and returns its claims', (alg) => {
    const out = verifyIdToken(token(claims(), { alg }), JWKS, expect_);
    expect(out).toMatchObject({ sub: '248289761001', iss: ISSUER, aud: CLIENT });
  });

  it('accepts a token whose header has no kid when a key of the right type verifies it', () => {
    const t = token(claims(), { header: { kid: undefined } });
    expect(problemOf(() => verifyIdToken(t, JWKS, expect_))).toBe('none');
  });

  it('accepts an audience array naming the client when azp is the client', () => {
    expect(problemOf(() => verifyIdToken(token(claims({ aud: [CLIENT, 'other'], azp: CLIENT })), JWKS, expect_))).toBe('none');
  });

  it('accepts an alternate spelling of the issuer only when told to (Google)', () => {
    const t = token(claims({ iss: 'id.example.com' }));
    expect(problemOf(() => verifyIdToken(t, JWKS, expect_))).toBe('wrong_issuer');
    expect(problemOf(() => verifyIdToken(t, JWKS, { ...expect_, alternateIssuers: ['id.example.com'] }))).toBe('none');
  });

  it('tolerates a small clock skew on exp and iat', () => {
    expect(problemOf(() => verifyIdToken(token(claims({ exp: nowSec - 30, iat: nowSec + 30 })), JWKS, expect_))).toBe('none');
  });

  it.each<[string, () => string, IdTokenProblem]>([
    ['a wrong audience', () => token(claims({ aud: 'someone-else' })), 'wrong_audience'],
    ['an audience array without the client', () => token(claims({ aud: ['a', 'b'] })), 'wrong_audience'],
    ['several audiences and no azp', () => token(claims({ aud: [CLIENT, 'other'] })), 'wrong_azp'],
    ['an azp naming another client', () => token(claims({ azp: 'other' })), 'wrong_azp'],
    ['a wrong issuer', () => token(claims({ iss: 'https://evil.example.com' })), 'wrong_issuer'],
    ['an issuer differing by a trailing slash', () => token(claims({ iss: `${ISSUER}/` })), 'wrong_issuer'],
    ['an expired token', () => token(claims({ exp: nowSec - 120 })), 'expired'],
    ['a token without exp', () => token(claims({ exp: undefined })), 'expired'],
    ['a token issued in the future', () => token(claims({ iat: nowSec + 600 })), 'not_yet_valid'],
    ['a token not valid before later', () => token(claims({ nbf: nowSec + 600 })), 'not_yet_valid'],
    ['a wrong nonce', () => token(claims({ nonce: 'replayed' })), 'wrong_nonce'],
    ['no nonce', () => token(claims({ nonce: undefined })), 'wrong_nonce'],
    ['no sub', () => token(claims({ sub: undefined })), 'missing_sub'],
    ['a signature by another key with the same kid', () => token(claims(), { key: otherRsa.privateKey }), 'bad_signature'],
    ['a payload changed after signing', () => {
      const [h, , s] = token(claims()).split('.');
      return `${h}.${b64(claims({ sub: 'admin' }))}.${s}`;
    }, 'bad_signature'],
    ['a kid the issuer does not publish', () => token(claims(), { kid: 'unknown' }), 'unknown_key'],
    ['an RSA key below 2048 bits', () => token(claims(), { kid: 'weak', key: weakRsa.privateKey }), 'unknown_key'],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`, 'malformed'],
    ['alg none with a dummy signature', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.AAAA`, 'unsupported_alg'],
    ['HS256 keyed with the public key', () => {
      const header = b64({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' });
      const input = `${header}.${b64(claims())}`;
      const secret = rsa.publicKey.export({ format: 'pem', type: 'spki' });
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    }, 'unsupported_alg'],
    ['an ES256 header over an RSA key', () => token(claims(), { alg: 'ES256', kid: 'rsa-1' }), 'unknown_key'],
    ['a critical header extension', () => token(claims(), { header: { crit: ['exp'] } }), 'unsupported_alg'],
    ['something that is not a JWT', () => 'not.a-jwt', 'malformed'],
    ['a payload that is not JSON', () => `${b64({ alg: 'RS256' })}.${Buffer.from('nope').toString('base64url')}.AAAA`, 'malformed'],
  ])('refuses %s', (_name, make, problem) => {
    expect(problemOf(() => verifyIdToken(make(), JWKS, expect_))).toBe(problem);
  });

  it('refuses everything when the JWKS is empty', () => {
    expect(problemOf(() => verifyIdToken(token(claims()), { keys: [] }, expect_))).toBe('unknown_key');
  });

  it('ignores keys meant for encryption', () => {
    const encOnly: Jwks = { keys: [jwk(rsa.publicKey, 'rsa-1', { use: 'enc' })] };
    expect(problemOf(() => verifyIdToken(token(claims()), encOnly, expect_))).toBe('unknown_key');
  });
});

describe('profileFromClaims', () => {
  it('lowercases the email and reads email_verified as a boolean or the string "true" (Apple)', () => {
    expect(profileFromClaims({ sub: '1', email: 'Ann@Example.com', email_verified: 'true' })).toEqual({
      sub: '1', email: 'ann@example.com', emailVerified: true, name: null, picture: null,
    });
    expect(profileFromClaims({ sub: '1', email: 'a@b.co', email_verified: 'false' }).emailVerified).toBe(false);
    expect(profileFromClaims({ sub: '1', email: 'a@b.co' }).emailVerified).toBe(false);
  });

  it('never calls an absent email verified', () => {
    expect(profileFromClaims({ sub: '1', email_verified: true }).emailVerified).toBe(false);
  });

  it('builds a name from given and family names when name is absent', () => {
    expect(profileFromClaims({ sub: '1', given_name: 'Ann', family_name: 'Lee' }).name).toBe('Ann Lee');
  });
});
