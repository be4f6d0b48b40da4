/**
 * GET /healthz: the process is alive (no dependencies checked).
 * GET /readyz: the database is writable, the systemd manager answers on D-Bus, the Podman API answers;
 * each failure carries its fix.
 */
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.js';
import { VERSION } from '../../version.js';
import type { Readiness } from '../../contract/api.js';

const PROBE_TIMEOUT_MS = 2000;

export function healthRoutes(deps: Deps) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/healthz', { config: { quietLog: true } }, async () => ({
      status: 'ok' as const,
      version: VERSION,
      // process.uptime(), not a time taken when this module loads: that may be when the snapshot was built.
      uptimeSec: Math.round(process.uptime()),
      listener: deps.lifecycle.listener,
    }));

    app.get('/readyz', { config: { quietLog: true } }, async (request, reply) => {
      const checks = await deps.services.health.readiness(PROBE_TIMEOUT_MS);
      const failed = Object.entries(checks).filter(([, c]) => !c.ok);
      if (failed.length === 0) return { status: 'ready', checks } satisfies Readiness;
      const message = failed.map(([name, c]) => `${name}: ${c.detail}`).join('; ');
      request.audit.reason = message.slice(0, 500);
      request.audit.outcome = 'error';
      return reply.code(503).send({
        status: 'not-ready',
        checks,
        error: { code: 'NOT_READY', message, requestId: request.id },
      } satisfies Readiness);
    });
  };
}
