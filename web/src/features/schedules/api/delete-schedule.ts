import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { afterScheduleChange, schedulePath } from './schedule-change';

/** DELETE /api/schedules/:name: the tasks its runs created stay in the task list. */
export const deleteSchedule = (name: string): Promise<{ message: string }> =>
  apiRequest<{ message: string }>(schedulePath(name), { method: 'DELETE' });

export function useDeleteSchedule() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: deleteSchedule, onSuccess: () => afterScheduleChange(queryClient) });
}
