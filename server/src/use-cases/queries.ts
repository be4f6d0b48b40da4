/**
 * Reads: tasks with their units and log, the event log, the overview. Pages are bounded and keyed by cursor.
 * Used by: GET /api/tasks[/:id[/log]], GET /api/events, GET /api/overview, podup tasks, podup events
 */
import type { EventQuery, StoredEvent } from '../domain/events/event.js';
import type {
  Clock,
  Probes,
  Stores,
  TaskCounts,
  TaskListQuery,
  TaskLogRow,
  TaskUnitRow,
  UnitLastResult,
  StoredUnit,
} from '../domain/ports/index.js';
import type { TaskRecord } from '../domain/tasks/task.js';
import type { ScheduleRecord } from '../domain/schedules/schedule.js';
import { runChecks, type CheckResult } from '../domain/health/readiness.js';
import { AppError } from '../errors.js';

const DAY_MS = 86_400_000;
const OVERVIEW_PROBE_MS = 2000;

export interface Page<T> {
  items: T[];
  /** More rows exist past the last item. */
  more: boolean;
}

export interface TaskDetail {
  task: TaskRecord;
  units: TaskUnitRow[];
  log: TaskLogRow[];
}

export interface OverviewData {
  health: Record<keyof Probes, CheckResult>;
  counts: TaskCounts & { events24h: number };
  units: Array<{ unit: StoredUnit; last: UnitLastResult | undefined }>;
  recentTasks: TaskRecord[];
  pendingApprovals: TaskRecord[];
  nextRuns: ScheduleRecord[];
}

export class QueryService {
  constructor(private readonly deps: { stores: Stores; clock: Clock; probes: Probes }) {}

  tasks(query: TaskListQuery): Page<TaskRecord> {
    const rows = this.deps.stores.tasks.list({ ...query, limit: query.limit + 1 });
    return { items: rows.slice(0, query.limit), more: rows.length > query.limit };
  }

  task(id: string, logAfter = 0): TaskDetail {
    const { tasks, journals } = this.deps.stores;
    const task = tasks.get(id);
    if (!task) throw new AppError('NOT_FOUND', `no task ${id.slice(0, 64)}`);
    return { task, units: journals.units(id), log: journals.logs(id, logAfter) };
  }

  /** The task, or undefined once it is gone (pruned). */
  findTask(id: string): TaskRecord | undefined {
    return this.deps.stores.tasks.get(id);
  }

  /** Queued or running tasks exist: podup must not exit for being idle. */
  hasPendingTasks(): boolean {
    return this.deps.stores.tasks.hasPending();
  }

  /** Notifications wait to be delivered (or retried): podup must not exit for being idle either. */
  hasPendingNotifications(): boolean {
    return this.deps.stores.outbox.hasPending();
  }

  taskLog(id: string, after: number, limit: number): TaskLogRow[] {
    return this.deps.stores.journals.logs(id, after, limit);
  }

  events(query: EventQuery): Page<StoredEvent> {
    const rows = this.deps.stores.events.list({ ...query, limit: query.limit + 1 });
    return { items: rows.slice(0, query.limit), more: rows.length > query.limit };
  }

  async overview(): Promise<OverviewData> {
    const { stores, clock, probes } = this.deps;
    const health = await runChecks(probes, OVERVIEW_PROBE_MS);
    const since = clock.now() - DAY_MS;
    const last = new Map(stores.journals.lastResults().map((r) => [r.unit, r]));
    return {
      health,
      counts: { ...stores.tasks.counts(since), events24h: stores.events.countSince(since) },
      units: stores.units.present().map((unit) => ({ unit, last: last.get(unit.unit) })),
      recentTasks: stores.tasks.list({ limit: 10 }),
      pendingApprovals: stores.tasks.list({ status: 'awaiting-approval', limit: 20 }).reverse(),
      nextRuns: stores.schedules
        .list()
        .filter((s) => !s.paused && s.nextRunAt !== null)
        .sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0))
        .slice(0, 5),
    };
  }
}
