import { useState } from 'react';
import type { ApiTask } from '@contract';
import { Button } from '@/components/button';
import { ConfirmDialog } from '@/components/dialog';
import { useToast } from '@/components/toast';
import { isActive } from '@/lib/format';
import { useForceStopTask } from '../api/force-stop-task';
import { useRetryTask } from '../api/retry-task';
import { useStopTask } from '../api/stop-task';
import { DecisionButtons } from './decision-buttons';

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

/**
 * Stop, force-stop (while queued or running) and retry (once over), each confirmed first. A task awaiting
 * approval is decided instead (reject ends it); a deferred one can only be cancelled, since it has not started.
 */
export function TaskActions({ task, onRetried }: { task: ApiTask; onRetried: (newId: string) => void }) {
  const [pending, setPending] = useState<Action | null>(null);
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
        toast.success(reply.message);
        if (action === 'retry' && reply.retryTaskId) onRetried(reply.retryTaskId);
      },
      onError: (error) => {
        setPending(null);
        toast.error(error, `${CONFIRM[action].label} failed`);
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
          <Button onClick={() => setPending('stop')}>Stop</Button>
          {task.status === 'running' && (
            <Button variant="danger" onClick={() => setPending('force-stop')}>
              Force stop
            </Button>
          )}
        </>
      ) : (
        <Button variant="primary" onClick={() => setPending('retry')}>
          Retry
        </Button>
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
          <p className="muted small mono">{task.id}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
