import { rm } from 'node:fs/promises';
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

export default defineConfig(({ mode }) => ({
  plugins: [react(), dropMockWorker(mode)],
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
