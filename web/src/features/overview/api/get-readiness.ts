import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Readiness } from '@contract';
import { apiRequest } from '@/lib/api-client';

/** GET /readyz: 200 ready or 503 not-ready, both with the per-part checks. */
export const getReadiness = (signal?: AbortSignal): Promise<Readiness> =>
  apiRequest<Readiness>('/readyz', { signal, okStatuses: [503] });

export const getReadinessQueryOptions = () =>
  queryOptions({
    queryKey: ['readiness'],
    queryFn: ({ signal }) => getReadiness(signal),
    refetchInterval: (q) => (q.state.data?.status === 'ready' ? 30_000 : 10_000),
    staleTime: 5_000,
  });

export const useReadiness = () => useQuery(getReadinessQueryOptions());
