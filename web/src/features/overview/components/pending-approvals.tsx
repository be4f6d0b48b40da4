import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { Overview } from '@contract';
import { EmptyState } from '@/components/empty-state';
import { paths } from '@/config/paths';
import { formatAgo, formatTime, shortDigest } from '@/lib/format';
import { taskTarget } from './recent-tasks';

/** Approve / Reject of one task: the page passes them in, since deciding belongs to the tasks feature. */
export type DecisionSlot = (taskId: string, label: string) => ReactNode;

/** Tasks that wait for an admin's approval, oldest first, each with its digest and when it expires. */
export function PendingApprovals({
  tasks,
  now,
  decisions,
}: {
  tasks: Overview['pendingApprovals'];
  now: number;
  decisions: DecisionSlot;
}) {
  if (tasks.length === 0)
    return (
      <EmptyState title="Nothing awaits approval">
        Units with the policy <code>approve</code> wait here before an update is applied.
      </EmptyState>
    );
  return (
    <ul className="task-feed">
      {tasks.map((t) => (
        <li key={t.id}>
          <span className="badge tone-warn">awaiting approval</span>
          <Link to={paths.task(t.id)} className="task-feed-link">
            {taskTarget(t)}
          </Link>
          <span className="muted small">
            <code title={t.digest ?? undefined}>{shortDigest(t.digest)}</code> · {t.trigger} ·{' '}
            {formatAgo(t.createdAt, now)}
            {t.expiresAt && ` · expires ${formatTime(t.expiresAt)}`}
          </span>
          {decisions(t.id, taskTarget(t))}
        </li>
      ))}
    </ul>
  );
}
