import type { Field } from '@basalt/contracts';
import { AppError } from '../../common/app-error.js';
import type { CollectionSchema } from './collection-schema.js';
import { alterTableSql, createTableSql, sqlLiteral } from './schema-ddl.js';

function schema(fields: Field[], extra: Partial<CollectionSchema> = {}): CollectionSchema {
  return {
    id: '01930000-0000-7000-8000-00000000abcd',
    name: 'posts',
    kind: 'base',
    fields,
    indexes: [],
    rules: { list: null, view: null, create: null, update: null, delete: null },
    version: 1,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...extra,
  };
}

const title: Field = { id: 'f_title', name: 'title', type: 'text', max: 200 };

describe('createTableSql', () => {
  it('creates one column per field with the system columns, keys and indexes', () => {
    const sql = createTableSql(
      schema(
        [
          title,
          { id: 'f_score', name: 'score', type: 'number', default: 0, unique: true },
          { id: 'f_tags', name: 'tags', type: 'select', values: ['a'], multiple: true },
          { id: 'f_author', name: 'author', type: 'relation', collection: 'users', onDelete: 'cascade' },
          { id: 'f_meta', name: 'meta', type: 'json', default: { a: "it's" } },
        ],
        { indexes: [{ fields: ['score', 'title'] }] },
      ),
    );
    expect(sql[0]).toBe(
      `CREATE TABLE app."posts" ("id" uuid PRIMARY KEY, "createdAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()), ` +
        `"updatedAt" timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()), "title" text, "score" double precision DEFAULT 0, ` +
        `"tags" text[], "author" uuid, "meta" jsonb DEFAULT '{"a":"it''s"}'::jsonb)`,
    );
    expect(sql).toContain('CREATE UNIQUE INDEX "uq_00000000abcd_f_score" ON app."posts" ("score")');
    expect(sql).toContain(
      'ALTER TABLE app."posts" ADD CONSTRAINT "fk_00000000abcd_f_author" FOREIGN KEY ("author") REFERENCES app."users" ("id") ON DELETE CASCADE',
    );
    expect(sql).toContain('CREATE INDEX "ix_00000000abcd_0" ON app."posts" ("score", "title")');
  });
});

describe('alterTableSql', () => {
  it('adds, renames and drops columns by field id', () => {
    const before = schema([title, { id: 'f_old', name: 'old', type: 'boolean' }]);
    const after = schema([{ ...title, name: 'heading' }, { id: 'f_new', name: 'fresh', type: 'number', default: 1 }]);
    expect(alterTableSql(before, after)).toEqual([
      'ALTER TABLE app."posts" DROP COLUMN "old"',
      'ALTER TABLE app."posts" RENAME COLUMN "title" TO "heading"',
      'ALTER TABLE app."posts" ADD COLUMN "fresh" double precision DEFAULT 1',
    ]);
  });

  it('turns a single select into a multiple one, keeping the value', () => {
    const before = schema([{ id: 'f_s', name: 's', type: 'select', values: ['a'] }]);
    const after = schema([{ id: 'f_s', name: 's', type: 'select', values: ['a'], multiple: true }]);
    expect(alterTableSql(before, after)).toEqual([
      `ALTER TABLE app."posts" ALTER COLUMN "s" TYPE text[] USING CASE WHEN "s" IS NULL THEN '{}' ELSE ARRAY["s"] END`,
    ]);
  });

  it.each<[string, Field, Field]>([
    ['number to text', { id: 'f_x', name: 'x', type: 'number' }, { id: 'f_x', name: 'x', type: 'text' }],
    ['text to number', { id: 'f_x', name: 'x', type: 'text' }, { id: 'f_x', name: 'x', type: 'number' }],
    ['multiple to single', { id: 'f_x', name: 'x', type: 'select', values: ['a'], multiple: true }, { id: 'f_x', name: 'x', type: 'select', values: ['a'] }],
    ['relation to another collection', { id: 'f_x', name: 'x', type: 'relation', collection: 'a' }, { id: 'f_x', name: 'x', type: 'relation', collection: 'b' }],
  ])('refuses %s, naming the field', (_, from, to) => {
    const run = () => alterTableSql(schema([from]), schema([to]));
    expect(run).toThrow(AppError);
    try {
      run();
    } catch (e) {
      expect((e as AppError).details).toHaveProperty('x');
    }
  });

  it('allows text-like types to change among each other', () => {
    expect(alterTableSql(schema([{ id: 'f_x', name: 'x', type: 'text' }]), schema([{ id: 'f_x', name: 'x', type: 'email' }]))).toEqual([]);
  });

  it('renames the table first and rebuilds indexes', () => {
    const before = schema([title], { indexes: [{ fields: ['title'] }] });
    const after = schema([title], { name: 'articles', indexes: [{ fields: ['title'], unique: true }] });
    expect(alterTableSql(before, after)).toEqual([
      'ALTER TABLE app."posts" RENAME TO "articles"',
      'DROP INDEX IF EXISTS app."ix_00000000abcd_0"',
      'CREATE UNIQUE INDEX "ix_00000000abcd_0" ON app."articles" ("title")',
    ]);
  });
});

describe('sqlLiteral', () => {
  it.each<[Field, unknown, string]>([
    [{ name: 'b', type: 'boolean' }, true, 'TRUE'],
    [{ name: 'n', type: 'number' }, -1.5, '-1.5'],
    [{ name: 't', type: 'text' }, "O'Brien", "'O''Brien'::text"],
    [{ name: 't', type: 'text', multiple: true }, ['a"b', 'c\\d'], `'{"a\\"b","c\\\\d"}'::text[]`],
    [{ name: 'j', type: 'json' }, [1, 'x'], `'[1,"x"]'::jsonb`],
  ])('renders %j default %j as %s', (field, value, expected) => {
    expect(sqlLiteral(field, value)).toBe(expected);
  });
});
