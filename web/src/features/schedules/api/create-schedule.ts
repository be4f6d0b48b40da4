import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiSchedule, ScheduleBody } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { afterScheduleChange } from './schedule-change';

/** POST /api/schedules: 201 with the new schedule (named by the server when no name is given). */
export const createSchedule = (body: ScheduleBody): Promise<ApiSchedule> =>
  apiRequest<ApiSchedule>('/api/schedules', { method: 'POST', body });

export function useCreateSchedule() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: createSchedule, onSuccess: () => afterScheduleChange(queryClient) });
}
