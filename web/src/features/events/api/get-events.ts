import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { EventsPage, EventsQuery } from '@contract';
import { OUTCOMES } from '@vocabulary';
import { apiRequest } from '@/lib/api-client';

export type EventOutcome = NonNullable<EventsQuery['outcome']>;

/** The outcomes GET /api/events filters on (the server's own list). */
export const EVENT_OUTCOMES: readonly EventOutcome[] = OUTCOMES;

export interface EventFilters {
  route?: string | undefined;
  outcome?: string | undefined;
  event?: string | undefined;
  image?: string | undefined;
  delivery?: string | undefined;
  task?: string | undefined;
  /** ISO time, unix ms, or a duration back from now ("24h"). */
  since?: string | undefined;
  until?: string | undefined;
  /** deliveries (webhooks and API calls that ask for something) or all rows, the panel's own included. */
  traffic?: EventsQuery['traffic'] | undefined;
}

export const EVENTS_PAGE_SIZE = 100;

/** GET /api/events: the event log, newest first, paged by nextCursor. */
export const getEvents = (params: EventFilters & { cursor?: string | undefined }, signal?: AbortSignal) =>
  apiRequest<EventsPage>('/api/events', {
    signal,
    query: { ...params, limit: EVENTS_PAGE_SIZE },
  });

export const getEventsQueryOptions = (filters: EventFilters) =>
  infiniteQueryOptions({
    queryKey: ['events', filters],
    queryFn: ({ pageParam, signal }) => getEvents({ ...filters, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // While another filter loads, the old rows stay (no flash of an empty table at every key stroke).
    placeholderData: keepPreviousData,
    refetchInterval: (q) => ((q.state.data?.pages.length ?? 0) > 2 ? false : 30_000),
  });

export const useEvents = (filters: EventFilters) => useInfiniteQuery(getEventsQueryOptions(filters));
