import { queryOptions, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { Health } from '@contract';
import { apiRequest } from '@/lib/api-client';

export type HealthReply = z.infer<typeof Health>;

/** GET /healthz: the process is alive, its version and uptime. */
export const getHealth = (signal?: AbortSignal): Promise<HealthReply> =>
  apiRequest<HealthReply>('/healthz', { signal });

export const getHealthQueryOptions = () =>
  queryOptions({ queryKey: ['health'], queryFn: ({ signal }) => getHealth(signal), staleTime: 5 * 60_000 });

export const useHealth = () => useQuery(getHealthQueryOptions());
