import { StatusBadge, taskStatusLabel } from '@/components/status-badge';

export const statusLabel = taskStatusLabel;

/** Unknown statuses (a newer server) still show, as their raw name in neutral grey. */
export function TaskStatusBadge({ status }: { status: string }) {
  return <StatusBadge status={status} label={taskStatusLabel(status)} />;
}
