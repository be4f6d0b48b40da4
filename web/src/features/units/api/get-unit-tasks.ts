import { queryOptions, useQuery } from '@tanstack/react-query';
import type { TasksPage } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { isInFlight } from '@/lib/format';

/** How many of a unit's tasks its page shows. */
export const UNIT_HISTORY = 20;

/** GET /api/tasks?unit=: the tasks that named this unit, newest first. */
export const getUnitTasks = (unit: string, limit: number, signal?: AbortSignal): Promise<TasksPage> =>
  apiRequest<TasksPage>('/api/tasks', { signal, query: { unit, limit } });

export const getUnitTasksQueryOptions = (unit: string, limit = UNIT_HISTORY) =>
  queryOptions({
    // Under ['tasks'], so whatever refreshes the task lists (a trigger, a decision) refreshes this too.
    queryKey: ['tasks', 'unit', unit, limit],
    queryFn: ({ signal }) => getUnitTasks(unit, limit, signal),
    refetchInterval: (q) => (q.state.data?.tasks.some((t) => isInFlight(t.status)) ? 3_000 : 30_000),
  });

export const useUnitTasks = (unit: string, limit = UNIT_HISTORY) =>
  useQuery(getUnitTasksQueryOptions(unit, limit));
