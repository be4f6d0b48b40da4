import { useMutation, useQueryClient } from '@tanstack/react-query';
import { afterTaskAction, postTaskAction } from './task-action';

/** POST /api/tasks/:id/force-stop: abort now, mid-unit. 409 once the task is over. */
export const forceStopTask = (id: string) => postTaskAction(id, 'force-stop');

export function useForceStopTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: forceStopTask,
    onSuccess: (reply) => afterTaskAction(queryClient, reply),
  });
}
