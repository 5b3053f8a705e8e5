import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** Production cost: apps/server/src/common/password.ts DEFAULT_SCRYPT (N=2^15, r=8, p=1, 64-byte key). */
const SCRYPT = { N: 32768, r: 8, p: 1, maxmem: 256 * 32768 * 8 };

export function hashPassword(password) {
  const salt = randomBytes(16);
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, 64, SCRYPT, (err, key) => (err ? reject(err) : resolve(`${salt.toString('base64')}$${key.toString('base64')}`))),
  );
}

export function verifyPassword(password, stored) {
  const [salt, hash] = stored.split('$');
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64'), 64, SCRYPT, (err, key) =>
      err ? reject(err) : resolve(timingSafeEqual(key, Buffer.from(hash, 'base64'))),
    ),
  );
}
