import { useState } from 'react';
import type { ApiSchedule } from '@contract';
import { Button } from '@/components/button';
import { EmptyState } from '@/components/empty-state';
import { ErrorMessage } from '@/components/error-message';
import { Loading } from '@/components/spinner';
import { useSchedules } from '@/features/schedules/api/get-schedules';
import { ScheduleEditor } from '@/features/schedules/components/schedule-editor';
import { SchedulesTable } from '@/features/schedules/components/schedules-table';
import { useNow } from '@/lib/use-now';

type Editing = { schedule?: ApiSchedule } | null;

/** Schedules: what podup checks, updates or prunes on its own, and when. */
export function SchedulesRoute() {
  const schedules = useSchedules();
  const now = useNow(1000);
  const [editing, setEditing] = useState<Editing>(null);
  const list = schedules.data?.schedules ?? [];

  return (
    <>
      <div className="page-head">
        <h1>Schedules</h1>
        {!editing && (
          <Button variant="primary" onClick={() => setEditing({})}>
            New schedule
          </Button>
        )}
      </div>
      {editing && (
        <ScheduleEditor
          key={editing.schedule?.name ?? 'new'}
          schedule={editing.schedule}
          onDone={() => setEditing(null)}
        />
      )}
      {schedules.isPending && <Loading label="Loading schedules…" />}
      {schedules.isError && (
        <ErrorMessage
          error={schedules.error}
          title="Could not load schedules"
          onRetry={() => void schedules.refetch()}
        />
      )}
      {schedules.isSuccess && list.length === 0 && (
        <EmptyState title="No schedules yet">
          A schedule checks the registries for new digests (and applies them per policy), updates, or prunes
          on a cron of your choosing; it replaces podman-auto-update.timer.
        </EmptyState>
      )}
      {list.length > 0 && (
        <SchedulesTable schedules={list} now={now} onEdit={(schedule) => setEditing({ schedule })} />
      )}
    </>
  );
}
