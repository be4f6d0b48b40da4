import { useMutation, useQueryClient } from '@tanstack/react-query';
import { afterTaskAction, postTaskAction } from './task-action';

/** POST /api/tasks/:id/approve: a task awaiting approval runs, for the digest it waited with. 409 otherwise. */
export const approveTask = (id: string) => postTaskAction(id, 'approve');

export function useApproveTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: approveTask,
    onSuccess: (reply) => {
      afterTaskAction(queryClient, reply);
      // The unit's waiting list shows it.
      void queryClient.invalidateQueries({ queryKey: ['units'] });
    },
  });
}
