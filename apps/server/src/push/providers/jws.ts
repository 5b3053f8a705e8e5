import { type KeyObject, sign } from 'node:crypto';

/**
 * A compact JWS, signed with RS256 (FCM's service-account grant) or ES256 (APNs provider tokens,
 * VAPID). ES256 signatures are the raw r||s pair (IEEE P1363), as JOSE requires, not DER.
 */
export function signJws(alg: 'RS256' | 'ES256', header: Record<string, unknown>, claims: Record<string, unknown>, key: KeyObject): string {
  const input = `${b64(JSON.stringify({ alg, typ: 'JWT', ...header }))}.${b64(JSON.stringify(claims))}`;
  const signature = alg === 'RS256' ? sign('sha256', Buffer.from(input), key) : sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64url');
}
