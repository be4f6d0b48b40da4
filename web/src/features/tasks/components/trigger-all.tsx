import { useId, useState } from 'react';
import type { ApiPlan } from '@contract';
import { Button } from '@/components/button';
import { ConfirmDialog, Dialog } from '@/components/dialog';
import { PlanView } from '@/components/plan-view';
import { useToast } from '@/components/toast';
import { useCreateTask } from '../api/create-task';

/** "Update all units" and its dry run (POST /api/tasks {all: true}). */
export function TriggerAll({
  onQueued,
  disabled,
}: {
  onQueued: (taskId: string) => void;
  disabled?: boolean;
}) {
  const create = useCreateTask();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [plan, setPlan] = useState<ApiPlan | null>(null);
  const reasonId = useId();

  const dryRun = () =>
    create.mutate(
      { all: true, dryRun: true, caller: 'web' },
      {
        onSuccess: (reply) => {
          if (reply.status === 'dry-run') setPlan(reply.plan);
        },
        onError: (e) => toast.error(e, 'Dry run failed'),
      },
    );

  const run = () =>
    create.mutate(
      { all: true, caller: 'web', ...(reason.trim() ? { reason: reason.trim() } : {}) },
      {
        onSuccess: (reply) => {
          setConfirming(false);
          setReason('');
          if (reply.status === 'queued') {
            toast.show({
              tone: 'ok',
              title: `Queued ${reply.taskId} for ${reply.units.length} unit${reply.units.length === 1 ? '' : 's'}`,
            });
            onQueued(reply.taskId);
          }
        },
        onError: (e) => {
          setConfirming(false);
          toast.error(e, 'Update all failed');
        },
      },
    );

  return (
    <div className="row">
      <Button onClick={dryRun} busy={create.isPending && !confirming} disabled={disabled}>
        Dry run all
      </Button>
      <Button variant="primary" onClick={() => setConfirming(true)} disabled={disabled}>
        Update all…
      </Button>
      <ConfirmDialog
        open={confirming}
        title="Update every unit?"
        confirmLabel="Update all"
        busy={create.isPending}
        onConfirm={run}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Each unit whose registry image is newer is pulled and restarted, one after another, with rollback on
          failure.
        </p>
        <label htmlFor={reasonId}>Reason (optional, kept with the task)</label>
        <input
          id={reasonId}
          type="text"
          value={reason}
          maxLength={1000}
          onChange={(e) => setReason(e.target.value)}
        />
      </ConfirmDialog>
      <Dialog
        open={plan !== null}
        onClose={() => setPlan(null)}
        title="Dry run: every unit"
        wide
        footer={<Button onClick={() => setPlan(null)}>Close</Button>}
      >
        {plan && <PlanView plan={plan} />}
      </Dialog>
    </div>
  );
}
