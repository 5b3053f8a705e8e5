import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The contracts package builds to CommonJS; the dashboard only needs its types and a few
// constants, so it is bundled from source.
const contracts = fileURLToPath(new URL('../packages/contracts/src/index.ts', import.meta.url));

export default defineConfig({
  base: '/_/',
  plugins: [react()],
  resolve: { alias: { '@basalt/contracts': contracts } },
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/api': process.env.BASALT_URL ?? 'http://127.0.0.1:8090' } },
});
