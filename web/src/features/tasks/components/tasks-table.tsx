import { Link } from 'react-router';
import type { ApiTask } from '@contract';
import { between, formatAgo, formatDuration, formatTime } from '@/lib/format';
import { failureOf, imageTag, rowUnits } from '@/lib/task-names';
import { TaskStatusBadge } from './task-status-badge';
import { TableWrap } from '../../../components/table-wrap';

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
    <TableWrap label="Tasks">
      <table className="table tasks-table table-cards">
        <thead>
          <tr>
            <th scope="col">Units</th>
            <th scope="col">Status</th>
            <th scope="col" className="hide-sm">
              Task
            </th>
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
              <td className="wrap task-units">
                <Link
                  to={hrefFor(t.id)}
                  className="task-units-link"
                  // The visible text first (units), then which task it opens.
                  aria-label={`${rowUnits(t)}, open task ${t.id}`}
                >
                  {rowUnits(t)}
                </Link>
                {imageTag(t.image) && <div className="muted small mono">{imageTag(t.image)}</div>}
                {failureOf(t) && (
                  <div className="small task-failure" title={t.summary ?? undefined}>
                    {failureOf(t)}
                  </div>
                )}
                {t.journal && (
                  <div className="small mono task-journal" title="First error line of the journal">
                    {t.journal}
                  </div>
                )}
              </td>
              <td data-label="Status">
                <TaskStatusBadge status={t.status} />
                <Waiting task={t} />
                {t.status === 'running' && t.stopRequested && (
                  <div className="small">
                    <span className="badge tone-warn">
                      {t.stopRequested === 'force' ? 'stopping' : 'stop requested'}
                    </span>
                  </div>
                )}
                {t.status === 'running' && t.startedAt && (
                  <div className="muted small">
                    for {formatDuration(Math.max(0, now - Date.parse(t.startedAt)))}
                  </div>
                )}
              </td>
              <td className="hide-sm card-hide" data-label="Task">
                <span className="mono small">{t.id}</span>
                <div className="muted small">{t.kind}</div>
              </td>
              <td className="hide-sm" data-label="Trigger">
                {t.trigger}
                {t.caller && <div className="muted small">{t.caller}</div>}
              </td>
              <td className="hide-sm" data-label="Created">
                <time dateTime={t.createdAt} title={formatTime(t.createdAt)}>
                  {formatAgo(t.createdAt, now)}
                </time>
              </td>
              <td className="hide-md" data-label="Duration">
                {formatDuration(between(t.startedAt, t.finishedAt))}
              </td>
              <td className="hide-md wrap summary-cell" data-label="Summary">
                {t.summary ?? ''}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
