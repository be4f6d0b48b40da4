import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** public/mockServiceWorker.js is for `vite --mode mock` only: keep it out of every other build. */
function dropMockWorker(mode: string): Plugin {
  return {
    name: 'podup-drop-mock-worker',
    apply: 'build',
    async writeBundle(options) {
      if (mode === 'mock' || !options.dir) return;
      await rm(`${options.dir}/mockServiceWorker.js`, { force: true });
    },
  };
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * `<file>.br` and `<file>.gz` next to each text file of the build, for `podup serve` to send in its place
 * (server/src/http/routes/static.ts): compressed once here at the highest levels, never per request on the
 * host, and with node:zlib only (no plugin or runtime dependency). A variant no smaller than its original is
 * not written.
 */
function precompress(): Plugin {
  const TEXT = /\.(?:html|js|mjs|css|svg|json|txt|webmanifest)$/;
  return {
    name: 'podup-precompress',
    apply: 'build',
    async closeBundle() {
      const dir = here('./dist');
      const files = (await readdir(dir, { recursive: true })).filter((f) => TEXT.test(f));
      await Promise.all(
        files.map(async (name) => {
          const path = join(dir, name);
          const raw = await readFile(path);
          if (raw.length < 256) return;
          const br = await brotli(raw, {
            params: {
              [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
              [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
            },
          });
          const gzipped = await gz(raw, { level: 9 });
          if (br.length < raw.length) await writeFile(`${path}.br`, br);
          if (gzipped.length < raw.length) await writeFile(`${path}.gz`, gzipped);
        }),
      );
    },
  };
}

export default defineConfig(({ mode }) => ({
  plugins: [react(), dropMockWorker(mode), precompress()],
  resolve: {
    alias: {
      '@contract': here('../server/src/contract/api.ts'),
      '@vocabulary': here('../server/src/contract/vocabulary.ts'),
      '@': here('./src'),
    },
  },
  // No source maps: podup serves web/dist to anyone who can reach it, and the maps hold the whole source.
  build: { outDir: 'dist', sourcemap: false, target: 'es2022' },
  server: {
    // `npm run dev` against a local `podup serve` (same origin in production).
    proxy:
      mode === 'mock'
        ? undefined
        : {
            '/api': { target: 'http://127.0.0.1:25111', changeOrigin: false },
            '/readyz': 'http://127.0.0.1:25111',
            '/healthz': 'http://127.0.0.1:25111',
          },
  },
}));
