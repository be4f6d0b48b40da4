import { useMutation, useQueryClient } from '@tanstack/react-query';
import { afterTaskAction, postTaskAction } from './task-action';

/** POST /api/tasks/:id/reject: a task awaiting approval (or deferred) ends without touching anything. */
export const rejectTask = (id: string) => postTaskAction(id, 'reject');

export function useRejectTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rejectTask,
    onSuccess: (reply) => {
      afterTaskAction(queryClient, reply);
      // The unit's waiting list shows it.
      void queryClient.invalidateQueries({ queryKey: ['units'] });
    },
  });
}
