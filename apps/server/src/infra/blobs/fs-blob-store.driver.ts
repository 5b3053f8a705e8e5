import { randomUUID } from 'node:crypto';
import { createWriteStream, type Dirent } from 'node:fs';
import { access, constants, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, assertBlobPrefix, assertByteRange, type BlobInfo, BlobNotFoundError, BlobStore, type ByteRange } from './blob-store.port.js';

export interface FsBlobStoreOptions {
  /** Folder that holds the blobs; created on first write. */
  root: string;
}

/** Uploads in progress; a key may not start with it, so no blob can be mistaken for one. */
const TMP_DIR = '.tmp';

/**
 * The embedded BlobStore: one file per key under `root` (key `a/b` is the file `root/a/b`).
 * A write goes to `root/.tmp` first and is renamed into place once complete, so readers never
 * see half a file and a failed upload leaves nothing behind. Because keys are paths, a key
 * cannot also be the folder of another key (`a` and `a/b` cannot both exist), which S3 allows.
 */
export class FsBlobStore extends BlobStore {
  private readonly root: string;
  private readonly tmpDir: string;

  constructor(options: FsBlobStoreOptions) {
    super();
    this.root = resolve(options.root);
    this.tmpDir = join(this.root, TMP_DIR);
  }

  /** The content type is not kept: files are served with the type recorded by the caller. */
  override async put(key: string, body: Readable): Promise<BlobInfo> {
    const target = this.pathOf(key);
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, randomUUID());
    const file = createWriteStream(tmp, { flags: 'wx' });
    try {
      await pipeline(body, file);
      await mkdir(dirname(target), { recursive: true });
      await rename(tmp, target);
    } catch (err) {
      // The file may still be opening when the body fails; removed before that, it would come back.
      if (!file.closed) await new Promise<void>((done) => file.destroy().once('close', () => done()));
      await rm(tmp, { force: true });
      throw err;
    }
    return { key, size: file.bytesWritten };
  }

  override async get(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOf(key);
    if (range) assertByteRange(range);
    // Opened before the stream is handed out, so an absent key is reported here, not mid-read.
    const handle = await open(path, 'r').catch((err: unknown) => {
      throw isAbsent(err) ? new BlobNotFoundError(key) : err;
    });
    try {
      if (!(await handle.stat()).isFile()) throw new BlobNotFoundError(key);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return handle.createReadStream({ start: range?.start, end: range?.end, autoClose: true });
  }

  override async stat(key: string): Promise<BlobInfo | null> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      return info.isFile() ? { key, size: info.size } : null;
    } catch (err) {
      if (isAbsent(err)) return null;
      throw err;
    }
  }

  override async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      // A folder is not a blob: `a` is absent when only `a/b` exists.
      if (!(await stat(path)).isFile()) return;
      await unlink(path);
    } catch (err) {
      if (!isAbsent(err)) throw err;
    }
  }

  override async *list(prefix: string): AsyncIterable<BlobInfo> {
    assertBlobPrefix(prefix);
    // `a/b` lists keys starting with `a/b` (S3 semantics): walk `a/` and filter by the prefix.
    const base = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const start = base === '' ? this.root : this.inside(join(this.root, base));
    yield* this.walk(start, base, prefix);
  }

  override async ping(): Promise<void> {
    await mkdir(this.tmpDir, { recursive: true });
    await access(this.root, constants.R_OK | constants.W_OK);
  }

  override async close(): Promise<void> {}

  private async *walk(dir: string, keyPrefix: string, prefix: string): AsyncIterable<BlobInfo> {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isAbsent(err)) return;
      throw err;
    }
    for (const entry of entries) {
      if (keyPrefix === '' && entry.name === TMP_DIR) continue;
      const key = keyPrefix + entry.name;
      // Symlinks and other special files are never blobs (and never followed).
      if (entry.isDirectory()) {
        if (prefix.startsWith(`${key}/`) || `${key}/`.startsWith(prefix)) yield* this.walk(join(dir, entry.name), `${key}/`, prefix);
      } else if (entry.isFile() && key.startsWith(prefix)) {
        try {
          yield { key, size: (await stat(join(dir, entry.name))).size };
        } catch (err) {
          if (!isAbsent(err)) throw err; // deleted while listing
        }
      }
    }
  }

  /** The file of a key, after the port's key check and a check that it stays inside root. */
  private pathOf(key: string): string {
    assertBlobKey(key);
    if (key === TMP_DIR || key.startsWith(`${TMP_DIR}/`)) throw new Error(`invalid blob key: ${JSON.stringify(key)}`);
    return this.inside(join(this.root, key));
  }

  private inside(path: string): string {
    const full = resolve(path);
    const rel = relative(this.root, full);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new Error(`blob path escapes the store root: ${JSON.stringify(path)}`);
    }
    return full;
  }
}

function isAbsent(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
