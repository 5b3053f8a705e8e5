import { constants, createPublicKey, type JsonWebKey, type KeyObject, verify } from 'node:crypto';

/** A JSON Web Key Set as published at an issuer's `jwks_uri`. */
export interface Jwks {
  keys: JsonWebKey[];
}

export interface IdTokenExpectations {
  /** The issuer's identifier exactly as its discovery document states it. */
  issuer: string;
  /** Other spellings the issuer is known to use in `iss` (Google: `accounts.google.com`). */
  alternateIssuers?: string[];
  clientId: string;
  /** The nonce sent with the authorization request. */
  nonce: string;
  /** Milliseconds since the epoch; defaults to now. */
  now?: number;
  /** Tolerated clock difference with the issuer, in seconds. */
  skewSeconds?: number;
}

/** What Basalt takes from an identity provider about the person signing in. */
export interface ProviderProfile {
  sub: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  picture: string | null;
}

export type IdTokenProblem =
  | 'malformed'
  | 'unsupported_alg'
  | 'unknown_key'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'wrong_azp'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_nonce'
  | 'missing_sub';

export class IdTokenError extends Error {
  constructor(
    readonly problem: IdTokenProblem,
    message: string,
  ) {
    super(message);
    this.name = 'IdTokenError';
  }
}

interface AlgSpec {
  kty: 'RSA' | 'EC';
  hash: 'sha256' | 'sha384' | 'sha512';
  pss?: boolean;
  crv?: 'P-256' | 'P-384' | 'P-521';
}

/**
 * Asymmetric algorithms only. `none` and the HS* family are refused outright: an issuer that publishes
 * a JWKS signs with a private key, and accepting HS256 would let anyone who knows the public key
 * (everyone) "sign" a token with it as the HMAC secret.
 */
const ALGS: Record<string, AlgSpec> = {
  RS256: { kty: 'RSA', hash: 'sha256' },
  RS384: { kty: 'RSA', hash: 'sha384' },
  RS512: { kty: 'RSA', hash: 'sha512' },
  PS256: { kty: 'RSA', hash: 'sha256', pss: true },
  PS384: { kty: 'RSA', hash: 'sha384', pss: true },
  PS512: { kty: 'RSA', hash: 'sha512', pss: true },
  ES256: { kty: 'EC', hash: 'sha256', crv: 'P-256' },
  ES384: { kty: 'EC', hash: 'sha384', crv: 'P-384' },
  ES512: { kty: 'EC', hash: 'sha512', crv: 'P-521' },
};

const MAX_TOKEN_LENGTH = 16_384;
const DEFAULT_SKEW_SECONDS = 60;
const MIN_RSA_BITS = 2048;
const B64URL = /^[A-Za-z0-9_-]+$/;

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

/** Splits and parses a compact JWS; checks the shape only, not the signature. */
export function decodeJwt(token: string): DecodedJwt {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new IdTokenError('malformed', 'id_token is missing or too long');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) throw new IdTokenError('malformed', 'id_token is not a signed JWT');
  const header = parseJsonObject(parts[0]!, 'header');
  const payload = parseJsonObject(parts[1]!, 'payload');
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, 'base64url') };
}

/**
 * Verifies an OpenID Connect ID token (Core 1.0 §3.1.3.7): signature with a key of the issuer's JWKS,
 * `iss`, `aud`/`azp`, `exp`/`nbf`/`iat` with a small skew, `nonce`, `sub`. Throws IdTokenError.
 */
export function verifyIdToken(token: string, jwks: Jwks, expect: IdTokenExpectations): Record<string, unknown> {
  const jwt = decodeJwt(token);
  verifySignature(jwt, jwks);
  checkClaims(jwt.payload, expect);
  return jwt.payload;
}

export function verifySignature(jwt: DecodedJwt, jwks: Jwks): void {
  const alg = jwt.header.alg;
  const spec = typeof alg === 'string' && Object.hasOwn(ALGS, alg) ? ALGS[alg]! : undefined;
  if (!spec) throw new IdTokenError('unsupported_alg', `id_token algorithm ${JSON.stringify(alg)} is not accepted`);
  // No extension this verifier understands may be marked critical (RFC 7515 §4.1.11).
  if (jwt.header.crit !== undefined) throw new IdTokenError('unsupported_alg', 'id_token uses critical header extensions');
  const candidates = candidateKeys(jwks, jwt.header, alg as string, spec);
  if (candidates.length === 0) throw new IdTokenError('unknown_key', 'no key of the issuer matches the id_token');
  const data = Buffer.from(jwt.signingInput);
  for (const key of candidates) if (signatureMatches(spec, key, data, jwt.signature)) return;
  throw new IdTokenError('bad_signature', 'id_token signature does not verify');
}

