/** GET /api/events: the event log, newest first, filtered, with cursor pagination (admin). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { StoredEvent } from '../../domain/events/event.js';
import type { ApiEvent, EventsPage } from '../contract.js';
import { parseEventsQuery } from '../events-query.js';

export const toApiEvent = ({ ts, ...rest }: StoredEvent): ApiEvent => ({
  ...rest,
  time: new Date(ts).toISOString(),
});

export function eventRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/api/events', { preHandler: adminGuard }, async (request): Promise<EventsPage> => {
      const query = parseEventsQuery(request.query, deps.clock.now());
      // One row more than asked tells whether another page exists.
      const rows = deps.stores.events.list({ ...query, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      const last = page.at(-1);
      return {
        events: page.map(toApiEvent),
        nextCursor: rows.length > query.limit && last ? String(last.id) : null,
      };
    });
  };
}
