/** GET /api/v1/events: the event log, newest first, filtered, with cursor pagination (read). */
import type { FastifyInstance } from 'fastify';
import type { EventsPage } from '../../contract/api.js';
import { parseEventsQuery } from '../../contract/events-query.js';
import { toEventsPage } from '../../contract/views.js';
import { api, type RequireScope } from '../api-paths.js';
import type { Deps } from '../deps.js';

export function eventRoutes(deps: Deps, need: RequireScope) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get(api('/events'), { preHandler: need('read') }, async (request): Promise<EventsPage> =>
      toEventsPage(deps.services.queries.events(parseEventsQuery(request.query, Date.now()))),
    );
  };
}
