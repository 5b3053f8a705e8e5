import { hmacSha256, safeEqual } from './secrets.js';

export interface JwtClaims {
  sub: string;
  typ: string;
  iat: number;
  exp: number;
  aud: string;
  iss: string;
  [claim: string]: unknown;
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
export const JWT_ISSUER = 'basalt';

/** HS256 only. The algorithm is pinned: the token's header is checked to be exactly ours. */
export function signJwt(key: Buffer, claims: Omit<JwtClaims, 'iat' | 'iss'>, now = Date.now()): string {
  const body = Buffer.from(JSON.stringify({ iss: JWT_ISSUER, iat: Math.floor(now / 1000), ...claims })).toString('base64url');
  const sig = hmacSha256(key, `${HEADER}.${body}`).toString('base64url');
  return `${HEADER}.${body}.${sig}`;
}

/**
 * Returns the claims, or null for anything malformed, forged, of another type or audience, or expired.
 * The claims are read before the signature is computed: a token meant for another verifier (a user
 * token tried as an admin one first) is refused without an HMAC, and the payload is no secret.
 */
export function verifyJwt(key: Buffer, token: string, expect: { typ: string; aud: string }, now = Date.now()): JwtClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return null;
  let claims: JwtClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as JwtClaims;
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null) return null;
  if (claims.typ !== expect.typ || claims.aud !== expect.aud || claims.iss !== JWT_ISSUER) return null;
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now || typeof claims.sub !== 'string') return null;
  const expected = hmacSha256(key, `${parts[0]}.${parts[1]}`);
  return safeEqual(expected, Buffer.from(parts[2]!, 'base64url')) ? claims : null;
}
