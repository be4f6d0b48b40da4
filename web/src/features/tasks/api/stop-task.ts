import { useMutation, useQueryClient } from '@tanstack/react-query';
import { afterTaskAction, postTaskAction } from './task-action';

/** POST /api/tasks/:id/stop: the current unit finishes, the rest are skipped. 409 once the task is over. */
export const stopTask = (id: string) => postTaskAction(id, 'stop');

export function useStopTask() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: stopTask, onSuccess: (reply) => afterTaskAction(queryClient, reply) });
}
