import type { BaseRecord, Bucket, Collection, StorageReconcileResult, StoredFile } from '@basalt/contracts';
import { errorOf, eventually } from '@basalt/testkit';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SignedUp } from './support/auth-kit.js';
import { bucketName, pngBytes, StorageKit } from './support/storage-kit.js';

let k: StorageKit;
let ann: SignedUp;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const MB = 1024 * 1024;

beforeAll(async () => {
  k = await StorageKit.start();
  ann = await k.auth.signup();
});

afterAll(async () => {
  await k?.stop();
});

describe('streaming', () => {
  it('uploads and downloads 20 MB byte-identical while the server RSS grows less than 50 MB', async () => {
    const big = await k.bucket({ maxFileSize: 64 * MB, rules: { create: "@request.auth.id != ''", read: 'owner = @request.auth.id' } });
    // Warm up the upload and download paths so their code and pools are in the baseline.
    const warm = await k.uploadOk(big.name, randomBytes(256 * 1024), ann.as);
    await k.download(k.contentPath(warm), ann.as);
    const baseline = k.rss();
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, k.rss());
    }, 25);
    try {
      const bytes = randomBytes(20 * MB);
      const file = await k.uploadOk(big.name, bytes, ann.as);
      expect(file.size).toBe(20 * MB);
      expect(file.etag).toBe(sha(bytes));
      const got = await k.download(k.contentPath(file), ann.as);
      expect(got.status).toBe(200);
      expect(got.bytes.length).toBe(20 * MB);
      expect(sha(got.bytes)).toBe(sha(bytes));
      peak = Math.max(peak, k.rss());
    } finally {
      clearInterval(sampler);
    }
    process.stdout.write(`server RSS grew by ${((peak - baseline) / MB).toFixed(1)} MB\n`);
    expect(peak - baseline).toBeLessThan(50 * MB);
  });
});

