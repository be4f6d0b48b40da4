import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TriggerBody, TriggerReply } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { tasksListKey } from './get-tasks';

/** POST /api/tasks: update named units or all of them; with dryRun, only the plan comes back. */
export const createTask = (body: TriggerBody) =>
  apiRequest<TriggerReply>('/api/tasks', { method: 'POST', body });

export function useCreateTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createTask,
    onSuccess: (reply) => {
      if (reply.status !== 'queued') return;
      void queryClient.invalidateQueries({ queryKey: tasksListKey });
      void queryClient.invalidateQueries({ queryKey: ['overview'] });
    },
  });
}
