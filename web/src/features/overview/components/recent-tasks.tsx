import { Link } from 'react-router';
import type { ApiTask } from '@contract';
import { EmptyState } from '@/components/empty-state';
import { StatusBadge, taskStatusLabel } from '@/components/status-badge';
import { paths } from '@/config/paths';
import { formatAgo } from '@/lib/format';
import { failureOf, imageTag, rowUnits } from '@/lib/task-names';

export function taskTarget(t: ApiTask): string {
  if (t.units && t.units.length > 0)
    return t.units.length > 2 ? `${t.units.length} units` : t.units.join(', ');
  return t.image ?? 'all units';
}

/** The newest tasks, named like the task list's rows: the units first, the image's tag, why one failed. */
export function RecentTasks({ tasks, now }: { tasks: ApiTask[]; now: number }) {
  if (tasks.length === 0)
    return (
      <EmptyState title="No tasks yet">
        A task is queued when GitHub reports a new image, or when you update a unit from the Units page.
      </EmptyState>
    );
  return (
    <ul className="task-feed">
      {tasks.map((t) => {
        const failure = failureOf(t);
        const tag = imageTag(t.image);
        return (
          <li key={t.id}>
            <StatusBadge status={t.status} label={taskStatusLabel(t.status)} />
            <Link to={paths.task(t.id)} className="task-feed-link">
              {rowUnits(t)}
            </Link>
            {tag && <span className="muted small mono"> {tag}</span>}
            <span className="muted small">
              {t.trigger} · {formatAgo(t.createdAt, now)}
            </span>
            {(failure ?? t.summary) && (
              <span className="small task-feed-summary">{failure ?? t.summary}</span>
            )}
            {t.journal && (
              <span className="small mono task-journal" title="First error line of the journal">
                {t.journal}
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
