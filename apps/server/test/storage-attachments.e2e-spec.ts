import type { BaseRecord, Bucket, Collection, StorageReconcileResult } from '@basalt/contracts';
import { errorOf, eventually, testDrivers } from '@basalt/testkit';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { SignedUp } from './support/auth-kit.js';
import { pngBytes, StorageKit } from './support/storage-kit.js';

let k: StorageKit;
let ann: SignedUp;
let bob: SignedUp;
let docs: Bucket;

const OPEN_RULES = { list: '', view: '', create: "@request.auth.id != ''", update: "@request.auth.id != ''", delete: "@request.auth.id != ''" };

beforeAll(async () => {
  k = await StorageKit.start();
  ann = await k.auth.signup();
  bob = await k.auth.signup();
  // Everyone signed in may read every file here, so only attachment keeps one user's file from another.
  docs = await k.bucket({ rules: { create: "@request.auth.id != ''", read: "@request.auth.id != ''", delete: 'owner = @request.auth.id', list: '' } });
});

afterAll(async () => {
  await k?.stop();
});

async function collection(fields: unknown[], prefix = 'c'): Promise<Collection> {
  const res = await k.req<Collection>('POST', '/api/collections', k.asAdmin, { name: `${prefix}_${randomBytes(3).toString('hex')}`, fields, rules: OPEN_RULES });
  if (res.status !== 201) throw new Error(res.text);
  return res.body;
}

async function record(c: Collection, as: SignedUp['as'], body: Record<string, unknown>): Promise<BaseRecord> {
  const res = await k.req<BaseRecord>('POST', `/api/collections/${c.name}/records`, as, body);
  if (res.status !== 201) throw new Error(`could not create a record: ${res.status} ${res.text}`);
  return res.body;
}

const fileStatus = async (bucket: string, id: string) => (await k.req('GET', `/api/storage/buckets/${bucket}/files/${id}`, k.asAdmin)).status;
const reconcile = async () => {
  const res = await k.req<StorageReconcileResult>('POST', '/api/storage/reconcile', k.asAdmin);
  expect(res.status).toBe(200);
  return res.body;
};

/** Proves the record.changed listener has handled every earlier event: a later release has gone through. */
async function settle(c: Collection, field: string): Promise<void> {
  const marker = await k.uploadOk(docs.name, randomBytes(5), ann.as);
  const m = await record(c, ann.as, { [field]: marker.id });
  expect((await k.req('DELETE', `/api/collections/${c.name}/records/${m.id}`, ann.as)).status).toBe(204);
  await eventually(async () => (await fileStatus(docs.name, marker.id)) === 404, 15_000);
}

