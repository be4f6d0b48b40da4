import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiSchedule } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { afterScheduleChange, schedulePath } from './schedule-change';

/** POST /api/schedules/:name/resume: runs again from its next time. */
export const resumeSchedule = (name: string): Promise<ApiSchedule> =>
  apiRequest<ApiSchedule>(`${schedulePath(name)}/resume`, { method: 'POST' });

export function useResumeSchedule() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: resumeSchedule, onSuccess: () => afterScheduleChange(queryClient) });
}
