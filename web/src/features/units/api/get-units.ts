import { queryOptions, useQuery } from '@tanstack/react-query';
import type { UnitsReply } from '@contract';
import { apiRequest } from '@/lib/api-client';

/** GET /api/units: discovered units with the digest they run and the registry's (checks each registry). */
export const getUnits = (signal?: AbortSignal): Promise<UnitsReply> =>
  apiRequest<UnitsReply>('/api/units', { signal });

export const getUnitsQueryOptions = () =>
  queryOptions({ queryKey: ['units'], queryFn: ({ signal }) => getUnits(signal), staleTime: 30_000 });

export const useUnits = () => useQuery(getUnitsQueryOptions());
