/**
 * Runs while the startup snapshot is built: V8 keeps the bytecode of every function that ran, so what each
 * cold start runs anyway (config validation, the logger, Fastify with every route registered) is compiled
 * once at build time. Nothing here may leave a file, socket or database open (none of those can be in a
 * snapshot) or draw from crypto.randomUUID / randomInt (their pools would be shared by every start); every
 * value built here is thrown away.
 */
import { EventEmitter } from 'node:events';
import type { FastifyServerFactory } from 'fastify';
import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import type { Deps } from './http/deps.js';
import { createLogger } from './logger.js';

/**
 * Stands in for the use cases: routes may keep references to them while they register, but calling one
 * while the snapshot is built fails loudly (that would be per-request work, or I/O).
 */
function unavailable<T>(what: string): T {
  return new Proxy(() => undefined, {
    get: (_, key): unknown => (key === 'then' ? undefined : unavailable<unknown>(`${what}.${String(key)}`)),
    apply() {
      throw new Error(`${what}() was called while building the startup snapshot`);
    },
  }) as T;
}

/** Fastify's HTTP server stands in for node:http's, which cannot be in a snapshot. */
const detachedServer: FastifyServerFactory = () => {
  const server = Object.assign(new EventEmitter(), {
    listening: false,
    address: () => null,
    close: (done?: () => void) => done?.(),
    setTimeout: () => server,
    closeIdleConnections: () => undefined,
  });
  return server as unknown as ReturnType<FastifyServerFactory>;
};

export async function warmUp(): Promise<void> {
  const config = loadConfig({
    PODUP_GITHUB_WEBHOOK_SECRET: 'snapshot-warm-up-secret-not-used',
    PODUP_ADMIN_TOKEN: 'snapshot-warm-up-token-not-used',
    PODUP_STATE_DIR: '/nonexistent/podup-snapshot',
  });
  const logger = createLogger({
    level: 'silent',
    format: 'json',
    destination: { write: () => true },
  });
  const deps: Deps = {
    config,
    logger,
    services: unavailable('services'),
    lifecycle: { listener: 'none', requestStarted: () => undefined, requestFinished: () => undefined },
  };
  const app = await buildApp(deps, { serverFactory: detachedServer });
  await app.ready();
  await app.close();
}
