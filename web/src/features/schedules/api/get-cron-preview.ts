import { queryOptions, useQuery } from '@tanstack/react-query';
import type { CronPreview } from '@contract';
import { apiRequest } from '@/lib/api-client';

/**
 * GET /api/schedules/preview?cron=&zone=: the next runs of an expression. The server is the one validator
 * (the same parser the scheduler uses): a bad expression or zone answers 400 saying what is wrong.
 */
export const getCronPreview = (cron: string, zone: string, signal?: AbortSignal): Promise<CronPreview> =>
  apiRequest<CronPreview>('/api/schedules/preview', { signal, query: { cron, zone } });

export const getCronPreviewQueryOptions = (cron: string, zone: string) =>
  queryOptions({
    queryKey: ['schedules', 'preview', cron, zone],
    queryFn: ({ signal }) => getCronPreview(cron, zone, signal),
    staleTime: 60_000,
    // A 400 is an answer (the expression is wrong), not a failure to retry.
    retry: false,
  });

export const useCronPreview = (cron: string, zone: string) =>
  useQuery({ ...getCronPreviewQueryOptions(cron, zone), enabled: cron.trim() !== '' && zone.trim() !== '' });
