/** What every change to a schedule shares: the list, the overview's next runs and the tasks refresh. */
import type { QueryClient } from '@tanstack/react-query';
import { schedulesKey } from './get-schedules';

export const schedulePath = (name: string) => `/api/schedules/${encodeURIComponent(name)}`;

export function afterScheduleChange(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: schedulesKey });
  void queryClient.invalidateQueries({ queryKey: ['overview'] });
  // A run now creates a task.
  void queryClient.invalidateQueries({ queryKey: ['tasks'] });
}
