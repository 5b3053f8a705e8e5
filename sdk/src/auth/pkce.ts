/** RFC 7636 S256 pair from Web Crypto (browsers, Node 20, React Native with a crypto polyfill). */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const crypto = globalThis.crypto;
  if (!crypto?.subtle) throw new TypeError('PKCE needs Web Crypto (globalThis.crypto.subtle)');
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: base64url(new Uint8Array(digest)) };
}

function base64url(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
