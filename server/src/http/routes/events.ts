/** GET /api/events: the event log, newest first, filtered, with cursor pagination (admin). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { parseTimeFilter } from '../../domain/events/time-filter.js';
import type { StoredEvent } from '../../domain/events/event.js';
import { AppError } from '../../errors.js';
import { EventsQuery, type ApiEvent, type EventsPage } from '../contract.js';

export const toApiEvent = ({ ts, ...rest }: StoredEvent): ApiEvent => ({
  ...rest,
  time: new Date(ts).toISOString(),
});

export function eventRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/api/events', { preHandler: adminGuard }, async (request): Promise<EventsPage> => {
      const parsed = EventsQuery.safeParse(request.query);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
        throw new AppError('INVALID_QUERY', problems.join('; '));
      }
      const q = parsed.data;
      const now = deps.clock.now();
      const time = (name: 'since' | 'until'): number | undefined => {
        const text = q[name];
        if (text === undefined) return undefined;
        const t = parseTimeFilter(text, now);
        if (t === undefined)
          throw new AppError(
            'INVALID_QUERY',
            `${name}: use an ISO date, unix milliseconds or a duration such as 24h`,
          );
        return t;
      };
      const rows = deps.stores.events.list({
        route: q.route,
        outcome: q.outcome,
        event: q.event,
        delivery: q.delivery,
        image: q.image,
        taskId: q.task,
        status: q.status,
        since: time('since'),
        until: time('until'),
        beforeId: q.cursor,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        events: page.map(toApiEvent),
        nextCursor: rows.length > q.limit && last ? String(last.id) : null,
      };
    });
  };
}
