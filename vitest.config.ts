import { defineConfig } from 'vitest/config';

/**
 * unit: pure code beside its source, no I/O beyond temp files and in-memory SQLite.
 * integration: the real test host (systemd --user over D-Bus, Podman API, registry), brought up by
 * tests/helpers/global-setup.ts; files run one at a time because some stop parts of the host.
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
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/helpers/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
