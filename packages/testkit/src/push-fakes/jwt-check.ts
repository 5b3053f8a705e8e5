import { type KeyObject, verify } from 'node:crypto';

export interface DecodedJwt {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Verifies a compact JWS with RS256 or ES256 (raw r||s signature, as JOSE has it). Throws a reason when it does not hold. */
export function verifyJws(token: string, alg: 'RS256' | 'ES256', key: KeyObject): DecodedJwt {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
  } catch {
    throw new Error('header or claims are not JSON');
  }
  if (header.alg !== alg) throw new Error(`alg must be ${alg}, not ${String(header.alg)}`);
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2]!, 'base64url');
  const ok = alg === 'RS256' ? verify('sha256', data, key, signature) : verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  if (!ok) throw new Error('bad signature');
  return { header, claims };
}
