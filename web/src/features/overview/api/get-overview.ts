import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Overview } from '@contract';
import { apiRequest } from '@/lib/api-client';

/** GET /api/overview: health of each part, counts, last result per unit, recent tasks. */
export const getOverview = (signal?: AbortSignal): Promise<Overview> =>
  apiRequest<Overview>('/api/overview', { signal });

export const getOverviewQueryOptions = () =>
  queryOptions({
    queryKey: ['overview'],
    queryFn: ({ signal }) => getOverview(signal),
    // Faster while something is queued or running, so the page follows it.
    refetchInterval: (q) => {
      const c = q.state.data?.counts;
      return c && c.queued + c.running > 0 ? 3_000 : 15_000;
    },
  });

export const useOverview = () => useQuery(getOverviewQueryOptions());
