import { runCli } from '@basalt/testkit';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Live, TEST_ADMIN } from './support/live';

/*
 * `basalt gen types` against a live server, then the TypeScript compiler on fixtures that use the
 * generated Schema through the built @basalt/sdk types: the right uses compile, and each misspelt
 * field (or wrong value) is a compile error on exactly its line.
 */

const run = promisify(execFile);
const TSC = require.resolve('typescript/bin/tsc');
const FIXTURES = resolve(__dirname, 'fixtures/typed');

let live: Live;
let dir: string;
beforeAll(async () => {
  live = await Live.start();
  dir = mkdtempSync(join(tmpdir(), 'basalt-gen-types-'));
  const { admin } = await live.admin();
  await admin.collections.create({
    name: 'posts',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'score', type: 'number' },
      { name: 'tags', type: 'select', values: ['news', 'tech'], multiple: true },
      { name: 'author', type: 'relation', collection: 'users' },
      { name: 'meta', type: 'json' },
      { name: 'publishedAt', type: 'date' },
      { name: 'secret', type: 'text', hidden: true },
    ],
  });
  await admin.collections.create({ name: 'comments', fields: [{ name: 'post', type: 'relation', collection: 'posts', required: true }] });
});
afterAll(async () => {
  await live?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function tsc(file: string): Promise<{ code: number; out: string }> {
  const config = join(dir, `tsconfig.${file}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        module: 'Node16',
        moduleResolution: 'Node16',
        lib: ['ES2022', 'DOM'],
        types: [],
        skipLibCheck: true,
        paths: { '@basalt/sdk': [resolve(__dirname, '../dist/types/index.d.ts')] },
      },
      files: [join(dir, `${file}.ts`)],
    }),
  );
  try {
    const { stdout } = await run(process.execPath, [TSC, '-p', config, '--pretty', 'false']);
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

let generated: ReturnType<typeof runCli> | undefined;
/** Runs the CLI once for the file: `schema.ts` in the temp dir, next to the fixtures. */
function generate(): ReturnType<typeof runCli> {
  generated ??= runCli(['gen', 'types', '--out', join(dir, 'schema.ts'), '--url', live.url, '--email', TEST_ADMIN.email, '--password', TEST_ADMIN.password], {});
  return generated;
}

describe('basalt gen types', () => {
  it('writes an interface per collection and a Schema, from a running server', async () => {
    const out = join(dir, 'schema.ts');
    const res = await generate();
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('Wrote 3 collection types');
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('export interface PostsRecord extends BasaltRecord {');
    expect(text).toContain('  title: string;');
    expect(text).toContain('  score: number | null;');
    expect(text).toContain(`  tags: Array<"news" | "tech"> | null;`);
    expect(text).toContain('  secret?: string | null;');
    expect(text).toContain('    author?: UsersRecord | null;');
    expect(text).toMatch(/export interface Schema \{\n {2}comments: CommentsRecord;\n {2}posts: PostsRecord;\n {2}users: UsersRecord;\n\}/);
  });

  it('fails with a clear message for bad credentials or no server', async () => {
    const out = join(dir, 'never.ts');
    const bad = await runCli(['gen', 'types', '--out', out, '--url', live.url, '--email', TEST_ADMIN.email, '--password', 'wrong password!'], {});
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^basalt: --token: \/api\/admin\/auth: /);
    const down = await runCli(['gen', 'types', '--out', out, '--url', 'http://127.0.0.1:9', '--token', 'x'], {});
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^basalt: --url: cannot reach http:\/\/127\.0\.0\.1:9/);
    const noOut = await runCli(['gen', 'types'], {});
    expect(noOut.stderr).toMatch(/^basalt: --out: is required/);
  });

  it('tsc --noEmit: the right uses compile; each wrong field name is an error on its line', async () => {
    expect((await generate()).code).toBe(0);
    for (const f of ['ok', 'wrong']) copyFileSync(join(FIXTURES, `${f}.ts`), join(dir, `${f}.ts`));
    const ok = await tsc('ok');
    expect(ok.out).toBe('');
    expect(ok.code).toBe(0);

    const wrong = await tsc('wrong');
    expect(wrong.code).not.toBe(0);
    const lines = readFileSync(join(dir, 'wrong.ts'), 'utf8').split('\n');
    const expected = lines.flatMap((l, i) => (l.includes('// wrong:') ? [i + 1] : []));
    const reported = [...new Set([...wrong.out.matchAll(/wrong\.ts\((\d+),\d+\): error TS\d+/g)].map((m) => Number(m[1])))];
    expect(expected).toHaveLength(6);
    expect(reported.sort((a, b) => a - b)).toEqual(expected);
  });
});
