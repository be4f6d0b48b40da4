import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ScheduleRunReply } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { afterScheduleChange, schedulePath } from './schedule-change';

/** POST /api/schedules/:name/run: one run now (paused or not), with its result and the task it created. */
export const runSchedule = (name: string): Promise<ScheduleRunReply> =>
  apiRequest<ScheduleRunReply>(`${schedulePath(name)}/run`, { method: 'POST' });

export function useRunSchedule() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: runSchedule, onSuccess: () => afterScheduleChange(queryClient) });
}
