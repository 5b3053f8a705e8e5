import { AppError } from '../../common/app-error.js';
import { checkRedirectUri, withParams } from './redirect-uri.js';

const PUBLIC = 'https://api.example.com/basalt';

describe('checkRedirectUri', () => {
  it.each([
    ['the public origin', 'https://api.example.com/app/callback?x=1'],
    ['the public origin with a default port spelled out', 'https://api.example.com:443/cb'],
    ['localhost on any port', 'http://localhost:5173/auth'],
    ['127.0.0.1', 'http://127.0.0.1:3000/'],
    ['IPv6 loopback', 'http://[::1]:8080/cb'],
    ['an app scheme', 'myapp://oauth/callback'],
    ['a reverse-DNS app scheme', 'com.example.app:/oauth2redirect'],
  ])('accepts %s', (_name, uri) => {
    expect(() => checkRedirectUri(uri, PUBLIC)).not.toThrow();
  });

  it.each([
    ['another origin', 'https://evil.example.com/cb'],
    ['a look-alike host', 'https://api.example.com.evil.com/cb'],
    ['credentials that hide the host', 'https://api.example.com@evil.com/cb'],
    ['the public host over plain http', 'http://api.example.com/cb'],
    ['https on localhost (not the dev exception)', 'https://localhost.evil.com/cb'],
    ['a localhost look-alike', 'http://localhost.evil.com/cb'],
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['JavaScript: in mixed case', 'JaVaScRiPt:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['file:', 'file:///etc/passwd'],
    ['a relative path', '/app/callback'],
    ['a protocol-relative URL', '//evil.example.com/cb'],
    ['a fragment', 'https://api.example.com/cb#frag'],
    ['nothing', ''],
    ['a non-string', ['https://api.example.com/cb']],
  ])('refuses %s', (_name, uri) => {
    expect(() => checkRedirectUri(uri, PUBLIC)).toThrow(AppError);
  });
});

describe('withParams', () => {
  it.each([
    ['myapp://cb', 'myapp://cb?code=a%2Bb'],
    ['https://x.test/cb?keep=1', 'https://x.test/cb?keep=1&code=a%2Bb'],
    ['https://x.test/cb?', 'https://x.test/cb?code=a%2Bb'],
    ['https://x.test/cb?keep=1&', 'https://x.test/cb?keep=1&code=a%2Bb'],
  ])('appends to %s', (uri, expected) => {
    expect(withParams(uri, { code: 'a+b' })).toBe(expected);
  });
});
