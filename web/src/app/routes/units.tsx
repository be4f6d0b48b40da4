import { Link, useNavigate } from 'react-router';
import { Button } from '@/components/button';
import { DownList } from '@/components/down-list';
import { EmptyState } from '@/components/empty-state';
import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { paths } from '@/config/paths';
import { TriggerAll } from '@/features/tasks/components/trigger-all';
import { useUnits } from '@/features/units/api/get-units';
import { UnitsTable } from '@/features/units/components/units-table';
import { DecisionButtons } from '@/features/tasks/components/decision-buttons';
import { useReadiness } from '@/features/overview/api/get-readiness';
import { downParts, partName } from '@/features/overview/components/health-banner';

export function UnitsRoute() {
  const units = useUnits();
  const navigate = useNavigate();
  const openTask = (id: string) => void navigate(paths.task(id));
  const list = units.data?.units ?? [];
  const available = list.filter((u) => u.updateAvailable).length;
  // While a part podup needs is down, an update fails at once: say so before anyone presses Update.
  const down = downParts(useReadiness().data);

  return (
    <>
      <div className="page-head">
        <h1>Units</h1>
        <span className="spacer" />
        <Button size="sm" variant="ghost" busy={units.isFetching} onClick={() => void units.refetch()}>
          Check again
        </Button>
        <TriggerAll onQueued={openTask} disabled={list.length === 0} />
      </div>
      {down.length > 0 && (
        <section className="alert alert-warn" role="alert" aria-label="Updates will fail">
          <p className="alert-title">
            Updates will fail while {down.map((d) => partName(d.part)).join(' and ')}{' '}
            {down.length === 1 ? 'is' : 'are'} down.
          </p>
          <DownList down={down.map((d) => ({ ...d, name: partName(d.part) }))} />
          <p className="small">
            <Link to={paths.overview}>Service health on the overview</Link>
          </p>
        </section>
      )}
      {units.isPending && <Loading label="Asking the registries…" />}
      {units.isError && (
        <ErrorMessage error={units.error} title="Could not list units" onRetry={() => void units.refetch()} />
      )}
      {units.isSuccess && list.length === 0 && (
        <EmptyState title="No units found">
          podup updates systemd units that run containers: Quadlet <code>.container</code> files and{' '}
          <code>podman run</code> units with <code>io.containers.autoupdate=registry</code>. None were found.
        </EmptyState>
      )}
      {list.length > 0 && (
        <>
          <p className="muted small" role="status">
            {list.length} unit{list.length === 1 ? '' : 's'}, {available} with an update available.
          </p>
          <UnitsTable
            units={list}
            onQueued={openTask}
            decisions={(taskId, label) => <DecisionButtons taskId={taskId} label={label} />}
          />
        </>
      )}
    </>
  );
}
