import { decryptString, deriveKey, encryptString, safeEqual, sha256Hex } from './secrets.js';

const SECRET = 'a'.repeat(32);

describe('deriveKey', () => {
  it('derives the same 32-byte key from the same secret and purpose', () => {
    const key = deriveKey(SECRET, 'settings');
    expect(key).toHaveLength(32);
    expect(deriveKey(SECRET, 'settings').equals(key)).toBe(true);
  });

  it.each([
    ['another purpose', SECRET, 'jwt'],
    ['another secret', 'b'.repeat(32), 'settings'],
  ])('derives a different key for %s', (_, secret, purpose) => {
    expect(deriveKey(secret, purpose).equals(deriveKey(SECRET, 'settings'))).toBe(false);
  });
});

describe('encryptString / decryptString', () => {
  const key = deriveKey(SECRET, 'settings');

  it.each(['smtp://user:p%40ss@mail:465', '', 'ünïcødé ✓ 🔑', 'x'.repeat(10_000)])('round-trips %j', (plaintext) => {
    const sealed = encryptString(key, plaintext);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]*$/);
    expect(decryptString(key, sealed)).toBe(plaintext);
  });

  it('seals the same plaintext differently each time and never shows it', () => {
    const a = encryptString(key, 'hunter2-hunter2');
    const b = encryptString(key, 'hunter2-hunter2');
    expect(a).not.toBe(b);
    expect(a).not.toContain('hunter2');
    expect(Buffer.from(a.split('.')[3]!, 'base64url').toString('utf8')).not.toContain('hunter2');
  });

  const sealed = encryptString(key, 'the plaintext');
  const [version, iv, tag, data] = sealed.split('.') as [string, string, string, string];
  const flip = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64url');
    bytes[0] = bytes[0]! ^ 0x01;
    return bytes.toString('base64url');
  };

  it.each([
    ['a tampered ciphertext', `${version}.${iv}.${tag}.${flip(data)}`],
    ['a tampered tag', `${version}.${iv}.${flip(tag)}.${data}`],
    ['a tampered iv', `${version}.${flip(iv)}.${tag}.${data}`],
    ['a truncated ciphertext', `${version}.${iv}.${tag}.${data.slice(0, -2)}`],
  ])('throws on %s', (_, value) => {
    expect(() => decryptString(key, value)).toThrow();
  });

  it('throws when opened with the key of another purpose', () => {
    expect(() => decryptString(deriveKey(SECRET, 'other'), sealed)).toThrow();
  });

  it.each(['', 'plaintext', `v2.${iv}.${tag}.${data}`, `v1.${iv}.${tag}`, `v1..${tag}.${data}`])('refuses %j as not an encrypted value', (value) => {
    expect(() => decryptString(key, value)).toThrow('not an encrypted value');
  });
});

describe('sha256Hex / safeEqual', () => {
  it('hashes to lowercase hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([
    [Buffer.from('abc'), Buffer.from('abc'), true],
    [Buffer.from('abc'), Buffer.from('abd'), false],
    [Buffer.from('abc'), Buffer.from('abcd'), false],
  ])('compares %s with %s as %s', (a, b, equal) => {
    expect(safeEqual(a, b)).toBe(equal);
  });
});
