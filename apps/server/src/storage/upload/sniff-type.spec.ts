import { isActiveContent, isTypeAllowed, sniffContentType } from './sniff-type.js';

const hex = (h: string) => Buffer.from(h.replace(/\s/g, ''), 'hex');
const text = (s: string) => Buffer.from(s, 'utf8');
const pad = (b: Buffer, n = 64) => Buffer.concat([b, Buffer.alloc(n, 0x11)]);

describe('sniffContentType', () => {
  it.each([
    ['png', hex('89504e470d0a1a0a0000000d49484452'), 'image/png'],
    ['jpeg', hex('ffd8ffe000104a464946'), 'image/jpeg'],
    ['gif', text('GIF89a\u0001\u0000'), 'image/gif'],
    ['webp', Buffer.concat([text('RIFF'), hex('24000000'), text('WEBPVP8 ')]), 'image/webp'],
    ['wav', Buffer.concat([text('RIFF'), hex('24000000'), text('WAVEfmt ')]), 'audio/wav'],
    ['bmp', text('BM6\u0000\u0000\u0000'), 'image/bmp'],
    ['ico', hex('00000100010010100000'), 'image/x-icon'],
    ['tiff (le)', hex('49492a0008000000'), 'image/tiff'],
    ['tiff (be)', hex('4d4d002a00000008'), 'image/tiff'],
    ['avif', Buffer.concat([hex('00000020'), text('ftypavif'), hex('00000000')]), 'image/avif'],
    ['heic', Buffer.concat([hex('00000018'), text('ftypheic'), hex('00000000')]), 'image/heic'],
    ['mp4', Buffer.concat([hex('00000018'), text('ftypisom'), hex('00000200')]), 'video/mp4'],
    ['mov', Buffer.concat([hex('00000014'), text('ftypqt  '), hex('00000000')]), 'video/quicktime'],
    ['pdf', text('%PDF-1.7\n'), 'application/pdf'],
    ['zip', hex('504b0304140000000800'), 'application/zip'],
    ['gzip', hex('1f8b0800000000000003'), 'application/gzip'],
    ['7z', hex('377abcaf271c0004'), 'application/x-7z-compressed'],
    ['rar', Buffer.concat([text('Rar!'), hex('1a0700')]), 'application/vnd.rar'],
    ['mp3 (id3)', text('ID3\u0004\u0000'), 'audio/mpeg'],
    ['mp3 (frame)', hex('fffb9064'), 'audio/mpeg'],
    ['ogg', text('OggS\u0000\u0002'), 'audio/ogg'],
    ['flac', text('fLaC\u0000\u0000'), 'audio/flac'],
    ['webm', Buffer.concat([hex('1a45dfa3'), text('\u0001B\u0086\u0081\u0001webm')]), 'video/webm'],
    ['mkv', Buffer.concat([hex('1a45dfa3'), text('\u0001B\u0086\u0081\u0001matroska')]), 'video/x-matroska'],
    ['wasm', hex('0061736d01000000'), 'application/wasm'],
  ])('recognises %s by its magic number, whatever is declared', (_name, head, type) => {
    expect(sniffContentType(pad(head), 'text/plain', false)).toBe(type);
  });

  it('recognises tar by its ustar header at offset 257', () => {
    const head = Buffer.alloc(600, 0);
    head.write('ustar', 257, 'latin1');
    expect(sniffContentType(head, undefined, false)).toBe('application/x-tar');
  });

  it('uses the declared type for plain text only, and only known harmless text types', () => {
    expect(sniffContentType(text('a,b\n1,2\n'), 'text/csv', true)).toBe('text/csv');
    expect(sniffContentType(text('{"a":1}'), 'application/json; charset=utf-8', true)).toBe('application/json');
    expect(sniffContentType(text('hello'), 'image/png', true)).toBe('text/plain');
    expect(sniffContentType(text('hello'), 'text/x-weird', true)).toBe('text/plain');
    expect(sniffContentType(text('hello'), undefined, true)).toBe('text/plain');
    expect(sniffContentType(Buffer.alloc(0), 'text/csv', true)).toBe('text/csv');
  });

  it('detects markup browsers would run, whatever is declared', () => {
    expect(sniffContentType(text('  <!DOCTYPE html><p>x'), 'text/plain', true)).toBe('text/html');
    expect(sniffContentType(text('\uFEFF<html><body>x'), 'text/plain', true)).toBe('text/html');
    expect(sniffContentType(text('hi <script>alert(1)</script>'), 'text/plain', true)).toBe('text/html');
    expect(sniffContentType(text('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'image/png', true)).toBe('image/svg+xml');
    expect(sniffContentType(text('<?xml version="1.0"?>\n<svg>'), 'text/plain', true)).toBe('image/svg+xml');
    expect(sniffContentType(text('<?xml version="1.0"?><note/>'), 'text/plain', true)).toBe('application/xml');
  });

  it('calls binary without a known signature octet-stream, never trusting the declared type', () => {
    expect(sniffContentType(hex('00010203040506ff'), 'image/png', true)).toBe('application/octet-stream');
    expect(sniffContentType(hex('c328'), 'text/plain', true)).toBe('application/octet-stream');
  });

  it('does not hold a multi-byte character cut by the peek against the text', () => {
    const cut = Buffer.from('aé', 'utf8').subarray(0, 2);
    expect(sniffContentType(cut, 'text/plain', false)).toBe('text/plain');
    expect(sniffContentType(cut, 'text/plain', true)).toBe('application/octet-stream');
  });
});

describe('isTypeAllowed', () => {
  it.each([
    ['image/png', [], true],
    ['image/png', ['image/*'], true],
    ['image/png', ['image/png'], true],
    ['image/png', ['*/*'], true],
    ['image/png', ['image/jpeg'], false],
    ['application/pdf', ['image/*'], false],
    ['imagex/png', ['image/*'], false],
  ] as const)('%s against %j: %s', (type, allowed, expected) => {
    expect(isTypeAllowed(type, allowed)).toBe(expected);
  });
});

describe('isActiveContent', () => {
  it.each(['text/html', 'image/svg+xml', 'application/xml', 'text/xml', 'application/xhtml+xml', 'text/javascript'])('%s is served as an attachment', (t) => {
    expect(isActiveContent(t)).toBe(true);
  });
  it.each(['image/png', 'text/plain', 'application/pdf', 'video/mp4'])('%s may be inline', (t) => {
    expect(isActiveContent(t)).toBe(false);
  });
});
