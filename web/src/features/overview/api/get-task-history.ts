import { queryOptions, useQuery } from '@tanstack/react-query';
import type { EventsPage, TasksPage } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { isInFlight } from '@/lib/format';

/** How many of the newest tasks the overview reads for the per-unit history strips. */
export const HISTORY_TASKS = 100;

/** GET /api/tasks?limit=100: the newest tasks, grouped by unit on the overview (one request for all units). */
export const getTaskHistoryQueryOptions = () =>
  queryOptions({
    queryKey: ['tasks', 'history', HISTORY_TASKS],
    queryFn: ({ signal }) => apiRequest<TasksPage>('/api/tasks', { signal, query: { limit: HISTORY_TASKS } }),
    refetchInterval: (q) => (q.state.data?.tasks.some((t) => isInFlight(t.status)) ? 3_000 : 15_000),
  });

export const useTaskHistory = () => useQuery(getTaskHistoryQueryOptions());

/** GET /api/events?actor=github&limit=1: the last webhook delivery GitHub sent. */
export const getLastDeliveryQueryOptions = () =>
  queryOptions({
    queryKey: ['events', 'last-delivery'],
    queryFn: ({ signal }) =>
      apiRequest<EventsPage>('/api/events', { signal, query: { actor: 'github', limit: 1 } }),
    select: (page) => page.events[0] ?? null,
    refetchInterval: 30_000,
  });

export const useLastDelivery = () => useQuery(getLastDeliveryQueryOptions());
