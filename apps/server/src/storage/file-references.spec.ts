import type { Principal } from '@basalt/contracts';
import type { FileFieldGuard } from '../collections/records/file-field-guard.js';
import type { SchemaRegistry } from '../collections/schema/schema-registry.js';
import type { AttachmentsRepository, ClaimableFile } from './attachments/attachments.repository.js';
import { heldIds } from './attachments/attachments.repository.js';
import type { BucketRecord, BucketsRepository } from './buckets.repository.js';
import { FileReferences } from './file-references.js';

const HOLDER = { collectionId: 'c1', recordId: 'r1' };
const A = '0190f000-0000-7000-8000-00000000000a';
const B = '0190f000-0000-7000-8000-00000000000b';
const C = '0190f000-0000-7000-8000-00000000000c';

const bucket: BucketRecord = { name: 'docs', public: true, maxFileSize: 10, allowedTypes: [], rules: { list: null, read: null, create: null, delete: null }, createdAt: '', updatedAt: '' };
const who = (kind: Principal['kind']): Principal => ({ kind, id: 'u', roles: [], scopes: kind === 'apiKey' ? ['files:read'] : [] });

/** A claim over files A (free), B (attached to another record), C (attached to this record). */
function setup() {
  const files: ClaimableFile[] = [
    { id: A, attachedCollection: null, attachedRecord: null },
    { id: B, attachedCollection: 'c1', attachedRecord: 'r2' },
    { id: C, attachedCollection: 'c1', attachedRecord: 'r1' },
  ];
  const attached: string[][] = [];
  const repo = {
    lockReadable: async (_db: unknown, _bucket: string, ids: string[]) => new Map(files.filter((f) => ids.includes(f.id)).map((f) => [f.id, f])),
    attach: async (_db: unknown, ids: string[]) => void attached.push(ids),
  } as unknown as AttachmentsRepository;
  const buckets = { find: async (name: string) => (name === 'docs' ? bucket : null) } as unknown as BucketsRepository;
  const refs = new FileReferences({} as FileFieldGuard, buckets, repo, {} as SchemaRegistry);
  const claim = (kind: Principal['kind'], ids: string[], bucketName = 'docs') =>
    refs.claim({ query: async () => [] }, who(kind), { id: 'u', roles: [] }, HOLDER, [{ fieldId: 'f1', field: 'cover', bucket: bucketName, ids }]);
  return { claim, attached };
}

describe('FileReferences.claim', () => {
  it('attaches free files and accepts files this record already owns', async () => {
    const { claim, attached } = setup();
    expect(await claim('user', [A, C])).toEqual({});
    expect(attached).toEqual([[A]]);
  });

  it("refuses users a file another record owns, naming the field, and attaches nothing", async () => {
    const { claim, attached } = setup();
    expect(await claim('user', [A, B])).toEqual({ cover: `file ${B} belongs to another record` });
    expect(attached).toEqual([]);
  });

  it.each(['admin', 'apiKey'] as const)('lets %s share it without moving its attachment', async (kind) => {
    const { claim, attached } = setup();
    expect(await claim(kind, [B, A])).toEqual({});
    expect(attached).toEqual([[A]]);
  });

  it('refuses ids that are not readable files of the bucket', async () => {
    const { claim } = setup();
    const missing = '0190f000-0000-7000-8000-0000000000ff';
    expect(await claim('user', [A, missing])).toEqual({ cover: `no file ${missing} in bucket docs that you may read` });
    expect(await claim('user', [A], 'nosuch')).toEqual({ cover: `no file ${A} in bucket nosuch that you may read` });
  });
});

describe('heldIds', () => {
  it('collects the ids of every file field, lowercased, and nothing else', () => {
    const collection = {
      id: 'c1',
      name: 'posts',
      version: 1,
      fields: [
        { name: 'cover', type: 'file' as const, bucket: 'docs' },
        { name: 'more', type: 'file' as const, bucket: 'docs', multiple: true },
        { name: 'title', type: 'text' as const },
      ],
    };
    expect([...heldIds({ cover: A.toUpperCase(), more: [B, ''], title: C }, collection)]).toEqual([A, B]);
    expect([...heldIds({ cover: null, more: null }, collection)]).toEqual([]);
  });
});
