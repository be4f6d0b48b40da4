import { useMutation, useQueryClient } from '@tanstack/react-query';
import { afterTaskAction, postTaskAction } from './task-action';

/** POST /api/tasks/:id/retry: a new task with the same plan (retryTaskId), linked by retryOf. */
export const retryTask = (id: string) => postTaskAction(id, 'retry');

export function useRetryTask() {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: retryTask, onSuccess: (reply) => afterTaskAction(queryClient, reply) });
}
