import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiSchedule } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { afterScheduleChange, schedulePath } from './schedule-change';

/** POST /api/schedules/:name/pause: no runs (and no next run) until resumed. */
export const pauseSchedule = (name: string): Promise<ApiSchedule> =>
  apiRequest<ApiSchedule>(`${schedulePath(name)}/pause`, { method: 'POST' });

export function usePauseSchedule() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: pauseSchedule, onSuccess: () => afterScheduleChange(queryClient) });
}
