import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/*
 * The built package as an app at the repository root gets it: `import('@basalt/sdk')` (ESM) and
 * `require('@basalt/sdk')` (CJS) both work, expose the same API, and load nothing of
 * @basalt/contracts or @basalt/filter at runtime (socket.io-client is the one dependency).
 */

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');
const PROBE = `
  const names = Object.keys(sdk).sort().join(',');
  const basalt = sdk.createClient('http://127.0.0.1:8090');
  const loaded = Object.keys(require.cache ?? {}).filter((f) => /packages[\\\\/](contracts|filter)/.test(f));
  console.log(JSON.stringify({ names, filter: basalt.filter('a = {:v}', { v: "it's" }), error: new sdk.BasaltError(0, 'aborted', 'x') instanceof Error, loaded }));
`;

describe('the built package', () => {
  it('is importable from the repository root as ESM and as CJS, with the same exports', async () => {
    const cjs = await run(process.execPath, ['-e', `const sdk = require('@basalt/sdk');${PROBE}`], { cwd: ROOT });
    const esm = await run(process.execPath, ['--input-type=module', '-e', `import { createRequire } from 'node:module'; const require = createRequire(process.cwd() + '/'); const sdk = await import('@basalt/sdk');${PROBE}`], { cwd: ROOT });
    const a = JSON.parse(cjs.stdout) as { names: string; filter: string; error: boolean; loaded: string[] };
    const b = JSON.parse(esm.stdout) as typeof a;
    expect(a.names).toContain('createClient');
    expect(a.names).toBe(b.names);
    expect(a.filter).toBe("a = 'it\\'s'");
    expect(b.filter).toBe(a.filter);
    expect(a.error && b.error).toBe(true);
    expect(a.loaded).toEqual([]);
  });

  it('ships ESM, CJS and types through the exports map; socket.io-client is the one runtime import', () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')) as { exports: Record<string, Record<string, string>>; dependencies: Record<string, string> };
    expect(pkg.exports['.']).toEqual({ types: './dist/types/index.d.ts', import: './dist/index.mjs', require: './dist/index.cjs' });
    // @basalt/contracts is there for the .d.ts files only (type imports); nothing of it is bundled or loaded.
    expect(Object.keys(pkg.dependencies)).toEqual(['@basalt/contracts', 'socket.io-client']);
    for (const file of ['index.mjs', 'index.cjs']) {
      const code = readFileSync(resolve(__dirname, '../dist', file), 'utf8');
      const imports = [...code.matchAll(/(?:from\s*|require\()["']([^"'.][^"']*)["']/g)].map((m) => m[1]);
      expect([...new Set(imports)]).toEqual(['socket.io-client']);
    }
  });
});
