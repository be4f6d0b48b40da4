/** GET /api/events: the event log, newest first, filtered, with cursor pagination (admin). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventsPage } from '../../contract/api.js';
import { parseEventsQuery } from '../../contract/events-query.js';
import { toEventsPage } from '../../contract/views.js';
import type { Deps } from '../deps.js';

export function eventRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/api/events', { preHandler: adminGuard }, async (request): Promise<EventsPage> =>
      toEventsPage(deps.services.queries.events(parseEventsQuery(request.query, Date.now()))),
    );
  };
}
