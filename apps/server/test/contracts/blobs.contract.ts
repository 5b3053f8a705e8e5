import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { type BlobInfo, BlobNotFoundError, type BlobStore } from '../../src/infra/blobs/blob-store.port.js';

/** Streams `data` in 64 KiB chunks, as an upload from a client would arrive. */
export function streamOf(data: Buffer): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= data.length) return void this.push(null);
      this.push(data.subarray(offset, offset + 64 * 1024));
      offset += 64 * 1024;
    },
  });
}

/** Sends `bytes` random bytes, then fails the way a dropped client connection does. */
export function failingStream(bytes: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= bytes) return void this.destroy(new Error('client went away'));
      const size = Math.min(64 * 1024, bytes - sent);
      sent += size;
      this.push(randomBytes(size));
    },
  });
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export async function listAll(store: BlobStore, prefix: string): Promise<BlobInfo[]> {
  const found: BlobInfo[] = [];
  for await (const info of store.list(prefix)) found.push(info);
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

const INVALID_KEYS = ['../x', 'a/../b', '', 'a\0b', '/a', 'a//b', 'a/./b', 'a b'];

/**
 * The BlobStore contract, run against every driver. `makeStore` returns a ready store (fresh or
 * shared); every test works under its own random key prefix, and the suite closes the stores.
 * Uploads cross 5 MiB, so a driver that splits uploads into parts of 5 MiB crosses a part
 * boundary in the size, range and failure cases.
 */
export function blobStoreContract(makeStore: () => Promise<BlobStore>): void {
  const opened: BlobStore[] = [];
  let store: BlobStore;
  let ns: string;

  beforeEach(async () => {
    store = await makeStore();
    opened.push(store);
    ns = `t-${randomUUID()}`;
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  it('stores a 5 MB stream and gives back identical bytes', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 1234);
    const key = `${ns}/big.bin`;

    await expect(store.put(key, streamOf(data), 'application/octet-stream')).resolves.toEqual({ key, size: data.length });

    expect((await readAll(await store.get(key))).equals(data)).toBe(true);
    await expect(store.stat(key)).resolves.toEqual({ key, size: data.length });
  });

  it('stores an empty body as a blob of size 0', async () => {
    const key = `${ns}/empty`;
    await expect(store.put(key, streamOf(Buffer.alloc(0)))).resolves.toEqual({ key, size: 0 });
    expect(await readAll(await store.get(key))).toEqual(Buffer.alloc(0));
  });

  it('reads inclusive byte ranges, an end past the size reading to the end', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 10);
    const key = `${ns}/ranged.bin`;
    await store.put(key, streamOf(data));
    const n = data.length;

    // Not [0, 0]: s3rver answers `bytes=0-0` with the whole object (it reads an end of 0 as
    // "no end"); S3 and MinIO answer one byte.
    const cases: Array<[number, number, Buffer]> = [
      [0, 1, data.subarray(0, 2)],
      [10, 19, data.subarray(10, 20)],
      [5 * 1024 * 1024 - 3, 5 * 1024 * 1024 + 3, data.subarray(5 * 1024 * 1024 - 3, 5 * 1024 * 1024 + 4)],
      [n - 1, n - 1, data.subarray(n - 1)],
      [n - 5, n + 100, data.subarray(n - 5)],
    ];
    for (const [start, end, expected] of cases) {
      expect((await readAll(await store.get(key, { start, end }))).equals(expected)).toBe(true);
    }
    await expect(store.get(key, { start: 5, end: 4 })).rejects.toThrow();
  });

  it('replaces the blob when a key is written again', async () => {
    const key = `${ns}/doc.txt`;
    await store.put(key, streamOf(Buffer.from('first version')), 'text/plain');
    await store.put(key, streamOf(Buffer.from('v2')), 'text/plain');

    expect((await readAll(await store.get(key))).toString()).toBe('v2');
    await expect(store.stat(key)).resolves.toEqual({ key, size: 2 });
  });

  it('returns null from stat and throws BlobNotFoundError from get for an absent key', async () => {
    const key = `${ns}/absent`;
    await expect(store.stat(key)).resolves.toBeNull();
    const err = await store.get(key).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BlobNotFoundError);
    expect((err as BlobNotFoundError).key).toBe(key);
    await expect(store.get(key, { start: 0, end: 10 })).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  it('deletes a blob, and deleting an absent key succeeds', async () => {
    const key = `${ns}/gone.txt`;
    await store.put(key, streamOf(Buffer.from('bye')));

    await store.delete(key);
    await expect(store.delete(key)).resolves.toBeUndefined();
    await expect(store.delete(`${ns}/never/was`)).resolves.toBeUndefined();

    await expect(store.stat(key)).resolves.toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(listAll(store, `${ns}/`)).resolves.toEqual([]);
  });

  it('lists every key under a prefix, nested ones included, with sizes', async () => {
    const put = (key: string, text: string) => store.put(`${ns}/${key}`, streamOf(Buffer.from(text)));
    await put('docs/a.txt', 'a');
    await put('docs/sub/b.txt', 'bb');
    await put('docs2/c.txt', 'ccc');
    await put('other.txt', 'dddd');

    await expect(listAll(store, `${ns}/docs/`)).resolves.toEqual([
      { key: `${ns}/docs/a.txt`, size: 1 },
      { key: `${ns}/docs/sub/b.txt`, size: 2 },
    ]);
    // A prefix is a string prefix of the key, not a folder (S3 semantics).
    await expect(listAll(store, `${ns}/doc`)).resolves.toEqual([
      { key: `${ns}/docs/a.txt`, size: 1 },
      { key: `${ns}/docs/sub/b.txt`, size: 2 },
      { key: `${ns}/docs2/c.txt`, size: 3 },
    ]);
    await expect(listAll(store, `${ns}/`)).resolves.toHaveLength(4);
    await expect(listAll(store, `${ns}/nothing/`)).resolves.toEqual([]);
    expect((await listAll(store, '')).filter((b) => b.key.startsWith(`${ns}/`))).toHaveLength(4);
  });

  it.each([
    ['before the first 5 MiB', 100 * 1024],
    ['after the first 5 MiB', 6 * 1024 * 1024],
  ])('leaves nothing under the key when the body fails %s', async (_when, bytes) => {
    const key = `${ns}/upload.bin`;

    await expect(store.put(key, failingStream(bytes))).rejects.toThrow('client went away');

    await expect(store.stat(key)).resolves.toBeNull();
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(listAll(store, `${ns}/`)).resolves.toEqual([]);
  });

  it('keeps the previous blob when a replacing upload fails', async () => {
    const key = `${ns}/kept.txt`;
    await store.put(key, streamOf(Buffer.from('original')));

    await expect(store.put(key, failingStream(6 * 1024 * 1024))).rejects.toThrow('client went away');

    expect((await readAll(await store.get(key))).toString()).toBe('original');
  });

  it.each(INVALID_KEYS.map((key) => [JSON.stringify(key), key]))('refuses the key %s in every method', async (_shown, key) => {
    await expect(store.put(key, streamOf(Buffer.from('x')))).rejects.toThrow(/invalid blob key/);
    await expect(store.get(key)).rejects.toThrow(/invalid blob key/);
    await expect(store.stat(key)).rejects.toThrow(/invalid blob key/);
    await expect(store.delete(key)).rejects.toThrow(/invalid blob key/);
  });

  it.each(['../', '/x', 'a/../', 'a\0'])('refuses the list prefix %j', async (prefix) => {
    await expect(listAll(store, prefix)).rejects.toThrow(/invalid blob prefix/);
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
}
