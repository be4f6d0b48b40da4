/** Event-log filters from a query string (GET /api/events) or CLI flags (podup events), validated once. */
import type { EventQuery } from '../domain/events/event.js';
import { parseTimeFilter } from '../domain/events/time-filter.js';
import { AppError } from '../errors.js';
import { parseInput } from './parse.js';
import { EventsQuery } from './api.js';

/** `label` names a field the way the caller knows it: "limit" for the API, "--limit" for the CLI. */
export function parseEventsQuery(
  raw: unknown,
  now: number,
  label: (field: string) => string = (f) => f,
): EventQuery {
  const q = parseInput(EventsQuery, raw, 'INVALID_QUERY', label, 'query');
  const time = (name: 'since' | 'until'): number | undefined => {
    const text = q[name];
    if (text === undefined) return undefined;
    const t = parseTimeFilter(text, now);
    if (t === undefined) {
      throw new AppError(
        'INVALID_QUERY',
        `${label(name)}: use an ISO date, unix milliseconds or a duration such as 24h`,
      );
    }
    return t;
  };
  return {
    route: q.route,
    outcome: q.outcome,
    event: q.event,
    delivery: q.delivery,
    image: q.image,
    taskId: q.task,
    actor: q.actor,
    status: q.status,
    since: time('since'),
    until: time('until'),
    deliveriesOnly: q.traffic === 'deliveries',
    beforeId: q.cursor,
    limit: q.limit,
  };
}
