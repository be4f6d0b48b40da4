import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * unit: pure code beside its source, no I/O beyond temp files and in-memory SQLite; the port fakes and their
 * contract suites (server/src/adapters/fakes).
 * app: the whole app in-process (tests/app) on the fakes and a real SQLite state dir: no test host, no root.
 * integration: the real test host (systemd --user over D-Bus, Podman API, registry), brought up by
 * tests/helpers/global-setup.ts; files run one at a time because some stop parts of the host.
 * web: the task panel in jsdom (React Testing Library, MSW); see web/README.md.
 */
export default defineConfig({
  test: {
    reporters: ['default', 'json'],
    outputFile: { json: 'tests/.report/vitest.json' },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['server/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'app',
          include: ['tests/app/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        // The API contract test imports the web app's MSW handlers (web/src), which use these aliases.
        resolve: {
          alias: {
            '@contract': fileURLToPath(new URL('./server/src/contract/api.ts', import.meta.url)),
            '@vocabulary': fileURLToPath(new URL('./server/src/contract/vocabulary.ts', import.meta.url)),
            '@': fileURLToPath(new URL('./web/src', import.meta.url)),
          },
        },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/helpers/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The task panel: route-level tests in jsdom against the MSW handlers (web/src/testing).
        extends: './web/vite.config.ts',
        test: {
          name: 'web',
          root: 'web',
          environment: 'jsdom',
          include: ['src/**/*.test.{ts,tsx}'],
          setupFiles: ['src/testing/setup-tests.ts'],
          // Whole-app renders with user-event typing: seconds, not milliseconds, on a loaded machine.
          testTimeout: 20_000,
        },
      },
    ],
  },
});
