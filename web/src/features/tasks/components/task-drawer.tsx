import type { ReactNode } from 'react';
import { Link } from 'react-router';
import type { ApiTaskDetail } from '@contract';
import { Button } from '@/components/button';
import { DownList, type PartDown } from '@/components/down-list';
import { Drawer } from '@/components/drawer';
import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { paths } from '@/config/paths';
import { downloadText } from '@/lib/download';
import { between, formatDuration, formatTime, isInFlight } from '@/lib/format';
import { useTask } from '../api/get-task';
import { useTaskLogStream } from '../api/stream-task-log';
import { TaskActions } from './task-actions';
import { TaskLog } from './task-log';
import { TaskCause, TaskNow, TaskSourceLine, UnitResults } from './task-result';
import { TaskStatusBadge } from './task-status-badge';
import { TaskTimeline } from './task-timeline';

/** The task that took a waiting task's place when a newer digest came (the server says so in its summary). */
const replacingTask = (task: ApiTaskDetail): string | null =>
  task.status === 'cancelled' ? (/^replaced by task (\S+):/.exec(task.summary ?? '')?.[1] ?? null) : null;

function Meta({ task, hrefFor }: { task: ApiTaskDetail; hrefFor: (id: string) => string }) {
  const rows: Array<[string, ReactNode]> = [
    ['Kind', task.kind],
    ['Trigger', task.trigger],
    ['Image', task.image ?? '—'],
    ['Units', task.units?.join(', ') ?? 'every unit of the image'],
    ['Asked by', task.actor ?? '—'],
    ['Caller’s note', task.caller ?? '—'],
    ['Reason', task.reason ?? '—'],
    ['Delivery', task.delivery ?? '—'],
    ['Attempts', String(task.attempts)],
    ['Created', formatTime(task.createdAt)],
    ['Started', formatTime(task.startedAt)],
    ['Finished', formatTime(task.finishedAt)],
    ['Duration', formatDuration(between(task.startedAt, task.finishedAt)) || '—'],
  ];
  if (task.digest) rows.push(['Digest', <code title={task.digest}>{task.digest}</code>]);
  if (task.status === 'deferred' && task.notBefore) rows.push(['Deferred until', formatTime(task.notBefore)]);
  if (task.expiresAt && task.status === 'awaiting-approval')
    rows.push(['Approval expires', formatTime(task.expiresAt)]);
  if (task.approvedBy) rows.push(['Approved by', task.approvedBy]);
  if (task.force) rows.push(['Policy', 'overridden (--force)']);
  const replacedBy = replacingTask(task);
  if (replacedBy) rows.push(['Replaced by', <Link to={hrefFor(replacedBy)}>{replacedBy}</Link>]);
  if (task.retryOf) rows.push(['Retry of', <Link to={hrefFor(task.retryOf)}>{task.retryOf}</Link>]);
  return (
    <details className="meta-box">
      <summary>Details</summary>
      <dl className="meta">
        {rows.map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd className="wrap">{v}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/** What to do next while a part is down: its hint, and the overview, where its health is shown. */
function PartsDown({ down }: { down: readonly PartDown[] }) {
  return (
    <section className="alert alert-warn" aria-label="Next step">
      <p className="alert-title">Updates and retries fail until this is fixed:</p>
      <DownList down={down} />
      <p className="small">
        <Link to={paths.overview}>Service health on the overview</Link>
      </p>
    </section>
  );
}

/**
 * One task, in the order an operator asks: the result per unit, the cause, what to do next, then the steps
 * and the log (live while it runs); metadata last.
 */
export function TaskDrawer({
  taskId,
  onClose,
  onOpenTask,
  hrefFor,
  down = [],
}: {
  taskId: string | null;
  onClose: () => void;
  onOpenTask: (id: string) => void;
  hrefFor: (id: string) => string;
  down?: readonly PartDown[];
}) {
  const query = useTask(taskId);
  const task = query.data;
  // A waiting task writes no log until it runs, which may be days away: no stream held open for it.
  const live = Boolean(task && isInFlight(task.status));
  const stream = useTaskLogStream(taskId, live);

  return (
    <Drawer
      open={taskId !== null}
      onClose={onClose}
      title={
        <>
          Task <span className="mono">{taskId}</span>
        </>
      }
      actions={
        task && (
          <>
            <TaskActions task={task} onRetried={onOpenTask} down={down} />
            <Button
              size="sm"
              variant="ghost"
              onClick={() =>
                downloadText(`${task.id}.json`, JSON.stringify(task, null, 2), 'application/json')
              }
            >
              Export JSON
            </Button>
            <Link className="btn btn-ghost btn-sm" to={paths.eventsOfTask(task.id)}>
              Related events
            </Link>
          </>
        )
      }
    >
      {query.isPending && taskId && <Loading label="Loading task…" />}
      {query.isError && <ErrorMessage error={query.error} title="Could not load the task" />}
      {task && (
        <>
          <div className="task-summary">
            <TaskStatusBadge status={task.status} />
            <p className="summary-text">{task.summary ?? (live ? 'In progress…' : 'No summary.')}</p>
          </div>
          <TaskNow task={task} />
          <UnitResults task={task} />
          <TaskSourceLine task={task} />
          <TaskCause task={task} />
          {down.length > 0 && <PartsDown down={down} />}
          <TaskTimeline task={task} />
          <TaskLog key={task.id} lines={task.log} live={live} stream={stream} />
          <Meta task={task} hrefFor={hrefFor} />
        </>
      )}
    </Drawer>
  );
}
