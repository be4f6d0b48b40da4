import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { Link } from 'react-router';
import { paths } from '@/config/paths';
import { useOverview } from '@/features/overview/api/get-overview';
import { useReadiness } from '@/features/overview/api/get-readiness';
import { useLastDelivery, useTaskHistory } from '@/features/overview/api/get-task-history';
import { LastDelivery } from '@/features/overview/components/last-delivery';
import { HealthBanner } from '@/features/overview/components/health-banner';
import { OverviewCounts } from '@/features/overview/components/overview-counts';
import { RecentTasks } from '@/features/overview/components/recent-tasks';
import { NextRuns } from '@/features/overview/components/next-runs';
import { PendingApprovals } from '@/features/overview/components/pending-approvals';
import { UnitStatusList } from '@/features/overview/components/unit-status-list';
import { DecisionButtons } from '@/features/tasks/components/decision-buttons';
import { useNow } from '@/lib/use-now';

export function OverviewRoute() {
  const readiness = useReadiness();
  const overview = useOverview();
  const history = useTaskHistory();
  const lastDelivery = useLastDelivery();
  const now = useNow();
  const tasks = history.data?.tasks ?? [];

  return (
    <>
      <div className="page-head">
        <h1>Overview</h1>
      </div>
      {readiness.isPending ? (
        <Loading label="Checking podup's health…" />
      ) : (
        <HealthBanner readiness={readiness.data} readinessError={readiness.error} overview={overview.data} />
      )}
      {overview.isPending && !readiness.isPending && <Loading label="Loading the overview…" />}
      {overview.isError && (
        <ErrorMessage
          error={overview.error}
          title="Could not load the overview"
          onRetry={() => void overview.refetch()}
        />
      )}
      {overview.data && (
        <>
          <OverviewCounts counts={overview.data.counts} />
          <LastDelivery event={lastDelivery.data} tasks={tasks} now={now} />
          <div className="grid-2">
            <section className="card" aria-labelledby="units-h">
              <div className="card-head">
                <h2 id="units-h">Units</h2>
                <Link to={paths.units} className="small">
                  All units
                </Link>
              </div>
              <UnitStatusList units={overview.data.units} now={now} tasks={tasks} />
            </section>
            <section className="card" aria-labelledby="recent-h">
              <div className="card-head">
                <h2 id="recent-h">Recent tasks</h2>
                <Link to={paths.tasks} className="small">
                  All tasks
                </Link>
              </div>
              <RecentTasks tasks={overview.data.recentTasks} now={now} />
            </section>
          </div>
          <div className="grid-2">
            <section className="card" aria-labelledby="approvals-h">
              <div className="card-head">
                <h2 id="approvals-h">Pending approvals</h2>
                <Link to={`${paths.tasks}?status=awaiting-approval`} className="small">
                  All
                </Link>
              </div>
              <PendingApprovals
                tasks={overview.data.pendingApprovals}
                now={now}
                decisions={(id, label) => <DecisionButtons taskId={id} label={label} />}
              />
            </section>
            <section className="card" aria-labelledby="runs-h">
              <div className="card-head">
                <h2 id="runs-h">Next runs</h2>
                <Link to={paths.schedules} className="small">
                  Schedules
                </Link>
              </div>
              <NextRuns runs={overview.data.nextRuns} now={now} />
            </section>
          </div>
        </>
      )}
    </>
  );
}
