import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ApiSchedule, ScheduleEditBody } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { afterScheduleChange, schedulePath } from './schedule-change';

/** PUT /api/schedules/:name: cron, zone, action, units, random delay; the name stays. */
export const editSchedule = ({ name, ...body }: ScheduleEditBody & { name: string }): Promise<ApiSchedule> =>
  apiRequest<ApiSchedule>(schedulePath(name), { method: 'PUT', body });

export function useEditSchedule() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: editSchedule, onSuccess: () => afterScheduleChange(queryClient) });
}
