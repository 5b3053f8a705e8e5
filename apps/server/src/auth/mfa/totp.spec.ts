import { randomBytes } from 'node:crypto';
import { base32Decode, base32Encode, hotp, otpauthUrl, totp, totpStep, verifyTotp } from './totp.js';

/** The ASCII secret of RFC 4226 appendix D and RFC 6238 appendix B (SHA1). */
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');

describe('base32', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('encodes %j as %j (RFC 4648 section 10, padding removed)', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(base32Decode(encoded).toString()).toBe(plain);
  });

  it('encodes the RFC secret as authenticator apps know it', () => {
    expect(base32Encode(RFC_SECRET)).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('round-trips random bytes of every length up to 40', () => {
    for (let n = 0; n <= 40; n++) {
      const bytes = randomBytes(n);
      const encoded = base32Encode(bytes);
      expect(encoded).toMatch(/^[A-Z2-7]*$/);
      expect(base32Decode(encoded).equals(bytes)).toBe(true);
    }
  });

  it('decodes lower case, spaces and padding as typed by hand', () => {
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
  });

  it.each(['MZXW1', 'MZ-XW', 'MZXW6!'])('refuses %j', (text) => {
    expect(() => base32Decode(text)).toThrow(/not a base32 character/);
  });
});

describe('hotp', () => {
  it.each([
    [0, '755224'],
    [1, '287082'],
    [2, '359152'],
    [3, '969429'],
    [4, '338314'],
    [5, '254676'],
    [6, '287922'],
    [7, '162583'],
    [8, '399871'],
    [9, '520489'],
  ])('matches RFC 4226 appendix D at counter %i', (counter, code) => {
    expect(hotp(RFC_SECRET, counter)).toBe(code);
  });
});

describe('totp', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches RFC 6238 appendix B (SHA1) at T=%i', (seconds, eightDigits) => {
    expect(totp(RFC_SECRET, seconds * 1000, 8)).toBe(eightDigits);
    // 6 digits are the same truncation modulo 10^6.
    expect(totp(RFC_SECRET, seconds * 1000)).toBe(eightDigits.slice(2));
  });

  it('uses 30-second steps', () => {
    expect(totpStep(0)).toBe(0);
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
    expect(totpStep(1111111109_000)).toBe(37037036);
  });
});

describe('verifyTotp', () => {
  const now = 1111111111_000;
  const step = totpStep(now);

  it('returns the step of the current code', () => {
    expect(verifyTotp(RFC_SECRET, hotp(RFC_SECRET, step), now)).toBe(step);
  });

  it('accepts one step either side by default, for clock drift', () => {
    expect(verifyTotp(RFC_SECRET, hotp(RFC_SECRET, step - 1), now)).toBe(step - 1);
    expect(verifyTotp(RFC_SECRET, hotp(RFC_SECRET, step + 1), now)).toBe(step + 1);
  });

  it('refuses codes outside the window', () => {
    expect(verifyTotp(RFC_SECRET, hotp(RFC_SECRET, step - 2), now)).toBeNull();
    expect(verifyTotp(RFC_SECRET, hotp(RFC_SECRET, step + 2), now)).toBeNull();
    expect(verifyTotp(RFC_SECRET, hotp(RFC_SECRET, step - 1), now, 0)).toBeNull();
    expect(verifyTotp(RFC_SECRET, hotp(RFC_SECRET, step - 2), now, 2)).toBe(step - 2);
  });

  it('refuses the code of another secret', () => {
    expect(verifyTotp(randomBytes(20), hotp(RFC_SECRET, step), now)).toBeNull();
  });

  it.each(['', '12345', '1234567', '14050471', 'abcdef', ' 050471', '05047a', '٠٥٠٤٧١'])('refuses the malformed code %j', (code) => {
    expect(verifyTotp(RFC_SECRET, code, now)).toBeNull();
  });

  it('does not look before step 0', () => {
    expect(verifyTotp(RFC_SECRET, hotp(RFC_SECRET, 0), 0)).toBe(0);
  });
});

describe('otpauthUrl', () => {
  it('builds the key URI with the issuer in the label and the query', () => {
    expect(otpauthUrl({ issuer: 'Basalt', account: 'ann@example.com', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' })).toBe(
      'otpauth://totp/Basalt:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Basalt&algorithm=SHA1&digits=6&period=30',
    );
  });

  it('percent-encodes spaces, colons and other reserved characters', () => {
    const url = otpauthUrl({ issuer: 'My App: Prod', account: 'a b&c=d', secret: 'MZXW6' });
    expect(url).toBe('otpauth://totp/My%20App%3A%20Prod:a%20b%26c%3Dd?secret=MZXW6&issuer=My%20App%3A%20Prod&algorithm=SHA1&digits=6&period=30');
    const parsed = new URL(url);
    expect(parsed.protocol).toBe('otpauth:');
    expect(parsed.searchParams.get('issuer')).toBe('My App: Prod');
    expect(decodeURIComponent(parsed.pathname.split(':')[1]!)).toBe('a b&c=d');
  });
});
