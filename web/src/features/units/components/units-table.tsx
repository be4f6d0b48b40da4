import { useId, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { ApiPlan, ApiUnit } from '@contract';
import { Button } from '@/components/button';
import { ConfirmDialog, Dialog } from '@/components/dialog';
import { Digest } from '@/components/digest';
import { PlanView } from '@/components/plan-view';
import { paths } from '@/config/paths';
import { useToast } from '@/components/toast';
import { formatAgo, formatTime, shortDigest } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { UPDATE_POLICIES, type UpdatePolicy } from '@vocabulary';
import { useSetUnitPolicy } from '../api/set-unit-policy';
import { useSkipVersion } from '../api/skip-version';
import { useUpdateUnit } from '../api/update-unit';
import { PolicyOverrides } from './policy-overrides';
import { sourceWords } from './policy-sources';
import { SnoozeUnit } from './snooze-unit';
import { TableWrap } from '@/components/table-wrap';

/** Approve / Reject of a task, rendered by the page (deciding belongs to the tasks feature). */
export type DecisionSlot = (taskId: string, label: string) => ReactNode;

const from = sourceWords;

/**
 * The effective policy and where each part came from, and the operator's runtime override: choosing a value
 * persists it, "labels and defaults" drops it so the unit's labels and podup's defaults apply again.
 */
export function PolicyLine({ unit }: { unit: ApiUnit }) {
  const p = unit.updatePolicy;
  const change = useSetUnitPolicy();
  const toast = useToast();
  const id = useId();
  return (
    <div className="small policy-line">
      <label htmlFor={id}>Policy</label>{' '}
      <select
        id={id}
        value=""
        aria-label={`Update policy of ${unit.unit}: ${p.policy.value} (${from(p.policy.source)})`}
        disabled={!unit.managed || change.isPending}
        onChange={(e) =>
          e.target.value &&
          change.mutate(
            { unit: unit.unit, policy: e.target.value as UpdatePolicy | 'default' },
            {
              onSuccess: (r) => toast.success(r.message),
              onError: (err) => toast.error(err, `Could not change the policy of ${unit.unit}`),
            },
          )
        }
      >
        {/* The current value stays the visible choice; the options below change it. */}
        <option value="">
          {p.policy.value} ({from(p.policy.source)})
        </option>
        {UPDATE_POLICIES.map((v) => (
          <option key={v} value={v}>
            set {v}
          </option>
        ))}
        {p.policy.source === 'override' && <option value="default">back to labels and defaults</option>}
      </select>
      {p.minAge.value !== '0' && (
        <span className="muted">
          {' '}
          · min age {p.minAge.value} ({from(p.minAge.source)})
        </span>
      )}
      {p.windows.value.length > 0 && (
        <span className="muted">
          {' '}
          · window {p.windows.value.join('; ')} ({from(p.windows.source)})
        </span>
      )}
      {p.snoozedUntil && <span className="muted"> · snoozed until {formatTime(p.snoozedUntil)}</span>}
      {p.skipped.length > 0 && (
        <span className="muted" title={p.skipped.join('\n')}>
          {' '}
          · skips {p.skipped.length} version{p.skipped.length === 1 ? '' : 's'}
        </span>
      )}
    </div>
  );
}

/** Why a task waits ("minimum image age 3d (override)"): the server's summary after its "deferred until T: ". */
const deferredWhy = (summary: string | null): string | null =>
  summary?.startsWith('deferred until ') && summary.includes(': ')
    ? summary.slice(summary.indexOf(': ') + 2)
    : null;

/** What the last scheduled check found and what the policy makes of it, and the tasks that wait on it. */
export function Waiting({ unit, now, decisions }: { unit: ApiUnit; now: number; decisions: DecisionSlot }) {
  const c = unit.check;
  return (
    <>
      {c?.status === 'available' && c.digest && (
        <div className="muted small" title={c.reason ?? `found by the last check: ${c.digest}`}>
          <code>{shortDigest(c.digest)}</code> seen {formatAgo(c.firstSeen, now)}
          {c.verdict && ` · ${c.verdict}`}
        </div>
      )}
      {unit.waiting.map((w) => (
        <div key={w.taskId} className="small waiting">
          {w.status === 'awaiting-approval' ? (
            <>
              <span className="badge tone-warn">awaiting approval</span>
              {decisions(w.taskId, unit.unit)}
            </>
          ) : (
            <>
              <span className="badge tone-idle" title={w.summary ?? undefined}>
                deferred until {formatTime(w.notBefore)}
              </span>
              {deferredWhy(w.summary) && <span className="muted"> {deferredWhy(w.summary)}</span>}
            </>
          )}
        </div>
      ))}
    </>
  );
}

/** Skip the version the registry offers; snooze the unit (or end its snooze); its age and windows. */
function HoldActions({ unit }: { unit: ApiUnit }) {
  const skip = useSkipVersion();
  const toast = useToast();
  const offered = unit.check?.digest ?? unit.registryDigest;
  return (
    <>
      {offered && offered !== unit.runningDigest && !unit.updatePolicy.skipped.includes(offered) && (
        <Button
          size="sm"
          busy={skip.isPending}
          aria-label={`Skip version ${shortDigest(offered)} of ${unit.unit}`}
          title={`never update ${unit.unit} to ${offered}`}
          onClick={() =>
            skip.mutate(
              { unit: unit.unit, digest: offered },
              {
                onSuccess: (r) => toast.success(r.message),
                onError: (e) => toast.error(e, `Skip of ${unit.unit} failed`),
              },
            )
          }
        >
          Skip version
        </Button>
      )}
      <SnoozeUnit unit={unit} />
      <PolicyOverrides unit={unit} />
    </>
  );
}

export function Freshness({ unit }: { unit: ApiUnit }) {
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

export function UnitRowActions({ unit, onQueued }: { unit: ApiUnit; onQueued: (taskId: string) => void }) {
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
          if (reply.status === 'queued') {
            toast.show({ tone: 'ok', title: `Update of ${unit.unit} queued as ${reply.taskId}` });
            // The new task's drawer opens at once: what happens next is followed there.
            onQueued(reply.taskId);
          }
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
    <div className="row row-tight unit-actions">
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
        aria-label={`Update now: ${unit.unit}`}
      >
        Update now
      </Button>
      <HoldActions unit={unit} />
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
export function UnitsTable({
  units,
  onQueued,
  decisions,
}: {
  units: ApiUnit[];
  onQueued: (taskId: string) => void;
  decisions: DecisionSlot;
}) {
  const now = useNow();
  return (
    <TableWrap label="Units">
      <table className="table units-table table-cards">
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
              <td data-label="Unit">
                <strong>
                  <Link to={paths.unit(u.unit)}>{u.unit}</Link>
                </strong>
                <div className="muted small">
                  {u.containerState ?? 'no container'}
                  {u.pinned && ' · pinned'}
                  {u.policy && ` · AutoUpdate=${u.policy}`}
                </div>
                <PolicyLine unit={u} />
                {u.unmanagedReason && <p className="small warn-text">{u.unmanagedReason}</p>}
                {u.problems.length > 0 && (
                  <ul className="problems small">
                    {u.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td className="wrap" data-label="Image">
                {u.image ?? <span className="muted">no image</span>}
                <div className="muted small">from {u.sources.join(', ') || '—'}</div>
              </td>
              <td className="hide-sm" data-label="Running">
                <Digest value={u.runningDigest} />
              </td>
              <td className="hide-sm" data-label="Registry">
                <Digest value={u.registryDigest} />
              </td>
              <td data-label="State">
                <Freshness unit={u} />
                <Waiting unit={u} now={now} decisions={decisions} />
                {u.lastSeen && (
                  <div
                    className="muted small"
                    title={`last seen ${formatTime(u.lastSeen)}, first seen ${formatTime(u.firstSeen)}`}
                  >
                    seen {formatAgo(u.lastSeen, now)}
                  </div>
                )}
              </td>
              <td data-label="Actions">
                <UnitRowActions unit={u} onQueued={onQueued} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
