/**
 * Runs while the startup snapshot is built: V8 keeps the bytecode of every function that ran, so what each
 * cold start runs anyway (config validation, the logger, Fastify with every route registered) is compiled
 * once at build time. It builds the app exactly as `podup serve` does, with stand-ins for what it must not
 * touch; the rules for what may run here are in server/snapshot/README.md (no open file, socket, database or
 * timer; no crypto.randomUUID / randomInt). Every value built here is thrown away.
 *
 * node:http is not loaded while the snapshot is built: in the snapshot bundle Fastify's http.createServer()
 * returns a server that never listens (server/snapshot/lazy-builtin.cjs). Run from the sources (warm-up.test.ts)
 * it is node's own, equally never listening.
 */
import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import type { Deps } from '../http/deps.js';
import { createLogger } from '../logger.js';

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
  const app = await buildApp(deps);
  await app.ready();
  await app.close();
}
