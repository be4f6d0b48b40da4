import { useQuery } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { EmptyState } from '@/components/empty-state';
import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { paths } from '@/config/paths';
import { getTaskQueryOptions } from '@/features/tasks/api/get-task';
import { DecisionButtons } from '@/features/tasks/components/decision-buttons';
import { useUnitTasks } from '@/features/units/api/get-unit-tasks';
import { useUnits } from '@/features/units/api/get-units';
import {
  isFailure,
  LastFailure,
  UnitDependents,
  UnitFacts,
  UnitHistory,
} from '@/features/units/components/unit-detail';
import { UnitRowActions } from '@/features/units/components/units-table';
import { isInFlight } from '@/lib/format';
import { usePageTitle } from '@/lib/page-title';

/** /units/:unit: one unit, what it runs, what happened to it, and what to do about it. */
export function UnitRoute() {
  const name = useParams().unit ?? '';
  usePageTitle(name);
  const navigate = useNavigate();
  const units = useUnits();
  const tasks = useUnitTasks(name);
  const unit = units.data?.units.find((u) => u.unit === name);
  const list = tasks.data?.tasks ?? [];
  const failure = list.find(isFailure);
  const lastDone = list.find((t) => t.finishedAt !== null && t.status !== 'skipped');
  const failureDetail = useQuery({ ...getTaskQueryOptions(failure?.id ?? ''), enabled: !!failure });
  const lastDetail = useQuery({ ...getTaskQueryOptions(lastDone?.id ?? ''), enabled: !!lastDone });

  return (
    <>
      <nav aria-label="Breadcrumb" className="small">
        <Link to={paths.units}>Units</Link> /
      </nav>
      <div className="page-head">
        <h1 className="wrap">{name}</h1>
        {list.some((t) => isInFlight(t.status)) && <span className="badge tone-busy">updating</span>}
        <span className="spacer" />
        {unit && <UnitRowActions unit={unit} onQueued={(id) => void navigate(paths.task(id))} />}
      </div>
      {units.isPending && <Loading label="Asking the registries…" />}
      {units.isError && (
        <ErrorMessage error={units.error} title="Could not list units" onRetry={() => void units.refetch()} />
      )}
      {units.isSuccess && !unit && (
        <EmptyState title="No such unit">
          podup does not know {name}. See <Link to={paths.units}>all units</Link>.
        </EmptyState>
      )}
      {unit && (
        <div className="grid-2">
          <UnitFacts
            unit={unit}
            decisions={(taskId, label) => <DecisionButtons taskId={taskId} label={label} />}
          />
          {failureDetail.data ? (
            <LastFailure unit={name} detail={failureDetail.data} />
          ) : (
            <UnitDependents unit={name} detail={lastDetail.data} />
          )}
        </div>
      )}
      {unit && failureDetail.data && <UnitDependents unit={name} detail={lastDetail.data} />}
      {unit && (
        <section className="card" aria-labelledby="unit-history-h">
          <div className="card-head">
            <h2 id="unit-history-h">History</h2>
            <Link to={`${paths.tasks}?unit=${encodeURIComponent(name)}`} className="small">
              All tasks of {name}
            </Link>
          </div>
          {tasks.isPending && <Loading label="Loading its tasks…" />}
          {tasks.isError && (
            <ErrorMessage
              error={tasks.error}
              title="Could not load its tasks"
              onRetry={() => void tasks.refetch()}
            />
          )}
          {tasks.data && <UnitHistory tasks={list} />}
        </section>
      )}
    </>
  );
}
