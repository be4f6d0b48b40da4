import { useState } from 'react';
import type { ApiTask } from '@contract';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/dialog';
import { useToast } from '@/components/toast';
import { describeError } from '@/lib/api-client';
import { isActive } from '@/lib/format';
import { useForceStopTask } from '../api/force-stop-task';
import { useRetryTask } from '../api/retry-task';
import { useStopTask } from '../api/stop-task';
import { DecisionButtons } from './decision-buttons';
import type { PartDown } from '@/components/down-list';

type Action = 'stop' | 'cancel' | 'force-stop' | 'retry';

const CONFIRM: Record<Action, { title: string; label: string; body: string }> = {
  stop: {
    title: 'Stop this task?',
    label: 'Stop',
    body: 'The unit being updated now finishes (or rolls back) normally; the units after it are skipped.',
  },
  cancel: {
    title: 'Cancel this deferred task?',
    label: 'Cancel task',
    body: 'It has not started: it ends now and changes nothing. A later check or webhook may queue the update again.',
  },
  'force-stop': {
    title: 'Force-stop this task?',
    label: 'Force stop',
    body: 'The task is aborted at once: a pull in flight is cancelled, and a unit that was restarted but not yet verified is rolled back to its previous image.',
  },
  retry: {
    title: 'Retry this task?',
    label: 'Retry',
    body: 'A new task with the same units and image is queued. This one stays as it is.',
  },
};

/** "Podman API is down (connection refused): the retry will fail until it is back." */
export const blockedBy = (down: readonly PartDown[]): string =>
  `${down.map((d) => `${d.name} is down (${d.detail})`).join('; ')}: it will fail until ${down.length === 1 ? 'it is' : 'they are'} back.`;

/**
 * Stop, force-stop (while queued or running) and retry (once over), each confirmed first. A task awaiting
 * approval is decided instead (reject ends it); a deferred one can only be cancelled, since it has not started.
 */
export function TaskActions({
  task,
  onRetried,
  down = [],
}: {
  task: ApiTask;
  onRetried: (newId: string) => void;
  down?: readonly PartDown[];
}) {
  const [pending, setPending] = useState<Action | null>(null);
  /** A stop asked of a running task, until the task ends: it finishes the unit in hand first. */
  /** The last action that failed here, with the server's hint: it stays in the drawer after the toast is gone. */
  const [failure, setFailure] = useState<{ id: string; title: string; hint?: string | undefined } | null>(
    null,
  );
  const [stopAsked, setStopAsked] = useState<{ id: string; how: 'stop' | 'force-stop' } | null>(null);
  // The server says so (stopRequested); until the next read, the stop this page just asked.
  const stopping =
    task.status !== 'running'
      ? null
      : task.stopRequested
        ? task.stopRequested === 'force'
          ? 'force-stop'
          : 'stop'
        : stopAsked?.id === task.id
          ? stopAsked.how
          : null;
  const toast = useToast();
  const stop = useStopTask();
  const forceStop = useForceStopTask();
  const retry = useRetryTask();
  const mutation =
    pending === 'stop' || pending === 'cancel' ? stop : pending === 'force-stop' ? forceStop : retry;
  const active = isActive(task.status);

  const confirm = () => {
    if (!pending) return;
    const action = pending;
    mutation.mutate(task.id, {
      onSuccess: (reply) => {
        setPending(null);
        setFailure(null);
        toast.success(reply.message);
        if ((action === 'stop' || action === 'force-stop') && task.status === 'running')
          setStopAsked({ id: task.id, how: action });
        if (action === 'retry' && reply.retryTaskId) onRetried(reply.retryTaskId);
      },
      onError: (error) => {
        setPending(null);
        toast.error(error, `${CONFIRM[action].label} failed`);
        const d = describeError(error);
        setFailure({ id: task.id, title: `${CONFIRM[action].label} failed: ${d.title}`, hint: d.hint });
      },
    });
  };

  return (
    <>
      {task.status === 'awaiting-approval' ? (
        <DecisionButtons taskId={task.id} label={`task ${task.id}`} />
      ) : task.status === 'deferred' ? (
        <Button onClick={() => setPending('cancel')}>Cancel task</Button>
      ) : active ? (
        <>
          {stopping && (
            <span className="badge tone-warn" role="status">
              {stopping === 'stop' ? 'stop requested' : 'stopping'}
            </span>
          )}
          <Button onClick={() => setPending('stop')} disabled={stopping !== null}>
            Stop
          </Button>
          {task.status === 'running' && stopping !== 'force-stop' && (
            <Button variant="danger" onClick={() => setPending('force-stop')}>
              Force stop
            </Button>
          )}
        </>
      ) : (
        <>
          {/* While a part is down the retry fails again at once: say why, and do not make it the primary step. */}
          <Button
            variant={down.length > 0 ? 'secondary' : 'primary'}
            onClick={() => setPending('retry')}
            title={down.length > 0 ? blockedBy(down) : undefined}
          >
            Retry
          </Button>
        </>
      )}
      {failure?.id === task.id && (
        <p className="action-failure small" role="alert">
          {failure.title}
          {failure.hint && <span className="alert-hint"> Next: {failure.hint}</span>}
        </p>
      )}
      {pending && (
        <ConfirmDialog
          open
          title={CONFIRM[pending].title}
          confirmLabel={CONFIRM[pending].label}
          variant={pending === 'force-stop' ? 'danger' : 'primary'}
          busy={mutation.isPending}
          onConfirm={confirm}
          onCancel={() => setPending(null)}
        >
          <p>{CONFIRM[pending].body}</p>
          {pending === 'retry' && down.length > 0 && (
            <p className="alert alert-warn" role="alert">
              {blockedBy(down)}
            </p>
          )}
          <p className="muted small mono">{task.id}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