describe('attachment', () => {
  let posts: Collection;
  beforeAll(async () => {
    posts = await collection([
      { name: 'title', type: 'text' },
      { name: 'cover', type: 'file', bucket: docs.name },
      { name: 'attachments', type: 'file', bucket: docs.name, multiple: true },
    ]);
  });
  const records = () => `/api/collections/${posts.name}/records`;

  it("refuses another user's attached file (400 naming the field) and the file survives the attempt", async () => {
    const bobs = await k.uploadOk(docs.name, randomBytes(40), bob.as);
    await record(posts, bob.as, { title: 'bob', cover: bobs.id });
    // Ann may read the file (the bucket lets her), but it belongs to Bob's record.
    expect((await k.req('GET', `/api/storage/buckets/${docs.name}/files/${bobs.id}`, ann.as)).status).toBe(200);
    for (const body of [{ cover: bobs.id }, { attachments: [bobs.id] }]) {
      const res = await k.req('POST', records(), ann.as, { title: 'ann', ...body });
      expect(res.status).toBe(400);
      expect(Object.keys(errorOf(res).details ?? {})).toEqual(Object.keys(body));
      expect(errorOf(res).details?.[Object.keys(body)[0]!]).toContain('belongs to another record');
    }
    const mine = await record(posts, ann.as, { title: 'ann' });
    const patched = await k.req('PATCH', `${records()}/${mine.id}`, ann.as, { cover: bobs.id });
    expect([patched.status, Object.keys(errorOf(patched).details ?? {})]).toEqual([400, ['cover']]);
    expect((await k.req('DELETE', `${records()}/${mine.id}`, ann.as)).status).toBe(204);
    await settle(posts, 'cover');
    expect(await fileStatus(docs.name, bobs.id)).toBe(200);
    expect((await k.download(k.contentPath(bobs), bob.as)).bytes.length).toBe(40);
  });

  it("refuses another user's avatar in a record (public bucket) and keeps it", async () => {
    const avatar = await k.uploadOk('avatars', pngBytes(), bob.as);
    expect((await k.req('PATCH', '/api/auth/me', bob.as, { avatar: avatar.id })).status).toBe(200);
    const profiles = await collection([{ name: 'picture', type: 'file', bucket: 'avatars' }], 'profiles');
    const res = await k.req('POST', `/api/collections/${profiles.name}/records`, ann.as, { picture: avatar.id });
    expect(res.status).toBe(400);
    expect(errorOf(res).details).toHaveProperty('picture');
    expect(await reconcile()).toMatchObject({ releasedFiles: 0 });
    expect((await k.download(k.contentPath(avatar))).status).toBe(200);
  });

  it('lets the same record move a file between its fields, and deletes it only when no field holds it', async () => {
    const f = await k.uploadOk(docs.name, randomBytes(10), ann.as);
    const rec = await record(posts, ann.as, { cover: f.id });
    expect((await k.req('PATCH', `${records()}/${rec.id}`, ann.as, { cover: null, attachments: [f.id] })).status).toBe(200);
    await settle(posts, 'cover');
    expect(await fileStatus(docs.name, f.id)).toBe(200);
    expect((await k.req('PATCH', `${records()}/${rec.id}`, ann.as, { attachments: [] })).status).toBe(200);
    await eventually(async () => (await fileStatus(docs.name, f.id)) === 404, 15_000);
    await eventually(async () => (await k.blobKeys(`files/${docs.name}/${f.id}`)).length === 0, 15_000);
  });

  it('lets admins share an attached file; only the record it is attached to deletes it', async () => {
    const shared = await k.uploadOk(docs.name, randomBytes(50), ann.as);
    const first = await record(posts, ann.as, { cover: shared.id });
    const second = await record(posts, k.asAdmin, { attachments: [shared.id] });
    expect((await k.req('DELETE', `${records()}/${second.id}`, k.asAdmin)).status).toBe(204);
    await settle(posts, 'cover');
    expect(await fileStatus(docs.name, shared.id)).toBe(200);
    expect((await k.req('DELETE', `${records()}/${first.id}`, ann.as)).status).toBe(204);
    await eventually(async () => (await fileStatus(docs.name, shared.id)) === 404, 15_000);
  });

  it('gives a file to one of two concurrent writers only', async () => {
    const f = await k.uploadOk(docs.name, randomBytes(10), ann.as);
    const results = await Promise.all([
      k.req('POST', records(), ann.as, { title: 'one', cover: f.id }),
      k.req('POST', records(), bob.as, { title: 'two', cover: f.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 400]);
  });
});

describe('cascades', () => {
  it('removes the file of a record deleted by a cascading relation, and keeps held ones', async () => {
    const authors = await collection([{ name: 'name', type: 'text' }], 'authors');
    const books = await collection([
      { name: 'author', type: 'relation', collection: authors.name, onDelete: 'cascade' },
      { name: 'scan', type: 'file', bucket: docs.name },
    ], 'books');
    const author = await record(authors, ann.as, { name: 'A' });
    const lost = await k.uploadOk(docs.name, randomBytes(20), ann.as);
    const kept = await k.uploadOk(docs.name, randomBytes(20), ann.as);
    await record(books, ann.as, { author: author.id, scan: lost.id });
    await record(books, ann.as, { scan: kept.id });
    expect((await k.req('DELETE', `/api/collections/${authors.name}/records/${author.id}`, ann.as)).status).toBe(204);
    // The book went with its author inside Postgres; the delete announces it, so its file goes too.
    await eventually(async () => (await fileStatus(docs.name, lost.id)) === 404, 15_000);
    await eventually(async () => (await k.blobKeys(`files/${docs.name}/${lost.id}`)).length === 0, 15_000);
    expect(await fileStatus(docs.name, kept.id)).toBe(200);
    expect(await k.blobKeys(`files/${docs.name}/${kept.id}`)).toHaveLength(1);
  });
});

describe('reconciler', () => {
  it('removes files a removed file field held (no record.changed for a schema change)', async () => {
    const notes = await collection([{ name: 'body', type: 'text' }, { name: 'photo', type: 'file', bucket: docs.name }], 'notes');
    const f = await k.uploadOk(docs.name, randomBytes(20), ann.as);
    await record(notes, ann.as, { body: 'x', photo: f.id });
    const body = notes.fields.find((x) => x.name === 'body')!;
    const res = await k.req('PATCH', `/api/collections/${notes.name}`, k.asAdmin, { fields: [body] });
    expect(res.status).toBe(200);
    expect(await fileStatus(docs.name, f.id)).toBe(200);
    expect((await reconcile()).releasedFiles).toBeGreaterThanOrEqual(1);
    expect(await fileStatus(docs.name, f.id)).toBe(404);
  });

  // Only the scaled run can open the server's database from the test (PGlite belongs to the server process).
  if (testDrivers() === 'scaled')
    it('removes a file whose record row was deleted behind the API (events lost)', async () => {
      const things = await collection([{ name: 'file', type: 'file', bucket: docs.name, multiple: true }], 'things');
      const a = await k.uploadOk(docs.name, randomBytes(20), ann.as);
      const b = await k.uploadOk(docs.name, randomBytes(20), ann.as);
      const gone = await record(things, ann.as, { file: [a.id] });
      const stays = await record(things, ann.as, { file: [b.id] });
      const db = new pg.Client({ connectionString: k.auth.basalt.env.BASALT_DATABASE_URL });
      await db.connect();
      try {
        await db.query(`DELETE FROM app."${things.name}" WHERE id = $1`, [gone.id]);
      } finally {
        await db.end();
      }
      expect((await reconcile()).releasedFiles).toBe(1);
      expect(await fileStatus(docs.name, a.id)).toBe(404);
      expect(await k.blobKeys(`files/${docs.name}/${a.id}`)).toEqual([]);
      expect(await fileStatus(docs.name, b.id)).toBe(200);
      expect((await k.req('GET', `/api/collections/${things.name}/records/${stays.id}`, ann.as)).status).toBe(200);
    });
});

describe('dropping a collection', () => {
  it('removes the files attached to its records, and no other', async () => {
    const albums = await collection([{ name: 'cover', type: 'file', bucket: docs.name }, { name: 'tracks', type: 'file', bucket: docs.name, multiple: true }], 'albums');
    const files = await Promise.all([0, 1, 2].map(() => k.uploadOk(docs.name, randomBytes(30), ann.as)));
    const other = await k.uploadOk(docs.name, randomBytes(30), ann.as);
    await record(albums, ann.as, { cover: files[0]!.id, tracks: [files[1]!.id, files[2]!.id] });
    expect((await k.req('DELETE', `/api/collections/${albums.name}`, k.asAdmin)).status).toBe(204);
    for (const f of files) {
      await eventually(async () => (await fileStatus(docs.name, f.id)) === 404, 15_000);
      await eventually(async () => (await k.blobKeys(`files/${docs.name}/${f.id}`)).length === 0, 15_000);
    }
    expect(await fileStatus(docs.name, other.id)).toBe(200);
  });
});
