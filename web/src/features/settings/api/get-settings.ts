import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Settings } from '@contract';
import { apiRequest } from '@/lib/api-client';

/** GET /api/settings: effective configuration (secrets only as set/unset), webhook URLs, units. */
export const getSettings = (signal?: AbortSignal): Promise<Settings> =>
  apiRequest<Settings>('/api/settings', { signal });

export const getSettingsQueryOptions = () =>
  queryOptions({ queryKey: ['settings'], queryFn: ({ signal }) => getSettings(signal), staleTime: 60_000 });

export const useSettings = () => useQuery(getSettingsQueryOptions());
