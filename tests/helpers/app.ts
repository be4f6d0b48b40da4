/**
 * The whole app in-process (Fastify inject), composed exactly as `podup serve` composes it, on real SQLite in a
 * temp state dir: with the real adapters pointed at the test host (`buildTestApp`, integration project), or on
 * the shared fakes of server/src/adapters/fakes over one simulated host (`buildFakeApp`, app project: no test
 * host, no root).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { fakeAdapters, FakeHost, type FakeAdapters } from '../../server/src/adapters/fakes/index.js';
import { buildApp } from '../../server/src/app.js';
import { loadConfig, type Config } from '../../server/src/config.js';
import { createLogger } from '../../server/src/logger.js';
import { openPodup, type Adapters, type Podup } from '../../server/src/compose.js';
import type { NotificationSender } from '../../server/src/domain/ports/index.js';
import { ADMIN_TOKEN, SECRET } from './github.js';

export interface TestApp {
  app: FastifyInstance;
  podup: Podup;
  config: Config;
  stateDir: string;
  logs: string[];
  close(): Promise<void>;
}

export interface FakeTestApp extends TestApp {
  /** The simulated host behind every adapter: arrange it, take parts down, read what was done to it. */
  host: FakeHost;
  adapters: FakeAdapters;
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

type Env = Record<string, string | undefined>;

async function compose(env: Env, dir: string, ownsDir: boolean, adapters?: Adapters): Promise<TestApp> {
  const config = loadConfig({
    PODUP_STATE_DIR: dir,
    PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
    PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
    ...env,
  });
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
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** On the real test host (integration project): real adapters unless `adapters` is given. */
export async function buildTestApp(
  overrides: Env = {},
  stateDir?: string,
  adapters?: Adapters,
): Promise<TestApp> {
  const dir = stateDir ?? mkdtempSync(join(tmpdir(), 'podup-it-'));
  return compose({ ...hostEnv(), ...overrides }, dir, !stateDir, adapters);
}

/**
 * On the fakes: every adapter over `host` (a new, empty one unless given). The sockets and bus in the
 * configuration exist nowhere, so a real adapter could not reach anything by mistake.
 */
export async function buildFakeApp(
  overrides: Env = {},
  options: { stateDir?: string; host?: FakeHost; sender?: NotificationSender } = {},
): Promise<FakeTestApp> {
  const dir = options.stateDir ?? mkdtempSync(join(tmpdir(), 'podup-app-'));
  const host = options.host ?? new FakeHost({ now: Date.now() });
  const adapters = fakeAdapters(host);
  const nowhere = join(dir, 'nowhere');
  const env: Env = {
    PODUP_SYSTEMD_SCOPE: 'user',
    PODUP_PODMAN_SOCKET: join(nowhere, 'podman.sock'),
    DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(nowhere, 'bus')}`,
    XDG_RUNTIME_DIR: nowhere,
    HOME: nowhere,
    PODUP_QUADLET_DIRS: nowhere,
    ...overrides,
  };
  // A real sender (a test's local HTTP receiver) instead of the fake one, when given.
  const composed = options.sender ? { ...adapters, sender: options.sender } : adapters;
  return { ...(await compose(env, dir, !options.stateDir, composed)), host, adapters };
}

export const adminHeaders = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Requests the fake web client sends to `origin` reach this app: what a working reverse proxy does. */
export function serveAppAt(t: FakeTestApp, origin: string): void {
  t.adapters.web.serve(origin, async (req) => {
    const res = await t.app.inject({
      method: 'POST',
      url: new URL(req.url).pathname,
      headers: req.headers,
      payload: req.body,
    });
    return { status: res.statusCode, contentType: String(res.headers['content-type']), body: res.body };
  });
}