export function checkClaims(claims: Record<string, unknown>, expect: IdTokenExpectations): void {
  const now = Math.floor((expect.now ?? Date.now()) / 1000);
  const skew = expect.skewSeconds ?? DEFAULT_SKEW_SECONDS;
  if (claims.iss !== expect.issuer && !(typeof claims.iss === 'string' && expect.alternateIssuers?.includes(claims.iss))) throw new IdTokenError('wrong_issuer', 'id_token was issued by another issuer');
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!aud.includes(expect.clientId)) throw new IdTokenError('wrong_audience', 'id_token is not meant for this client');
  // With several audiences, the party it was issued to must be named, and be us.
  if (aud.length > 1 && claims.azp === undefined) throw new IdTokenError('wrong_azp', 'id_token has several audiences and no azp');
  if (claims.azp !== undefined && claims.azp !== expect.clientId) throw new IdTokenError('wrong_azp', 'id_token was issued to another client (azp)');
  if (typeof claims.exp !== 'number' || now >= claims.exp + skew) throw new IdTokenError('expired', 'id_token has expired');
  if (typeof claims.iat !== 'number' || claims.iat > now + skew) throw new IdTokenError('not_yet_valid', 'id_token is issued in the future or lacks iat');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > now + skew)) throw new IdTokenError('not_yet_valid', 'id_token is not valid yet');
  if (typeof claims.nonce !== 'string' || claims.nonce !== expect.nonce) throw new IdTokenError('wrong_nonce', 'id_token nonce does not match this sign-in');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0 || claims.sub.length > 255) throw new IdTokenError('missing_sub', 'id_token has no valid sub');
}

/** The standard claims Basalt uses, from an ID token or a UserInfo response (Apple sends `email_verified` as a string). */
export function profileFromClaims(claims: Record<string, unknown>): ProviderProfile {
  const email = typeof claims.email === 'string' && claims.email.length <= 254 ? claims.email.toLowerCase() : null;
  const given = typeof claims.given_name === 'string' ? claims.given_name : '';
  const family = typeof claims.family_name === 'string' ? claims.family_name : '';
  const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim() : `${given} ${family}`.trim();
  return {
    sub: String(claims.sub),
    email,
    emailVerified: email !== null && (claims.email_verified === true || claims.email_verified === 'true'),
    name: name ? name.slice(0, 200) : null,
    picture: typeof claims.picture === 'string' ? claims.picture : null,
  };
}

function signatureMatches(spec: AlgSpec, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return spec.kty === 'RSA'
      ? verify(spec.hash, data, { key, padding: spec.pss ? constants.RSA_PKCS1_PSS_PADDING : constants.RSA_PKCS1_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature)
      : verify(spec.hash, data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

function candidateKeys(jwks: Jwks, header: Record<string, unknown>, alg: string, spec: AlgSpec): KeyObject[] {
  const keys = Array.isArray(jwks?.keys) ? jwks.keys : [];
  const out: KeyObject[] = [];
  for (const jwk of keys) {
    if (typeof jwk !== 'object' || jwk === null || jwk.kty !== spec.kty) continue;
    if (header.kid !== undefined && jwk.kid !== header.kid) continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (jwk.alg !== undefined && jwk.alg !== alg) continue;
    if (Array.isArray(jwk.key_ops) && !jwk.key_ops.includes('verify')) continue;
    if (spec.crv && jwk.crv !== spec.crv) continue;
    const key = publicKeyOf(jwk);
    if (key) out.push(key);
  }
  return out;
}

/** Only the public members are read, so a JWKS that leaks private parts is still used as public keys. */
function publicKeyOf(jwk: JsonWebKey): KeyObject | null {
  const pub: JsonWebKey = jwk.kty === 'RSA' ? { kty: 'RSA', n: jwk.n, e: jwk.e } : { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
  try {
    const key = createPublicKey({ key: pub, format: 'jwk' });
    if (jwk.kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) return null;
    return key;
  } catch {
    return null;
  }
}

function parseJsonObject(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new IdTokenError('malformed', `id_token ${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IdTokenError('malformed', `id_token ${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
