import { comparisons, print, type Expr } from '@basalt/filter';
import { AppError } from '../../common/app-error.js';
import { SqlParams, type FilterContext } from './filter-context.js';
import { evaluateFilter, relationFieldsUsed, type ApiRecord } from './memory-filter.js';
import { parseForCollection } from './parse-for-collection.js';
import { compileFilter } from './sql-filter.js';
import { context, posts, users } from './testing/query-fixtures.js';
import { Random } from './testing/random.js';
import { randomScenario, type FilterScenario } from './testing/random-filters.js';
import { NOW, randomPost, randomUser } from './testing/random-records.js';
import { createCollectionTable, insertRecords, openTestDatabase, type TestDatabase } from './testing/test-database.js';

/**
 * Property: for generated data and generated filters, the SQL compiler and the in-memory
 * evaluator select exactly the same records. Replay a failure with BASALT_FILTER_SEED=<seed>.
 */
const SEED = Number(process.env.BASALT_FILTER_SEED ?? 20240615);
const FILTERS = 1200;

describe('SQL and in-memory filters agree', () => {
  const r = new Random(SEED);
  let db: TestDatabase;
  let records: ApiRecord[];
  let usersById: Map<string, ApiRecord>;
  let postIds: string[];

  beforeAll(async () => {
    db = await openTestDatabase();
    await createCollectionTable(db, users);
    await createCollectionTable(db, posts);
    const userIds = Array.from({ length: 25 }, () => r.uuid());
    postIds = Array.from({ length: 200 }, () => r.uuid());
    const dangling = r.uuid();
    await insertRecords(db, users, userIds.map((id) => randomUser(r, id)));
    await insertRecords(db, posts, postIds.map((id) => randomPost(r, id, userIds, dangling)));
    // JSON null and SQL NULL are both `null` in API shape; both must behave as null.
    await db.query(`UPDATE app.posts SET meta = 'null'::jsonb WHERE id = ANY($1::uuid[])`, [postIds.slice(0, 10)]);
    await db.query(`UPDATE app.users SET prefs = 'null'::jsonb WHERE id = ANY($1::uuid[])`, [userIds.slice(0, 3)]);
    // The records as the records layer hands them over: read back from the database, dates as ISO strings.
    records = (await db.query('SELECT * FROM app.posts')).map(apiShape);
    usersById = new Map((await db.query('SELECT * FROM app.users')).map((row) => [row.id as string, apiShape(row)]));
  }, 60_000);

  afterAll(() => db?.close());

  it(`on ${FILTERS} random filters (seed ${SEED})`, async () => {
    const pools = { users: [...usersById.values()], postIds, dangling: r.uuid() };
    let checked = 0;
    let refused = 0;
    let matchedSome = 0;
    while (checked < FILTERS) {
      const scenario = randomScenario(r, pools);
      const ctx = context({ auth: scenario.auth, body: scenario.body, allowHidden: scenario.allowHidden, now: new Date(NOW) });
      let expr: Expr | null;
      try {
        expr = parseForCollection(scenario.source, ctx);
      } catch (error) {
        // The generator may write ill-typed comparisons (e.g. `meta.a < null`); they must be refused cleanly.
        if (!(error instanceof AppError) || error.code !== 'invalid_filter') throw error;
        refused++;
        continue;
      }
      const selected = await selectIds(expr, ctx);
      const evaluated = new Set(records.filter((record) => evaluate(expr, record, ctx)).map((record) => record.id as string));
      const differing = records.find((record) => selected.has(record.id as string) !== evaluated.has(record.id as string));
      if (differing) throw new Error(await explain(scenario, expr, ctx, differing, selected.has(differing.id as string)));
      checked++;
      if (selected.size > 0 && selected.size < records.length) matchedSome++;
    }
    // The generator is useful only if most filters type-check and many split the records.
    expect(refused).toBeLessThan(FILTERS / 5);
    expect(matchedSome).toBeGreaterThan(FILTERS / 3);
  }, 60_000);

  function evaluate(expr: Expr | null, record: ApiRecord, ctx: FilterContext): boolean {
    return evaluateFilter(expr, record, ctx, (field) => usersById.get(record[field] as string) ?? null);
  }

  async function selectIds(expr: Expr | null, ctx: FilterContext): Promise<Set<string>> {
    const params = new SqlParams();
    const where = compileFilter(expr, ctx, params);
    const rows = await db.query<{ id: string }>(`SELECT r.id FROM app.posts r WHERE ${where}`, params.values);
    return new Set(rows.map((row) => row.id));
  }

  /** The failure report: the filter, its context, the record, and which single comparisons disagree on it. */
  async function explain(scenario: FilterScenario, expr: Expr | null, ctx: FilterContext, record: ApiRecord, inSql: boolean): Promise<string> {
    const lines = [
      `SQL and memory disagree (seed ${SEED})`,
      `filter: ${scenario.source}`,
      `auth: ${JSON.stringify(scenario.auth)}`,
      `body: ${JSON.stringify(scenario.body)}  allowHidden: ${scenario.allowHidden}`,
      `record: ${JSON.stringify(record)}`,
      `related: ${JSON.stringify(relationFieldsUsed(expr, ctx).map((field) => usersById.get(record[field] as string) ?? null))}`,
      `SQL selects it: ${inSql}; memory: ${!inSql}`,
    ];
    for (const compare of comparisons(expr)) {
      const params = new SqlParams();
      const where = compileFilter(compare, ctx, params);
      const [row] = await db.query<{ v: boolean }>(`SELECT (${where}) AS v FROM app.posts r WHERE r.id = '${record.id as string}'`, params.values);
      const memory = evaluate(compare, record, ctx);
      if (row.v !== memory) lines.push(`  ${print(compare)} -> SQL ${String(row.v)}, memory ${memory}: ${where} ${JSON.stringify(params.values)}`);
    }
    return lines.join('\n');
  }
});

/** A pg row in API shape: timestamps as ISO strings, everything else as pg returns it. */
function apiShape(row: Record<string, unknown>): ApiRecord {
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]));
}
