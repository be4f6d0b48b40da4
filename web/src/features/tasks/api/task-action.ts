/** What stop, force-stop, retry, approve and reject share: the reply patches the cached task, then lists refresh. */
import type { QueryClient } from '@tanstack/react-query';
import type { ApiTaskDetail, TaskActionReply } from '@contract';
import { apiRequest } from '@/lib/api-client';
import { taskDetailKey } from './get-task';
import { tasksListKey } from './get-tasks';

export const postTaskAction = (id: string, action: 'stop' | 'force-stop' | 'retry' | 'approve' | 'reject') =>
  apiRequest<TaskActionReply>(`/api/tasks/${encodeURIComponent(id)}/${action}`, { method: 'POST' });

export function afterTaskAction(queryClient: QueryClient, reply: TaskActionReply): void {
  queryClient.setQueryData<ApiTaskDetail>(taskDetailKey(reply.task.id), (d) =>
    d ? { ...d, ...reply.task } : d,
  );
  void queryClient.invalidateQueries({ queryKey: taskDetailKey(reply.task.id) });
  void queryClient.invalidateQueries({ queryKey: tasksListKey });
  void queryClient.invalidateQueries({ queryKey: ['overview'] });
}
