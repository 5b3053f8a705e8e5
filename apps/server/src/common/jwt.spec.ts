import { JWT_ISSUER, signJwt, verifyJwt, type JwtClaims } from './jwt.js';
import { deriveKey, hmacSha256 } from './secrets.js';

const KEY = deriveKey('k'.repeat(32), 'jwt-test');
const OTHER_KEY = deriveKey('k'.repeat(32), 'other');
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const EXPECT = { typ: 'access', aud: 'admin' };
const CLAIMS = { sub: 'user-1', typ: 'access', aud: 'admin', exp: NOW / 1000 + 900 };

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A token over any header and payload text, correctly signed with `key`. */
function forge(header: unknown, payload: unknown, key = KEY): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  return `${signingInput}.${hmacSha256(key, signingInput).toString('base64url')}`;
}

describe('signJwt / verifyJwt', () => {
  it('returns the claims of a token it signed, with issuer and issued-at added', () => {
    const token = signJwt(KEY, { ...CLAIMS, role: 'owner' }, NOW);
    expect(token.split('.')).toHaveLength(3);
    expect(verifyJwt(KEY, token, EXPECT, NOW)).toEqual<JwtClaims>({ ...CLAIMS, role: 'owner', iss: JWT_ISSUER, iat: NOW / 1000 });
  });

  it('writes the pinned HS256 header', () => {
    const [header] = signJwt(KEY, CLAIMS, NOW).split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
  });

  it('accepts a token until the second before it expires', () => {
    const token = signJwt(KEY, CLAIMS, NOW);
    expect(verifyJwt(KEY, token, EXPECT, CLAIMS.exp * 1000 - 1)).not.toBeNull();
    expect(verifyJwt(KEY, token, EXPECT, CLAIMS.exp * 1000)).toBeNull();
  });

  const valid = signJwt(KEY, CLAIMS, NOW);
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const goodHeader = { alg: 'HS256', typ: 'JWT' };
  const goodPayload = { iss: JWT_ISSUER, iat: NOW / 1000, ...CLAIMS };

  it.each<[string, string, { key?: Buffer; now?: number; expect?: { typ: string; aud: string } }?]>([
    ['signed with another key', valid, { key: OTHER_KEY }],
    ['signed by another key entirely', signJwt(OTHER_KEY, CLAIMS, NOW)],
    ['with a tampered payload', `${header}.${b64({ ...goodPayload, sub: 'admin-1' })}.${signature}`],
    ['with a stripped signature', `${header}.${payload}.`],
    ['with a signature of another token', `${header}.${payload}.${signJwt(KEY, { ...CLAIMS, sub: 'x' }, NOW).split('.')[2]}`],
    ['with alg none and no signature', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`],
    ['with alg none, re-signed', forge({ alg: 'none', typ: 'JWT' }, goodPayload)],
    ['with alg HS512', forge({ alg: 'HS512', typ: 'JWT' }, goodPayload)],
    ['with the header keys reordered', forge({ typ: 'JWT', alg: 'HS256' }, goodPayload)],
    ['expired', signJwt(KEY, { ...CLAIMS, exp: NOW / 1000 - 1 }, NOW)],
    ['without exp', forge(goodHeader, { ...goodPayload, exp: undefined })],
    ['with a string exp', forge(goodHeader, { ...goodPayload, exp: String(CLAIMS.exp) })],
    ['of another typ', signJwt(KEY, { ...CLAIMS, typ: 'refresh' }, NOW)],
    ['of another aud', signJwt(KEY, { ...CLAIMS, aud: 'user' }, NOW)],
    ['of another iss', forge(goodHeader, { ...goodPayload, iss: 'someone-else' })],
    ['without iss', forge(goodHeader, { ...goodPayload, iss: undefined })],
    ['without sub', forge(goodHeader, { ...goodPayload, sub: undefined })],
    ['with a numeric sub', forge(goodHeader, { ...goodPayload, sub: 42 })],
    ['with two parts', `${header}.${payload}`],
    ['with four parts', `${valid}.x`],
    ['empty', ''],
    ['with a payload that is not JSON', forge(goodHeader, 'not json')],
    ['with a payload that is a JSON string', forge(goodHeader, JSON.stringify('just a string'))],
  ])('refuses a token %s', (_, token, opts = {}) => {
    expect(verifyJwt(opts.key ?? KEY, token, opts.expect ?? EXPECT, opts.now ?? NOW)).toBeNull();
  });

  it('refuses a correctly signed payload of JSON null', () => {
    expect(verifyJwt(KEY, forge(goodHeader, 'null'), EXPECT, NOW)).toBeNull();
  });
});
