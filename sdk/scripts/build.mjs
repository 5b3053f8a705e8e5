// Bundles src/ into dist/index.mjs (ESM) and dist/index.cjs (CJS). socket.io-client stays external
// (the one runtime dependency); @basalt/filter is bundled from its dependency-free sources so the
// ESM build tree-shakes it down to bindParams. Types come from `tsc -p tsconfig.build.json`.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'neutral',
  target: 'es2020',
  external: ['socket.io-client'],
  alias: { '@basalt/filter': './../packages/filter/src/index.ts' },
  sourcemap: true,
  logLevel: 'warning',
};

await build({ ...common, format: 'esm', outfile: 'dist/index.mjs' });
await build({ ...common, format: 'cjs', outfile: 'dist/index.cjs' });
