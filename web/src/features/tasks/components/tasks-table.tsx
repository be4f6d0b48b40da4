import { Link } from 'react-router';
import type { ApiTask } from '@contract';
import { between, formatAgo, formatDuration, formatTime } from '@/lib/format';
import { TaskStatusBadge } from './task-status-badge';

export function taskTarget(t: ApiTask): string {
  if (t.units && t.units.length > 0)
    return t.units.length > 3 ? `${t.units.length} units` : t.units.join(', ');
  return t.image ?? 'all units';
}

/** When a waiting task moves on by itself: a deferred one runs, an unapproved one expires. */
function Waiting({ task }: { task: ApiTask }) {
  const [label, at] =
    task.status === 'deferred'
      ? ['until', task.notBefore]
      : task.status === 'awaiting-approval'
        ? ['expires', task.expiresAt]
        : [null, null];
  if (!label || !at) return null;
  return (
    <div className="muted small">
      {label} <time dateTime={at}>{formatTime(at)}</time>
    </div>
  );
}

/**
 * The loaded pages of tasks. Rows are plain (no per-row state) so a few hundred stay cheap; the server
 * pages the rest.
 */
export function TasksTable({
  tasks,
  selectedId,
  hrefFor,
  onOpen,
  now,
}: {
  tasks: ApiTask[];
  selectedId: string | null;
  hrefFor: (id: string) => string;
  onOpen: (id: string) => void;
  now: number;
}) {
  return (
    <div className="table-wrap">
      <table className="table tasks-table">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Task</th>
            <th scope="col">Units / image</th>
            <th scope="col" className="hide-sm">
              Trigger
            </th>
            <th scope="col" className="hide-sm">
              Created
            </th>
            <th scope="col" className="hide-md">
              Duration
            </th>
            <th scope="col" className="hide-md">
              Summary
            </th>
          </tr>
        </thead>
        <tbody>
          {tasks.map((t) => (
            <tr
              key={t.id}
              className={t.id === selectedId ? 'selected' : undefined}
              onClick={(e) => {
                if ((e.target as HTMLElement).closest('a, button')) return;
                onOpen(t.id);
              }}
            >
              <td>
                <TaskStatusBadge status={t.status} />
                <Waiting task={t} />
              </td>
              <td>
                <Link to={hrefFor(t.id)} className="mono" aria-label={`Open task ${t.id}`}>
                  {t.id}
                </Link>
                <div className="muted small">{t.kind}</div>
              </td>
              <td className="wrap">{taskTarget(t)}</td>
              <td className="hide-sm">
                {t.trigger}
                {t.caller && <div className="muted small">{t.caller}</div>}
              </td>
              <td className="hide-sm">
                <time dateTime={t.createdAt} title={formatTime(t.createdAt)}>
                  {formatAgo(t.createdAt, now)}
                </time>
              </td>
              <td className="hide-md">{formatDuration(between(t.startedAt, t.finishedAt))}</td>
              <td className="hide-md wrap summary-cell">{t.summary ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
