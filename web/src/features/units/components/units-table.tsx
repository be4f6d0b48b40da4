import { useId, useState } from 'react';
import type { ApiPlan, ApiUnit } from '@contract';
import { Button } from '@/components/button';
import { ConfirmDialog, Dialog } from '@/components/dialog';
import { Digest } from '@/components/digest';
import { PlanView } from '@/components/plan-view';
import { useToast } from '@/components/toast';
import { formatAgo, formatTime } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { useUpdateUnit } from '../api/update-unit';

function Freshness({ unit }: { unit: ApiUnit }) {
  if (unit.registryError)
    return (
      <span className="badge tone-warn" title={unit.registryError}>
        registry unreachable
      </span>
    );
  if (unit.updateAvailable === true) return <span className="badge tone-busy">update available</span>;
  if (unit.updateAvailable === false) return <span className="badge tone-ok">up to date</span>;
  return <span className="badge tone-idle">unknown</span>;
}

function UnitRowActions({ unit, onQueued }: { unit: ApiUnit; onQueued: (taskId: string) => void }) {
  const update = useUpdateUnit();
  const toast = useToast();
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [plan, setPlan] = useState<ApiPlan | null>(null);
  const reasonId = useId();

  const dryRun = () =>
    update.mutate(
      { unit: unit.unit, dryRun: true },
      {
        onSuccess: (reply) => reply.status === 'dry-run' && setPlan(reply.plan),
        onError: (e) => toast.error(e, `Dry run of ${unit.unit} failed`),
      },
    );
  const run = () =>
    update.mutate(
      { unit: unit.unit, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      {
        onSuccess: (reply) => {
          setConfirming(false);
          setReason('');
          if (reply.status === 'queued')
            toast.show({
              tone: 'ok',
              title: `Update of ${unit.unit} queued as ${reply.taskId}`,
              action: { label: 'View task', onClick: () => onQueued(reply.taskId) },
            });
        },
        onError: (e) => {
          setConfirming(false);
          toast.error(e, `Update of ${unit.unit} failed`);
        },
      },
    );

  // podup refuses to move a unit it does not manage: say why instead of offering buttons that fail.
  if (!unit.managed) return <span className="muted small">not updated by podup</span>;

  return (
    <div className="row row-tight">
      <Button
        size="sm"
        onClick={dryRun}
        busy={update.isPending && !confirming}
        aria-label={`Dry run ${unit.unit}`}
      >
        Dry run
      </Button>
      <Button
        size="sm"
        variant={unit.updateAvailable ? 'primary' : 'secondary'}
        onClick={() => setConfirming(true)}
        aria-label={`Update ${unit.unit} now`}
      >
        Update now
      </Button>
      <ConfirmDialog
        open={confirming}
        title={`Update ${unit.unit}?`}
        confirmLabel="Update now"
        busy={update.isPending}
        onConfirm={run}
        onCancel={() => setConfirming(false)}
      >
        <p>
          podup pulls <strong>{unit.image ?? 'its image'}</strong>, restarts {unit.unit}, checks it stays up,
          and rolls back to the current image if it does not.
        </p>
        <label htmlFor={reasonId}>Reason (optional)</label>
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
        title={`Dry run: ${unit.unit}`}
        wide
        footer={<Button onClick={() => setPlan(null)}>Close</Button>}
      >
        {plan && <PlanView plan={plan} />}
      </Dialog>
    </div>
  );
}

/** Every discovered unit: its image, the digest it runs and the registry's, and what to do about it. */
export function UnitsTable({ units, onQueued }: { units: ApiUnit[]; onQueued: (taskId: string) => void }) {
  const now = useNow();
  return (
    <div className="table-wrap">
      <table className="table units-table">
        <thead>
          <tr>
            <th scope="col">Unit</th>
            <th scope="col">Image</th>
            <th scope="col" className="hide-sm">
              Running
            </th>
            <th scope="col" className="hide-sm">
              Registry
            </th>
            <th scope="col">State</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {units.map((u) => (
            <tr key={u.unit}>
              <td>
                <strong>{u.unit}</strong>
                <div className="muted small">
                  {u.containerState ?? 'no container'}
                  {u.pinned && ' · pinned'}
                  {u.policy && ` · policy ${u.policy}`}
                </div>
                {u.unmanagedReason && <p className="small warn-text">{u.unmanagedReason}</p>}
                {u.problems.length > 0 && (
                  <ul className="problems small">
                    {u.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="wrap">
                {u.image ?? <span className="muted">no image</span>}
                <div className="muted small">from {u.sources.join(', ') || '—'}</div>
              </td>
              <td className="hide-sm">
                <Digest value={u.runningDigest} />
              </td>
              <td className="hide-sm">
                <Digest value={u.registryDigest} />
              </td>
              <td>
                <Freshness unit={u} />
                {u.lastSeen && (
                  <div
                    className="muted small"
                    title={`last seen ${formatTime(u.lastSeen)}, first seen ${formatTime(u.firstSeen)}`}
                  >
                    seen {formatAgo(u.lastSeen, now)}
                  </div>
                )}
              </td>
              <td>
                <UnitRowActions unit={u} onQueued={onQueued} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
