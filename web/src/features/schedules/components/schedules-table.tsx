import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import type { ApiSchedule } from '@contract';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/dialog';
import { StatusDot } from '@/components/status-badge';
import { useToast } from '@/components/toast';
import { paths } from '@/config/paths';
import { formatAgo, formatIn, formatTime, toneOf } from '@/lib/format';
import { useDeleteSchedule } from '../api/delete-schedule';
import { usePauseSchedule } from '../api/pause-schedule';
import { useResumeSchedule } from '../api/resume-schedule';
import { useRunSchedule } from '../api/run-schedule';
import { TableWrap } from '@/components/table-wrap';

/** The last run: its dot is the run's outcome, or once its task ended, that task's own outcome. */
function LastRun({ s, now }: { s: ApiSchedule; now: number }) {
  if (!s.lastRunAt) return <span className="muted small">never run</span>;
  const status = s.lastStatus === 'failed' ? 'failed' : (s.lastTaskStatus ?? 'succeeded');
  const label = `last run ${s.lastStatus ?? 'unknown'}${s.lastTaskStatus ? `, task ${s.lastTaskStatus}` : ''}`;
  return (
    <div>
      <span className="row row-tight">
        <StatusDot tone={toneOf(status)} label={label} />
        <time className="small" dateTime={s.lastRunAt} title={formatTime(s.lastRunAt)}>
          {formatAgo(s.lastRunAt, now)}
        </time>
        {s.lastTaskId && (
          <Link
            className="small"
            to={paths.task(s.lastTaskId)}
            aria-label={`Task of the last run of ${s.name}`}
          >
            task
          </Link>
        )}
      </span>
      {s.lastSummary && <div className="muted small wrap">{s.lastSummary}</div>}
    </div>
  );
}

function Actions({ s, onEdit }: { s: ApiSchedule; onEdit: () => void }) {
  const toast = useToast();
  const navigate = useNavigate();
  const run = useRunSchedule();
  const pause = usePauseSchedule();
  const resume = useResumeSchedule();
  const remove = useDeleteSchedule();
  const [confirming, setConfirming] = useState(false);
  const toggle = s.paused ? resume : pause;
  return (
    <div className="row row-tight">
      <Button
        size="sm"
        busy={run.isPending}
        aria-label={`Run now: ${s.name}`}
        onClick={() =>
          run.mutate(s.name, {
            onSuccess: ({ status, summary, taskId }) =>
              toast.show({
                tone: status === 'ok' ? 'ok' : 'bad',
                title: `${s.name}: ${summary}`,
                ...(taskId
                  ? { action: { label: 'View task', onClick: () => void navigate(paths.task(taskId)) } }
                  : {}),
              }),
            onError: (e) => toast.error(e, `Run of ${s.name} failed`),
          })
        }
      >
        Run now
      </Button>
      <Button
        size="sm"
        busy={toggle.isPending}
        aria-label={`${s.paused ? 'Resume' : 'Pause'} ${s.name}`}
        onClick={() =>
          toggle.mutate(s.name, {
            onSuccess: () => toast.success(`${s.name} ${s.paused ? 'resumed' : 'paused'}`),
            onError: (e) => toast.error(e, `Could not ${s.paused ? 'resume' : 'pause'} ${s.name}`),
          })
        }
      >
        {s.paused ? 'Resume' : 'Pause'}
      </Button>
      <Button size="sm" aria-label={`Edit ${s.name}`} onClick={onEdit}>
        Edit
      </Button>
      <Button size="sm" variant="danger" aria-label={`Delete ${s.name}`} onClick={() => setConfirming(true)}>
        Delete
      </Button>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${s.name}?`}
        confirmLabel="Delete"
        variant="danger"
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(s.name, {
            onSuccess: (r) => {
              setConfirming(false);
              toast.success(r.message);
            },
            onError: (e) => {
              setConfirming(false);
              toast.error(e, `Could not delete ${s.name}`);
            },
          })
        }
      >
        <p>It no longer runs. The tasks its runs created stay; to stop it for a while, pause it instead.</p>
      </ConfirmDialog>
    </div>
  );
}

/** Every schedule with a countdown to its next run and its last result. */
export function SchedulesTable({
  schedules,
  now,
  onEdit,
}: {
  schedules: ApiSchedule[];
  now: number;
  onEdit: (s: ApiSchedule) => void;
}) {
  return (
    <TableWrap label="Schedules">
      <table className="table table-cards">
        <thead>
          <tr>
            <th scope="col">Schedule</th>
            <th scope="col">When</th>
            <th scope="col">Next run</th>
            <th scope="col">Last run</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {schedules.map((s) => (
            <tr key={s.name}>
              <td>
                <strong>{s.name}</strong>
                <div className="muted small">
                  {s.action}
                  {s.action !== 'prune' && ` · ${s.units?.join(', ') ?? 'all units'}`}
                </div>
              </td>
              <td>
                <code>{s.cron}</code>
                <div className="muted small">
                  {s.zone}
                  {s.randomDelay !== '0' && ` · up to ${s.randomDelay} later`}
                </div>
              </td>
              <td>
                {s.paused ? (
                  <span className="badge tone-idle">paused</span>
                ) : s.runningSince ? (
                  <span className="badge tone-busy">running</span>
                ) : s.nextRunAt ? (
                  <time dateTime={s.nextRunAt} title={formatTime(s.nextRunAt)}>
                    {formatIn(s.nextRunAt, now)}
                  </time>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td>
                <LastRun s={s} now={now} />
              </td>
              <td>
                <Actions s={s} onEdit={() => onEdit(s)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
