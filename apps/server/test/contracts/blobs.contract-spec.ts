import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsBlobStore } from '../../src/infra/blobs/fs-blob-store.driver.js';
import { S3BlobStore, type S3BlobStoreOptions } from '../../src/infra/blobs/s3-blob-store.driver.js';
import { blobStoreContract, failingStream, listAll, streamOf } from './blobs.contract.js';

/** The slice of s3rver's API these tests use; the package ships no types. */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: {
  port: number;
  address: string;
  silent: boolean;
  directory: string;
  configureBuckets: Array<{ name: string }>;
}) => S3rverServer;
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverClass;

describe('FsBlobStore', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'basalt-blobs-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  blobStoreContract(async () => new FsBlobStore({ root }));

  it('leaves no temporary file behind after a failed upload', async () => {
    const dir = await mkdtemp(join(root, 'tmp-check-'));
    const store = new FsBlobStore({ root: dir });
    await store.put('kept.txt', streamOf(Buffer.from('x')));
    await expect(store.put('failed.bin', failingStream(1024 * 1024))).rejects.toThrow('client went away');
    await expect(readdir(join(dir, '.tmp'))).resolves.toEqual([]);
    await expect(listAll(store, '')).resolves.toEqual([{ key: 'kept.txt', size: 1 }]);
  });

  it('refuses keys inside its temporary folder', async () => {
    const store = new FsBlobStore({ root });
    await expect(store.put('.tmp/x', streamOf(Buffer.from('x')))).rejects.toThrow(/invalid blob key/);
    await expect(store.stat('.tmp')).rejects.toThrow(/invalid blob key/);
  });
});

describe('S3BlobStore on s3rver', () => {
  let dir: string;
  let server: S3rverServer;
  let options: S3BlobStoreOptions;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'basalt-s3rver-'));
    server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [] });
    const { port } = await server.run();
    options = {
      endPoint: '127.0.0.1',
      port,
      useSSL: false,
      accessKey: 'S3RVER',
      secretKey: 'S3RVER',
      region: 'us-east-1',
      bucket: `basalt-${randomUUID()}`,
      // The S3 minimum, so the contract's 5 MB uploads go through multipart.
      partSize: 5 * 1024 * 1024,
    };
  });

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  blobStoreContract(async () => {
    const store = new S3BlobStore(options);
    await store.ensureBucket(); // idempotent: every test calls it on the same bucket
    return store;
  });

  it('creates a missing bucket in ensureBucket, and ping fails until then', async () => {
    const store = new S3BlobStore({ ...options, bucket: `basalt-${randomUUID()}` });
    try {
      await expect(store.ping()).rejects.toThrow(/does not exist/);
      await store.ensureBucket();
      await store.ensureBucket();
      await expect(store.ping()).resolves.toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('rejects ping when the endpoint cannot be reached', async () => {
    // Port 1 refuses connections.
    const store = new S3BlobStore({ ...options, port: 1, pingTimeoutMs: 1000 });
    try {
      await expect(store.ping()).rejects.toThrow();
    } finally {
      await store.close();
    }
  });
});
