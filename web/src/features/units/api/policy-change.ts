/** What a policy change, a skip and a snooze share: a message back, then the units and tasks refresh. */
import type { QueryClient } from '@tanstack/react-query';

export const unitPath = (unit: string) => `/api/units/${encodeURIComponent(unit)}`;

export function afterPolicyChange(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({ queryKey: ['units'] });
  // A skip or a snooze may cancel a waiting task.
  void queryClient.invalidateQueries({ queryKey: ['tasks'] });
  void queryClient.invalidateQueries({ queryKey: ['overview'] });
}
