import { UrlSigner } from './signed-urls.js';

const ID = '0193a000-0000-7000-8000-000000000001';
const NOW = Date.UTC(2025, 0, 1);

describe('UrlSigner', () => {
  const signer = new UrlSigner('a server secret of some length');
  const expires = NOW / 1000 + 60;
  const { signature } = signer.sign('docs', ID, expires);

  it('accepts its own signature until the expiry', () => {
    expect(signer.verify('docs', ID, String(expires), signature, NOW)).toBe('valid');
    expect(signer.verify('docs', ID.toUpperCase(), String(expires), signature, NOW)).toBe('valid');
    expect(signer.verify('docs', ID, String(expires), signature, expires * 1000)).toBe('expired');
  });

  it('refuses another bucket, file, expiry or a changed signature', () => {
    expect(signer.verify('other', ID, String(expires), signature, NOW)).toBe('invalid');
    expect(signer.verify('docs', ID.replace(/1$/, '2'), String(expires), signature, NOW)).toBe('invalid');
    expect(signer.verify('docs', ID, String(expires + 1), signature, NOW)).toBe('invalid');
    const flipped = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(signer.verify('docs', ID, String(expires), flipped, NOW)).toBe('invalid');
  });

  it('refuses missing and malformed parts without throwing', () => {
    expect(signer.verify('docs', ID, undefined, signature, NOW)).toBe('invalid');
    expect(signer.verify('docs', ID, String(expires), undefined, NOW)).toBe('invalid');
    expect(signer.verify('docs', ID, '-1', signature, NOW)).toBe('invalid');
    expect(signer.verify('docs', ID, String(expires), `${signature}=`, NOW)).toBe('invalid');
    expect(signer.verify('docs', ID, String(expires), '', NOW)).toBe('invalid');
  });

  it('signs with a key of its own: another secret gives another signature', () => {
    expect(new UrlSigner('another secret').sign('docs', ID, expires).signature).not.toBe(signature);
  });
});
