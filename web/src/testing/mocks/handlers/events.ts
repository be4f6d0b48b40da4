import { http, HttpResponse } from 'msw';
import { EventsQuery } from '@contract';
import { listEvents, parseTime } from '../lists';
import { recordedTransport } from '../state';
import { guard, queryObject, respond } from './utils';

export const eventHandlers = [
  http.get('/api/events', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const bad = () => respond(recordedTransport().badEventsQuery);
    const parsed = EventsQuery.safeParse(queryObject(request));
    if (!parsed.success) return bad();
    const { since, until } = parsed.data;
    const range = {
      since: since === undefined ? undefined : parseTime(since),
      until: until === undefined ? undefined : parseTime(until),
    };
    if (
      (since !== undefined && range.since === undefined) ||
      (until !== undefined && range.until === undefined)
    )
      return bad();
    return HttpResponse.json(listEvents(parsed.data, range));
  }),
];