describe('buckets', () => {
  it('creates, reads, updates, lists and deletes buckets (admin or schema:write)', async () => {
    const name = bucketName();
    const created = await k.req<Bucket>('POST', '/api/storage/buckets', k.asAdmin, { name, allowedTypes: ['image/*', 'application/pdf'], rules: { read: '' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, public: false, maxFileSize: 10 * MB, allowedTypes: ['image/*', 'application/pdf'], rules: { list: null, read: '', create: null, delete: null } });
    expect((await k.req('POST', '/api/storage/buckets', k.asAdmin, { name })).status).toBe(409);
    const patched = await k.req<Bucket>('PATCH', `/api/storage/buckets/${name}`, k.asAdmin, { public: true, rules: { create: "@request.auth.id != ''" } });
    expect(patched.body).toMatchObject({ public: true, rules: { read: '', create: "@request.auth.id != ''" } });
    const key = await k.auth.key(['schema:write']);
    expect((await k.req('GET', `/api/storage/buckets/${name}`, key)).status).toBe(200);
    const listed = await k.req<{ items: Bucket[] }>('GET', '/api/storage/buckets', key);
    expect(listed.body.items.map((b) => b.name)).toEqual(expect.arrayContaining([name, 'avatars']));
    expect((await k.req('GET', '/api/storage/buckets', ann.as)).status).toBe(403);
    expect((await k.req('GET', '/api/storage/buckets', await k.auth.key(['files:write']))).status).toBe(403);
    expect((await k.req('GET', '/api/storage/buckets')).status).toBe(401);

    const file = await k.uploadOk(name, pngBytes(), ann.as);
    expect((await k.req('DELETE', `/api/storage/buckets/${name}`, key)).status).toBe(204);
    expect((await k.req('GET', `/api/storage/buckets/${name}`, k.asAdmin)).status).toBe(404);
    expect((await k.download(k.contentPath(file))).status).toBe(404);
    // The bucket's blobs go with the reconciler run its deletion starts.
    await eventually(async () => (await k.blobKeys(`files/${name}/`)).length === 0, 15_000);
  });

  it.each([
    [{ name: 'Bad Name' }, 'name'],
    [{ name: '../x' }, 'name'],
    [{ name: bucketName(), maxFileSize: 0 }, 'maxFileSize'],
    [{ name: bucketName(), allowedTypes: ['image'] }, 'allowedTypes'],
    [{ name: bucketName(), rules: { view: '' } }, 'rules.view'],
    [{ name: bucketName(), rules: { read: 42 } }, 'rules.read'],
  ])('refuses the bad bucket %j naming %s', async (body, field) => {
    const res = await k.req('POST', '/api/storage/buckets', k.asAdmin, body);
    expect(res.status).toBe(400);
    expect(Object.keys(errorOf(res).details ?? {}).some((key) => key.startsWith(field))).toBe(true);
  });

  it('refuses to delete a bucket that a file field points at (409)', async () => {
    const res = await k.req('DELETE', '/api/storage/buckets/avatars', k.asAdmin);
    expect(res.status).toBe(409);
    expect(errorOf(res).message).toContain('users.avatar');
  });

  it('refuses a rule that does not compile with invalid_filter', async () => {
    const res = await k.req('POST', '/api/storage/buckets', k.asAdmin, { name: bucketName(), rules: { list: 'nosuchfield = 1' } });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('invalid_filter');
  });
});

describe('file fields on records', () => {
  let docs: Bucket;
  let posts: Collection;

  beforeAll(async () => {
    docs = await k.bucket({ rules: { create: "@request.auth.id != ''", read: 'owner = @request.auth.id', delete: 'owner = @request.auth.id', list: '' } });
    const res = await k.req<Collection>('POST', '/api/collections', k.asAdmin, {
      name: `posts_${randomBytes(3).toString('hex')}`,
      fields: [
        { name: 'title', type: 'text' },
        { name: 'cover', type: 'file', bucket: docs.name },
        { name: 'attachments', type: 'file', bucket: docs.name, multiple: true },
      ],
      rules: { list: '', view: '', create: "@request.auth.id != ''", update: "@request.auth.id != ''", delete: "@request.auth.id != ''" },
    });
    if (res.status !== 201) throw new Error(res.text);
    posts = res.body;
  });

  const records = () => `/api/collections/${posts.name}/records`;

  it('accepts only files of the field bucket that the writer may read (400 naming the field)', async () => {
    const mine = await k.uploadOk(docs.name, randomBytes(10), ann.as);
    const bob = await k.auth.signup();
    const bobs = await k.uploadOk(docs.name, randomBytes(10), bob.as);
    const elsewhere = await k.uploadOk((await k.bucket({ rules: { create: '', read: '' } })).name, randomBytes(10), ann.as);

    const ok = await k.req<BaseRecord>('POST', records(), ann.as, { title: 'a', cover: mine.id, attachments: [mine.id] });
    expect(ok.status).toBe(201);
    for (const [body, field] of [
      [{ cover: bobs.id }, 'cover'],
      [{ cover: elsewhere.id }, 'cover'],
      [{ cover: randomUUID() }, 'cover'],
      [{ attachments: [mine.id, bobs.id] }, 'attachments'],
    ] as const) {
      const res = await k.req('POST', records(), ann.as, { title: 'b', ...body });
      expect([field, res.status]).toEqual([field, 400]);
      expect(errorOf(res).details).toHaveProperty(field);
    }
  });

  it('deletes a record file when the record is deleted, and a replaced file when the value changes', async () => {
    const first = await k.uploadOk(docs.name, randomBytes(100), ann.as);
    const second = await k.uploadOk(docs.name, randomBytes(100), ann.as);
    const kept = await k.uploadOk(docs.name, randomBytes(100), ann.as);
    const rec = (await k.req<BaseRecord>('POST', records(), ann.as, { title: 'x', cover: first.id, attachments: [kept.id] })).body;

    expect((await k.req('PATCH', `${records()}/${rec.id}`, ann.as, { cover: second.id })).status).toBe(200);
    await eventually(async () => (await k.req('GET', `/api/storage/buckets/${docs.name}/files/${first.id}`, ann.as)).status === 404, 15_000);
    await eventually(async () => (await k.blobKeys(`files/${docs.name}/${first.id}`)).length === 0, 15_000);
    expect((await k.req('GET', `/api/storage/buckets/${docs.name}/files/${second.id}`, ann.as)).status).toBe(200);

    expect((await k.req('DELETE', `${records()}/${rec.id}`, ann.as)).status).toBe(204);
    for (const gone of [second, kept]) {
      await eventually(async () => (await k.req('GET', `/api/storage/buckets/${docs.name}/files/${gone.id}`, ann.as)).status === 404, 15_000);
      await eventually(async () => (await k.blobKeys(`files/${docs.name}/${gone.id}`)).length === 0, 15_000);
    }
  });

  it('keeps a file while the record it is attached to holds it, whoever else lets go of it', async () => {
    const shared = await k.uploadOk(docs.name, randomBytes(50), ann.as);
    const b = (await k.req<BaseRecord>('POST', records(), ann.as, { title: 'b', attachments: [shared.id] })).body;
    // Only admins and API keys may put a file another record holds into a record of their own.
    const a = (await k.req<BaseRecord>('POST', records(), k.asAdmin, { title: 'a', cover: shared.id })).body;
    expect((await k.req('DELETE', `${records()}/${a.id}`, ann.as)).status).toBe(204);
    // A later deletion proves the listener has handled the earlier event by then.
    const marker = await k.uploadOk(docs.name, randomBytes(5), ann.as);
    const m = (await k.req<BaseRecord>('POST', records(), ann.as, { title: 'm', cover: marker.id })).body;
    await k.req('DELETE', `${records()}/${m.id}`, ann.as);
    await eventually(async () => (await k.req('GET', `/api/storage/buckets/${docs.name}/files/${marker.id}`, ann.as)).status === 404, 15_000);
    expect((await k.req('GET', `/api/storage/buckets/${docs.name}/files/${shared.id}`, ann.as)).status).toBe(200);
    expect((await k.req('DELETE', `${records()}/${b.id}`, ann.as)).status).toBe(204);
    await eventually(async () => (await k.req('GET', `/api/storage/buckets/${docs.name}/files/${shared.id}`, ann.as)).status === 404, 15_000);
  });

  it('lets a user set an avatar from the built-in avatars bucket', async () => {
    const avatar = await k.uploadOk('avatars', pngBytes(), ann.as);
    expect(avatar.contentType).toBe('image/png');
    const me = await k.req<BaseRecord>('PATCH', '/api/auth/me', ann.as, { avatar: avatar.id });
    expect([me.status, me.body.avatar]).toEqual([200, avatar.id]);
    expect((await k.download(k.contentPath(avatar))).status).toBe(200);
    expect((await k.upload('avatars', randomBytes(100), ann.as)).status).toBe(415);
    expect((await k.upload('avatars', pngBytes(), {})).status).toBe(403);
  });
});

describe('reconciler', () => {
  it('removes a blob planted without a row and keeps every file that has one', async () => {
    const bucket = await k.bucket({ rules: { create: '', read: '' } });
    const file = await k.uploadOk(bucket.name, randomBytes(30), ann.as);
    const planted = `files/${bucket.name}/${randomUUID()}`;
    await k.plantBlob(planted, randomBytes(40));
    expect(await k.blobKeys(planted)).toEqual([planted]);
    expect((await k.req('POST', '/api/storage/reconcile', ann.as)).status).toBe(403);
    const res = await k.req<StorageReconcileResult>('POST', '/api/storage/reconcile', k.asAdmin);
    expect(res.status).toBe(200);
    expect(res.body.orphanBlobs).toBeGreaterThanOrEqual(1);
    expect(await k.blobKeys(planted)).toEqual([]);
    const got = await k.download(k.contentPath(file));
    expect(got.status).toBe(200);
    expect(got.bytes.length).toBe(30);
  });
});

export type { StoredFile };
