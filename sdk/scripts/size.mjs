// Reports the browser ESM bundle's size minified and gzipped, socket.io-client excluded (it is
// external: apps already ship it or share it). Exits 1 above the budget so CI notices growth.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 15 * 1024;
const root = fileURLToPath(new URL('..', import.meta.url));
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2020',
  minify: true,
  write: false,
  external: ['socket.io-client'],
  alias: { '@basalt/filter': './../packages/filter/src/index.ts' },
  logLevel: 'warning',
});
const code = result.outputFiles[0].contents;
const gzip = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`@basalt/sdk browser ESM: ${kb(code.length)} minified, ${kb(gzip)} minified + gzip (socket.io-client excluded; budget ${kb(BUDGET_BYTES)})`);
if (gzip > BUDGET_BYTES) {
  console.error('over budget');
  process.exit(1);
}
