import { queryOptions, useQuery } from '@tanstack/react-query';
import type { SchedulesReply } from '@contract';
import { apiRequest } from '@/lib/api-client';

export const schedulesKey = ['schedules'] as const;

/** GET /api/schedules: each schedule with its next run and its last run's result. */
export const getSchedules = (signal?: AbortSignal): Promise<SchedulesReply> =>
  apiRequest<SchedulesReply>('/api/schedules', { signal });

export const getSchedulesQueryOptions = () =>
  queryOptions({
    queryKey: schedulesKey,
    queryFn: ({ signal }) => getSchedules(signal),
    // The countdown runs locally; a refetch picks up runs that happened meanwhile.
    refetchInterval: 30_000,
  });

export const useSchedules = () => useQuery(getSchedulesQueryOptions());
