import { http, HttpResponse } from 'msw';
import { EventsQuery } from '@contract';
import { listEvents } from '../db';
import { errorResponse, guard, issues, parseTime, queryObject } from './utils';

export const eventHandlers = [
  http.get('/api/events', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = EventsQuery.safeParse(queryObject(request));
    if (!parsed.success) return errorResponse(400, 'INVALID_QUERY', issues(parsed.error));
    const q = parsed.data;
    const since = q.since === undefined ? undefined : parseTime(q.since);
    const until = q.until === undefined ? undefined : parseTime(q.until);
    if ((q.since !== undefined && since === undefined) || (q.until !== undefined && until === undefined))
      return errorResponse(
        400,
        'INVALID_QUERY',
        'since/until: use an ISO date, unix milliseconds or a duration such as 24h',
      );
    return HttpResponse.json(
      listEvents({
        route: q.route,
        outcome: q.outcome,
        event: q.event,
        delivery: q.delivery,
        image: q.image,
        task: q.task,
        status: q.status,
        since,
        until,
        cursor: q.cursor,
        limit: q.limit,
      }),
    );
  }),
];
