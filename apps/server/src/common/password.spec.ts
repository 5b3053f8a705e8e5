import { DEFAULT_SCRYPT, hashPassword, MAX_CONCURRENT_HASHES, verifyAgainstDummy, verifyPassword, withHashSlot } from './password.js';

/** Cheap parameters: the scheme is the same, only the cost differs. */
const FAST = { N: 1024, r: 8, p: 1 };

describe('hashPassword / verifyPassword', () => {
  it('verifies the password it hashed', async () => {
    const stored = await hashPassword('correct horse battery staple', FAST);
    await expect(verifyPassword('correct horse battery staple', stored)).resolves.toBe(true);
  });

  it.each(['wrong', 'correct horse battery stapl', 'Correct horse battery staple', ''])('refuses the wrong password %j', async (attempt) => {
    const stored = await hashPassword('correct horse battery staple', FAST);
    await expect(verifyPassword(attempt, stored)).resolves.toBe(false);
  });

  it('writes a self-describing scrypt$N$r$p$salt$hash string', async () => {
    const stored = await hashPassword('pw', FAST);
    const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '1024', '8', '1']);
    expect(rest).toEqual([]);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64')).toHaveLength(64);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', FAST), hashPassword('same', FAST)]);
    expect(a).not.toBe(b);
  });

  it('uses the production cost by default', async () => {
    const stored = await hashPassword('pw');
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', String(DEFAULT_SCRYPT.N), String(DEFAULT_SCRYPT.r), String(DEFAULT_SCRYPT.p)]);
  });

  it.each([
    { N: 2048, r: 8, p: 1 },
    { N: 1024, r: 4, p: 2 },
    { N: 512, r: 16, p: 1 },
  ])('verifies a hash made with other parameters %j, read from the stored value', async (params) => {
    const stored = await hashPassword('pw', params);
    await expect(verifyPassword('pw', stored)).resolves.toBe(true);
    await expect(verifyPassword('pW', stored)).resolves.toBe(false);
  });

  it('compares passwords in NFKC form, so composed and decomposed accents match', async () => {
    const stored = await hashPassword('caf\u00e9', FAST);
    await expect(verifyPassword('cafe\u0301', stored)).resolves.toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['plain text', 'hunter2'],
    ['another scheme', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['too few parts', 'scrypt$1024$8$1'],
    ['an empty salt and hash', 'scrypt$1024$8$1$$'],
    ['a hash of another length', `scrypt$1024$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`],
  ])('answers false for a stored value that is %s', async (_, stored) => {
    await expect(verifyPassword('pw', stored)).resolves.toBe(false);
  });

  // A corrupt (or hand-edited) row reads as a failed login, not a 500, even when scrypt refuses its cost parameters.
  it.each([
    ['cost parameters that are not numbers', `scrypt$x$y$z$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(64).toString('base64')}`],
    ['an N that is not a power of two', `scrypt$1000$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(64).toString('base64')}`],
  ])('answers false for a stored value with %s', async (_, stored) => {
    await expect(verifyPassword('pw', stored)).resolves.toBe(false);
  });
});

describe('verifyAgainstDummy', () => {
  it('always answers false, whatever the password', async () => {
    await expect(verifyAgainstDummy('anything')).resolves.toBe(false);
    await expect(verifyAgainstDummy('')).resolves.toBe(false);
  });
});

describe('bounded hashing', () => {
  it('never runs more than MAX_CONCURRENT_HASHES at once, and runs every caller', async () => {
    let running = 0;
    let peak = 0;
    const work = async (i: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running -= 1;
      return i;
    };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => withHashSlot(() => work(i))));
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(peak).toBe(MAX_CONCURRENT_HASHES);
  });

  it('frees the slot when the work fails', async () => {
    const failures = Array.from({ length: MAX_CONCURRENT_HASHES * 2 }, () => withHashSlot(() => Promise.reject(new Error('boom'))));
    await Promise.all(failures.map((f) => expect(f).rejects.toThrow('boom')));
    await expect(withHashSlot(async () => 'ran')).resolves.toBe('ran');
  });

  it('verifies many concurrent logins correctly', async () => {
    const stored = await hashPassword('pw-1234', FAST);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => verifyPassword(i % 2 ? 'pw-1234' : 'nope', stored)));
    expect(answers).toEqual(Array.from({ length: 30 }, (_, i) => i % 2 === 1));
  });
});
