/**
 * The whole app in-process (Fastify inject), composed exactly as `podup serve` composes it: real SQLite in a
 * temp state dir, real adapters pointed at the test host.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { loadConfig, type Config } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { openPodup, type Adapters, type Podup } from '../../server/src/compose.js';
import { ADMIN_TOKEN, SECRET } from './github.js';

export interface TestApp {
  app: FastifyInstance;
  podup: Podup;
  config: Config;
  stateDir: string;
  logs: string[];
  close(): Promise<void>;
}

export function hostEnv(): Record<string, string> {
  return inject('testHostEnv');
}

/** A child podup on the test host: its state in `stateDir`, the tests' webhook secret and admin token. */
export const podupEnv = (stateDir: string, extra: Record<string, string> = {}): Record<string, string> => ({
  ...hostEnv(),
  PODUP_STATE_DIR: stateDir,
  PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
  PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
  ...extra,
});

export async function buildTestApp(
  overrides: Record<string, string | undefined> = {},
  stateDir?: string,
  adapters?: Adapters,
): Promise<TestApp> {
  const dir = stateDir ?? mkdtempSync(join(tmpdir(), 'podup-it-'));
  const env = {
    ...hostEnv(),
    PODUP_STATE_DIR: dir,
    PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
    PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
    ...overrides,
  };
  const config = loadConfig(env);
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    format: 'json',
    destination: { write: (l: string) => logs.push(l) },
  });
  const podup = openPodup(config, logger, adapters);
  const app = await buildApp({
    config,
    logger,
    services: podup.services,
    lifecycle: { listener: 'none', requestStarted() {}, requestFinished() {} },
  });
  return {
    app,
    podup,
    config,
    stateDir: dir,
    logs,
    async close() {
      await app.close();
      await podup.close();
      if (!stateDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };
