import { cursorCondition, encodeCursor } from './cursor.js';
import { SqlParams } from './filter-context.js';
import { compileSort, orderBySql, type SortKey } from './sort.js';
import { collection, context } from './testing/query-fixtures.js';
import { Random } from './testing/random.js';
import { createCollectionTable, insertRecords, openTestDatabase, type TestDatabase } from './testing/test-database.js';

/**
 * Keyset pagination over a real table full of NULLs and ties: walking pages of 7 with a cursor
 * gives every row exactly once, in the order of one ORDER BY query, also while rows are added.
 */
const items = collection('items', [
  { name: 'title', type: 'text' },
  { name: 'score', type: 'number' },
  { name: 'done', type: 'boolean' },
  { name: 'due', type: 'date' },
  { name: 'owner', type: 'relation', collection: 'users' },
]);
const ctx = context({ collection: items });
const PAGE = 7;
const SORTS = ['', '-score', 'score,title', '-due,title', 'done,-score,due', 'owner,-title', '-createdAt', 'title,-id', '-title,-score,-done,-due'];

type Row = Record<string, unknown>;

describe('keyset pagination', () => {
  const r = new Random(7);
  let db: TestDatabase;
  const owners = Array.from({ length: 3 }, () => r.uuid());
  const dates = ['2024-01-01T00:00:00.000Z', '2024-01-01T00:00:00.001Z', '2025-05-05T05:05:05.555Z'];

  function randomItem(): Row {
    return {
      id: r.uuid(),
      createdAt: r.pick(dates),
      updatedAt: r.pick(dates),
      title: r.maybe(0.3, () => r.pick(['', 'a', 'B', 'b', 'a b', "it's"])),
      score: r.maybe(0.3, () => r.pick([-1, 0, 0, 2.5, 10])),
      done: r.maybe(0.3, () => r.chance(0.5)),
      due: r.maybe(0.3, () => r.pick(dates)),
      owner: r.maybe(0.3, () => r.pick(owners)),
    };
  }

  beforeAll(async () => {
    db = await openTestDatabase();
    await createCollectionTable(db, items);
  }, 60_000);

  afterAll(() => db?.close());

  beforeEach(async () => {
    await db.query('DELETE FROM app.items');
    await insertRecords(db, items, Array.from({ length: 60 }, randomItem));
  });

  async function page(keys: SortKey[], cursor: string | null): Promise<Row[]> {
    const params = new SqlParams();
    const where = cursor === null ? 'TRUE' : cursorCondition(keys, cursor, params);
    return db.query(`SELECT r.* FROM app.items r WHERE ${where} ORDER BY ${orderBySql(keys)} LIMIT ${PAGE}`, params.values);
  }

  /** Walks every page; `between` runs after each one. Rows alternate between pg's shape (Date) and the API's (ISO strings). */
  async function walk(keys: SortKey[], between: () => Promise<void> = async () => undefined): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const rows = await page(keys, cursor);
      seen.push(...rows.map((row) => row.id as string));
      if (rows.length < PAGE) return seen;
      const last = rows[rows.length - 1];
      cursor = encodeCursor(keys, pages % 2 === 0 ? last : apiShape(last));
      await between();
    }
    throw new Error('pagination did not end');
  }

  it.each(SORTS)('returns every row once, in ORDER BY order, for sort %j', async (sort) => {
    const keys = compileSort(sort, ctx);
    const all = await db.query<{ id: string }>(`SELECT r.id FROM app.items r ORDER BY ${orderBySql(keys)}`);
    expect(await walk(keys)).toEqual(all.map((row) => row.id));
  });

  it.each(SORTS)('neither repeats nor skips a row while rows are inserted between pages, for sort %j', async (sort) => {
    const keys = compileSort(sort, ctx);
    const before = (await db.query<{ id: string }>('SELECT id FROM app.items')).map((row) => row.id);
    const seen = await walk(keys, () => insertRecords(db, items, [randomItem(), randomItem()]));
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(before));
    // What was returned is still in ORDER BY order, new rows included.
    const now = (await db.query<{ id: string }>(`SELECT r.id FROM app.items r ORDER BY ${orderBySql(keys)}`)).map((row) => row.id);
    expect(seen).toEqual(now.filter((id) => seen.includes(id)));
  });
});

function apiShape(row: Row): Row {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]));
}
