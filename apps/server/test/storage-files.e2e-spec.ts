import type { Bucket, FileList, SignedUrlResponse, StoredFile } from '@basalt/contracts';
import { errorOf, eventually } from '@basalt/testkit';
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { SignedUp } from './support/auth-kit.js';
import { pngBytes, StorageKit } from './support/storage-kit.js';

let k: StorageKit;
let ann: SignedUp;
let bob: SignedUp;
/** Anyone signed in uploads; owners list, read and delete their own files. */
let owned: Bucket;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  k = await StorageKit.start();
  ann = await k.auth.signup();
  bob = await k.auth.signup();
  owned = await k.bucket({
    rules: { list: 'owner = @request.auth.id', read: 'owner = @request.auth.id', create: "@request.auth.id != ''", delete: 'owner = @request.auth.id' },
  });
});

afterAll(async () => {
  await k?.stop();
});

describe('upload and download', () => {
  it('stores a file under its id and serves the same bytes with etag, nosniff and a disposition', async () => {
    const bytes = randomBytes(10_000);
    const res = await k.upload(owned.name, bytes, ann.as, { name: 'report.bin', metadata: { album: 'x', n: 2 } });
    expect(res.status).toBe(201);
    const file = res.body;
    expect(file).toMatchObject({ bucket: owned.name, name: 'report.bin', size: 10_000, contentType: 'application/octet-stream', owner: ann.user.id, metadata: { album: 'x', n: 2 } });
    expect(file.etag).toBe(sha(bytes));
    const got = await k.download(k.contentPath(file), ann.as);
    expect(got.status).toBe(200);
    expect(sha(got.bytes)).toBe(sha(bytes));
    expect(got.headers.get('etag')).toBe(`"${file.etag}"`);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toBe(`inline; filename="report.bin"; filename*=UTF-8''report.bin`);
    expect((await k.req<StoredFile>('GET', `/api/storage/buckets/${owned.name}/files/${file.id}`, ann.as)).body).toEqual(file);
    const head = await fetch(k.url + k.contentPath(file), { method: 'HEAD', headers: { authorization: `Bearer ${ann.session.accessToken}` } });
    expect([head.status, head.headers.get('content-length'), head.headers.get('etag')]).toEqual([200, '10000', `"${file.etag}"`]);
    // A signed URL needs no body: expiresIn defaults to an hour.
    const signed = await k.req<SignedUrlResponse>('POST', `/api/storage/buckets/${owned.name}/files/${file.id}/url`, ann.as);
    expect(signed.status).toBe(200);
    expect(Date.parse(signed.body.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
  });

  it('stores a PNG sent as x.txt with text/plain as image/png', async () => {
    const file = (await k.upload(owned.name, pngBytes(), ann.as, { filename: 'x.txt', type: 'text/plain' })).body;
    expect(file.contentType).toBe('image/png');
    expect(file.name).toBe('x.txt');
    const got = await k.download(k.contentPath(file), ann.as);
    expect(got.headers.get('content-type')).toBe('image/png');
  });

  it('keeps the declared type only for plain text, and serves html and svg as attachments', async () => {
    const csv = (await k.upload(owned.name, Buffer.from('a,b\n1,2\n'), ann.as, { filename: 'd.csv', type: 'text/csv' })).body;
    expect(csv.contentType).toBe('text/csv');
    const html = (await k.upload(owned.name, Buffer.from('<!DOCTYPE html><script>alert(1)</script>'), ann.as, { filename: 'a.png', type: 'image/png' })).body;
    expect(html.contentType).toBe('text/html');
    const svg = (await k.upload(owned.name, Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'), ann.as, { filename: 'i.svg' })).body;
    expect(svg.contentType).toBe('image/svg+xml');
    for (const f of [html, svg]) {
      const got = await k.download(k.contentPath(f), ann.as);
      expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('answers If-None-Match with 304 and serves single ranges, 416 for unsatisfiable ones', async () => {
    const bytes = randomBytes(1000);
    const file = await k.uploadOk(owned.name, bytes, ann.as);
    const path = k.contentPath(file);
    const cached = await k.download(path, ann.as, { 'if-none-match': `"${file.etag}"` });
    expect(cached.status).toBe(304);
    expect(cached.bytes.length).toBe(0);
    expect((await k.download(path, ann.as, { 'if-none-match': '"other"' })).status).toBe(200);

    const part = await k.download(path, ann.as, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 10-19/1000');
    expect(part.bytes.equals(bytes.subarray(10, 20))).toBe(true);
    const tail = await k.download(path, ann.as, { range: 'bytes=-5' });
    expect(tail.status).toBe(206);
    expect(tail.bytes.equals(bytes.subarray(995))).toBe(true);
    const open = await k.download(path, ann.as, { range: 'bytes=990-' });
    expect(open.bytes.equals(bytes.subarray(990))).toBe(true);

    for (const range of ['bytes=1000-', 'bytes=5-2', 'bytes=abc', 'bytes=-0']) {
      const bad = await k.download(path, ann.as, { range });
      expect([range, bad.status]).toEqual([range, 416]);
      expect(bad.headers.get('content-range')).toBe('bytes */1000');
      expect(JSON.parse(bad.bytes.toString()).error.code).toBe('range_not_satisfiable');
    }
  });

  it('refuses a type the bucket does not allow with 415, leaving nothing behind', async () => {
    const images = await k.bucket({ allowedTypes: ['image/*'], rules: { create: '' } });
    const res = await k.upload(images.name, Buffer.from('%PDF-1.7 not an image'), ann.as, { filename: 'a.png', type: 'image/png' });
    expect(res.status).toBe(415);
    expect(errorOf(res).code).toBe('unsupported_media_type');
    expect(await k.stats(images.name)).toEqual({ files: 0, bytes: 0, pending: 0 });
    expect(await k.blobKeys(`files/${images.name}/`)).toEqual([]);
    expect((await k.upload(images.name, pngBytes(), ann.as)).status).toBe(201);
  });

  it('cuts off an upload past maxFileSize with 413 and leaves nothing in the blob store or the table', async () => {
    const small = await k.bucket({ maxFileSize: 1024 * 1024, rules: { create: '' } });
    const res = await k.upload(small.name, randomBytes(3 * 1024 * 1024), ann.as);
    expect(res.status).toBe(413);
    expect(errorOf(res).code).toBe('payload_too_large');
    expect(await k.stats(small.name)).toEqual({ files: 0, bytes: 0, pending: 0 });
    expect(await k.blobKeys(`files/${small.name}/`)).toEqual([]);
    expect(await k.blobKeys('.tmp/')).toEqual([]);
    // The server is fine afterwards, and a file at the limit fits.
    expect((await k.upload(small.name, randomBytes(1024 * 1024), ann.as)).status).toBe(201);
  });

  it('leaves nothing behind when the client goes away mid-upload', async () => {
    const bucket = await k.bucket({ rules: { create: '' } });
    const boundary = `b${randomBytes(8).toString('hex')}`;
    const req = httpRequest(`${k.url}/api/storage/buckets/${bucket.name}/files`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${ann.session.accessToken}` },
    });
    req.on('error', () => undefined);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
    req.write(randomBytes(512 * 1024));
    await eventually(async () => (await k.stats(bucket.name)).pending === 1);
    req.destroy();
    await eventually(async () => (await k.stats(bucket.name)).pending === 0);
    expect(await k.blobKeys(`files/${bucket.name}/`)).toEqual([]);
    expect(await k.blobKeys('.tmp/')).toEqual([]);
  });

  it('refuses what is not a multipart upload', async () => {
    const raw = await k.send(`/api/storage/buckets/${owned.name}/files`, 'hello', ann.as, { 'content-type': 'text/plain' });
    expect(raw.status).toBe(415);
    const noFile = new FormData();
    noFile.append('name', 'x');
    const res = await k.send(`/api/storage/buckets/${owned.name}/files`, noFile, ann.as);
    expect(res.status).toBe(400);
    expect(errorOf(res).details).toHaveProperty('file');
    // Refused at the metadata part, with megabytes of file still on their way: the client gets the
    // answer, not a connection reset mid-send.
    const bad = await k.upload(owned.name, randomBytes(4 * 1024 * 1024), ann.as, { metadata: '[1,2]' });
    expect(bad.status).toBe(400);
    expect(errorOf(bad).details).toHaveProperty('metadata');
  });
});

describe('names', () => {
  it.each(['../../x', '%2e%2e%2f', '..\\..\\boot.ini', 'ünï cödé 📄.txt', '/etc/passwd'])('stores %j literally and never as a path', async (name) => {
    const bytes = randomBytes(32);
    const file = await k.uploadOk(owned.name, bytes, ann.as, { name });
    expect(file.name).toBe(name);
    expect(await k.blobKeys(`files/${owned.name}/${file.id}`)).toEqual([`files/${owned.name}/${file.id}`]);
    const got = await k.download(k.contentPath(file), ann.as);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect(got.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`);
  });

  it('stores a filename with path segments literally too', async () => {
    const file = await k.uploadOk(owned.name, randomBytes(8), ann.as, { filename: '../../etc/x' });
    expect(file.name).toBe('../../etc/x');
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a newline', 'a\nb'],
    ['2 KB', 'x'.repeat(2048)],
    ['256 characters', 'y'.repeat(256)],
  ])('refuses a name with %s (400), storing nothing', async (_what, name) => {
    const bucket = await k.bucket({ rules: { create: '' } });
    const res = await k.upload(bucket.name, randomBytes(16), ann.as, { name });
    expect(res.status).toBe(400);
    expect(errorOf(res).details).toHaveProperty('name');
    expect(await k.stats(bucket.name)).toEqual({ files: 0, bytes: 0, pending: 0 });
    expect(await k.blobKeys(`files/${bucket.name}/`)).toEqual([]);
  });
});

describe('rules', () => {
  it('returns 404 to another user for an owner-only file and serves the owner', async () => {
    const file = await k.uploadOk(owned.name, randomBytes(64), ann.as);
    const meta = `/api/storage/buckets/${owned.name}/files/${file.id}`;
    expect((await k.req('GET', meta, bob.as)).status).toBe(404);
    expect((await k.download(k.contentPath(file), bob.as)).status).toBe(404);
    expect((await k.download(k.contentPath(file))).status).toBe(404);
    expect((await k.req('POST', `${meta}/url`, bob.as, {})).status).toBe(404);
    expect((await k.req('DELETE', meta, bob.as)).status).toBe(404);
    expect((await k.req('GET', meta, ann.as)).status).toBe(200);
    expect((await k.download(k.contentPath(file), ann.as)).status).toBe(200);
    const bobsList = await k.list(owned.name, bob.as);
    expect(bobsList.body.items.map((f) => f.id)).not.toContain(file.id);
  });

  it('lets guests upload nothing where create needs a user, and admins and scoped keys bypass rules', async () => {
    expect((await k.upload(owned.name, randomBytes(8))).status).toBe(403);
    const adminOnly = await k.bucket();
    expect((await k.upload(adminOnly.name, randomBytes(8), ann.as)).status).toBe(403);
    const reader = await k.auth.key(['files:read']);
    const writer = await k.auth.key(['files:write']);
    expect((await k.upload(adminOnly.name, randomBytes(8), reader)).status).toBe(403);
    const file = await k.uploadOk(adminOnly.name, randomBytes(8), writer);
    expect(file.owner).toBeNull();
    expect((await k.download(k.contentPath(file), reader)).status).toBe(200);
    expect((await k.download(k.contentPath(file), ann.as)).status).toBe(404);
    expect((await k.req('DELETE', `/api/storage/buckets/${adminOnly.name}/files/${file.id}`, reader)).status).toBe(403);
    expect((await k.req('DELETE', `/api/storage/buckets/${adminOnly.name}/files/${file.id}`, writer)).status).toBe(204);
  });

  it('judges rules on size, contentType and metadata', async () => {
    const bucket = await k.bucket({ rules: { create: "size < 100 && contentType = 'image/png' && metadata.kind = 'ok'", read: '', list: '' } });
    expect((await k.upload(bucket.name, pngBytes(10), ann.as, { metadata: { kind: 'ok' } })).status).toBe(201);
    expect((await k.upload(bucket.name, pngBytes(500), ann.as, { metadata: { kind: 'ok' } })).status).toBe(403);
    expect((await k.upload(bucket.name, pngBytes(10), ann.as, { metadata: { kind: 'no' } })).status).toBe(403);
    expect((await k.upload(bucket.name, randomBytes(10), ann.as, { metadata: { kind: 'ok' } })).status).toBe(403);
    expect(await k.stats(bucket.name)).toMatchObject({ files: 1, pending: 0 });
    expect(await k.blobKeys(`files/${bucket.name}/`)).toHaveLength(1);
  });

  it('serves public buckets to guests', async () => {
    const pub = await k.bucket({ public: true, rules: { create: '' } });
    const file = await k.uploadOk(pub.name, randomBytes(20), ann.as);
    expect((await k.download(k.contentPath(file))).status).toBe(200);
    expect((await k.req('GET', `/api/storage/buckets/${pub.name}/files/${file.id}`)).status).toBe(200);
    expect((await k.list(pub.name, {})).status).toBe(403);
  });
});

describe('signed URLs', () => {
  it('work without credentials and fail when tampered with, expired, or the file is gone', async () => {
    const bytes = randomBytes(300);
    const file = await k.uploadOk(owned.name, bytes, ann.as);
    const res = await k.req<SignedUrlResponse>('POST', `/api/storage/buckets/${owned.name}/files/${file.id}/url`, ann.as, { expiresIn: 60 });
    expect(res.status).toBe(200);
    const { url, expiresAt } = res.body;
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(30_000);
    expect(url.startsWith(`${k.url}/api/storage/buckets/${owned.name}/files/${file.id}/content?`)).toBe(true);
    const got = await k.download(url);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(bytes)).toBe(true);
    expect((await k.download(url, {}, { range: 'bytes=0-9' })).bytes.equals(bytes.subarray(0, 10))).toBe(true);

    const u = new URL(url);
    const sig = u.searchParams.get('signature')!;
    const tampered = [
      url.replace(sig, (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)),
      url.replace(`expires=${u.searchParams.get('expires')}`, `expires=${Number(u.searchParams.get('expires')) + 3600}`),
      url.replace(`&signature=${sig}`, ''),
    ];
    for (const bad of tampered) {
      const r = await k.download(bad);
      expect([bad, r.status]).toEqual([bad, 403]);
    }
    const other = await k.uploadOk(owned.name, randomBytes(10), ann.as);
    expect((await k.download(url.replace(file.id, other.id))).status).toBe(403);

    const short = await k.req<SignedUrlResponse>('POST', `/api/storage/buckets/${owned.name}/files/${file.id}/url`, ann.as, { expiresIn: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await k.download(short.body.url);
    expect(expired.status).toBe(403);
    expect(JSON.parse(expired.bytes.toString()).error.message).toMatch(/expired/);

    expect((await k.req('DELETE', `/api/storage/buckets/${owned.name}/files/${file.id}`, ann.as)).status).toBe(204);
    expect((await k.download(url)).status).toBe(404);
  });

  it('refuses expiries out of range', async () => {
    const file = await k.uploadOk(owned.name, randomBytes(10), ann.as);
    for (const expiresIn of [0, 604801, 'soon']) {
      expect((await k.req('POST', `/api/storage/buckets/${owned.name}/files/${file.id}/url`, ann.as, { expiresIn })).status).toBe(400);
    }
  });
});

describe('listing', () => {
  it('filters, sorts and pages with a cursor', async () => {
    const bucket = await k.bucket({ rules: { list: 'owner = @request.auth.id', create: "@request.auth.id != ''" } });
    const sizes = [5, 50, 500, 40, 400];
    for (const [i, size] of sizes.entries()) await k.uploadOk(bucket.name, randomBytes(size), ann.as, { name: `f${i}`, metadata: { i } });
    await k.uploadOk(bucket.name, randomBytes(7), bob.as, { name: 'bobs' });

    const all: StoredFile[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `?sort=-size&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { status: number; body: FileList } = await k.list(bucket.name, ann.as, q);
      expect(page.status).toBe(200);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(all.map((f) => f.size)).toEqual([500, 400, 50, 40, 5]);

    const filtered = await k.list(bucket.name, ann.as, `?filter=${encodeURIComponent("size >= 40 && name != 'f1' && metadata.i < 4")}&sort=name`);
    expect(filtered.body.items.map((f) => f.name)).toEqual(['f2', 'f3']);
    const admin = await k.list(bucket.name, k.asAdmin, '?sort=name');
    expect(admin.body.items.map((f) => f.name)).toEqual(['bobs', 'f0', 'f1', 'f2', 'f3', 'f4']);
    const bad = await k.list(bucket.name, ann.as, `?filter=${encodeURIComponent('status = 1')}`);
    expect(bad.status).toBe(400);
    expect(errorOf(bad).code).toBe('invalid_filter');
    expect((await k.list(bucket.name, ann.as, '?cursor=nonsense')).status).toBe(400);
  });
});
