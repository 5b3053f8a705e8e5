import type { StoredFile } from '@basalt/contracts';
import { BasaltError, type UploadProgress } from '../src';
import { FakeXMLHttpRequest } from './support/fake-xhr';
import { Live } from './support/live';

/* basalt.storage: upload (Buffer, Blob, File, stream) with progress, download, signedUrl, list, delete, and the errors. */

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201c5d5a0b10000000049454e44ae426082', 'hex');
const OWNER_ONLY = "owner = @request.auth.id";

let live: Live;
beforeAll(async () => {
  live = await Live.start();
  const { admin } = await live.admin();
  await admin.buckets.create({ name: 'docs', rules: { list: OWNER_ONLY, read: OWNER_ONLY, create: "@request.auth.id != ''", delete: OWNER_ONLY } });
  await admin.buckets.create({ name: 'pictures', maxFileSize: 64 * 1024, allowedTypes: ['image/*'], rules: { list: OWNER_ONLY, read: OWNER_ONLY, create: "@request.auth.id != ''", delete: OWNER_ONLY } });
});
afterAll(async () => {
  await live?.stop();
});

function bigFile(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31) % 251;
  return b;
}

describe('upload', () => {
  it('a Buffer with onProgress: progress events arrive, ending at the full size; then download gives the same bytes', async () => {
    const { client: basalt } = await live.user();
    const bytes = bigFile(1024 * 1024);
    const progress: UploadProgress[] = [];
    const file = await basalt.storage.bucket('docs').upload(bytes, { name: 'data.bin', metadata: { kind: 'test' }, onProgress: (p) => progress.push(p) });
    expect(file).toMatchObject({ bucket: 'docs', name: 'data.bin', size: bytes.length, owner: basalt.auth.user!.id, metadata: { kind: 'test' } });
    expect(progress.length).toBeGreaterThan(4);
    expect(progress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length });
    const downloaded = Buffer.from(await (await basalt.storage.bucket('docs').download(file.id)).arrayBuffer());
    expect(downloaded.equals(bytes)).toBe(true);
  });

  it('a Blob, a File and a ReadableStream', async () => {
    const { client: basalt } = await live.user();
    const docs = basalt.storage.bucket('docs');
    const fromBlob = await docs.upload(new Blob(['hello blob'], { type: 'text/plain' }), { name: 'blob.txt' });
    expect(fromBlob).toMatchObject({ name: 'blob.txt', size: 10 });
    const fromFile = await docs.upload(new File([PNG], 'pixel.png', { type: 'image/png' }));
    expect(fromFile).toMatchObject({ name: 'pixel.png', contentType: 'image/png', size: PNG.length });
    const progress: UploadProgress[] = [];
    const stream = new Blob([new Uint8Array(bigFile(200_000))]).stream();
    const fromStream = await docs.upload(stream, { name: 'stream.bin', size: 200_000, onProgress: (p) => progress.push(p) });
    expect(fromStream.size).toBe(200_000);
    expect(progress.at(-1)).toEqual({ loaded: 200_000, total: 200_000 });
  });

  it('in a browser (XMLHttpRequest present) progress comes from XHR upload events', async () => {
    const { client: basalt } = await live.user();
    const g = globalThis as { XMLHttpRequest?: unknown };
    g.XMLHttpRequest = FakeXMLHttpRequest;
    try {
      const bytes = bigFile(300_000);
      const progress: UploadProgress[] = [];
      const file = await basalt.storage.bucket('docs').upload(new Blob([new Uint8Array(bytes)]), { name: 'xhr.bin', onProgress: (p) => progress.push(p) });
      expect(FakeXMLHttpRequest.created).toBe(1);
      expect(file.size).toBe(bytes.length);
      expect(progress.length).toBeGreaterThan(3);
      expect(progress.at(-1)).toEqual({ loaded: bytes.length, total: bytes.length });
      const err = await basalt.storage.bucket('nope').upload(new Blob([new Uint8Array(bytes)]), { onProgress: () => undefined }).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 404, code: 'not_found' });
    } finally {
      delete g.XMLHttpRequest;
    }
  });

  it('too large is payload_too_large, a type not allowed is unsupported_media_type', async () => {
    const { client: basalt } = await live.user();
    const avatars = basalt.storage.bucket('pictures');
    const big = await avatars.upload(Buffer.concat([PNG, bigFile(128 * 1024)]), { name: 'big.png' }).catch((e: unknown) => e);
    expect(big).toBeInstanceOf(BasaltError);
    expect(big).toMatchObject({ status: 413, code: 'payload_too_large' });
    await expect(avatars.upload(Buffer.from('just text'), { name: 'a.txt' })).rejects.toMatchObject({ status: 415, code: 'unsupported_media_type' });
    expect((await avatars.upload(PNG, { name: 'ok.png' })).contentType).toBe('image/png');
  });
});

describe('files', () => {
  it('get, list, download a range, signedUrl (works without credentials), delete', async () => {
    const { client: basalt } = await live.user();
    const docs = basalt.storage.bucket('docs');
    const files: StoredFile[] = [];
    for (const n of ['a', 'b', 'c']) files.push(await docs.upload(Buffer.from(`content ${n}`), { name: `${n}.txt` }));
    expect((await docs.get(files[0]!.id)).name).toBe('a.txt');
    const listed = await docs.list({ sort: 'name', limit: 2 });
    expect(listed.items.map((f) => f.name)).toEqual(['a.txt', 'b.txt']);
    const rest = await docs.list({ sort: 'name', limit: 2, cursor: listed.nextCursor! });
    expect(rest.items.map((f) => f.name)).toEqual(['c.txt']);
    expect(await (await docs.download(files[1]!.id, { range: { start: 8, end: 8 } })).text()).toBe('b');

    const signed = await docs.signedUrl(files[2]!.id, { expiresIn: 60 });
    expect(new Date(signed.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const res = await fetch(signed.url);
    expect(await res.text()).toBe('content c');
    // The plain URL needs credentials.
    expect((await fetch(docs.contentUrl(files[2]!.id))).status).toBe(404);

    await docs.delete(files[0]!.id);
    await expect(docs.get(files[0]!.id)).rejects.toMatchObject({ status: 404, code: 'not_found' });
    // Another user cannot see them.
    const { client: other } = await live.user();
    await expect(other.storage.bucket('docs').download(files[1]!.id)).rejects.toMatchObject({ status: 404 });
  });

  it('admin buckets: list, get, update, stats, delete', async () => {
    const { admin } = await live.admin();
    await admin.buckets.create({ name: 'temp', public: true });
    expect((await admin.buckets.list()).map((b) => b.name)).toEqual(expect.arrayContaining(['docs', 'pictures', 'temp']));
    expect((await admin.buckets.update('temp', { maxFileSize: 1234 })).maxFileSize).toBe(1234);
    expect((await admin.buckets.get('temp')).public).toBe(true);
    expect(await admin.buckets.stats('temp')).toMatchObject({ files: 0, bytes: 0 });
    await admin.buckets.delete('temp');
    await expect(admin.buckets.get('temp')).rejects.toMatchObject({ status: 404 });
  });
});
