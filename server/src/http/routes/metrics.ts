/**
 * GET /metrics: Prometheus text format. A read-scoped credential (an API token with read, the admin token) or
 * PODUP_METRICS_TOKEN, as Authorization: Bearer (Prometheus' `authorization` in a scrape config).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';

export function metricsRoutes(deps: Deps, guard: (request: FastifyRequest) => Promise<void>) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/metrics', { preHandler: guard, config: { quietLog: true } }, async (_request, reply) => {
      const { contentType, body } = await deps.services.metrics.render();
      return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
    });
  };
}
