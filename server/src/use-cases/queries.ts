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
  TaskUnitOutcome,
  TaskUnitRow,
  UnitLastResult,
  StoredUnit,
} from '../domain/ports/index.js';
import { TASKS_TOTAL_UP_TO, type TaskRecord } from '../domain/tasks/task.js';
import type { ScheduleRecord } from '../domain/schedules/schedule.js';
import { runChecks, type CheckResult } from '../domain/health/readiness.js';
import { AppError } from '../errors.js';
import { journalErrorLine } from '../domain/tasks/journal-line.js';

const DAY_MS = 86_400_000;
const OVERVIEW_PROBE_MS = 2000;

export interface Page<T> {
  items: T[];
  /** More rows exist past the last item. */
  more: boolean;
}

const FAILED: ReadonlySet<string> = new Set(['failed', 'rolled-back', 'interrupted']);

export interface TaskPage extends Page<TaskRecord> {
  outcomes: Map<string, TaskUnitOutcome[]>;
  /** Task id -> the first error line of its journal excerpt (failed tasks that have one). */
  journal: Map<string, string>;
  /** The tasks the filters match, up to TASKS_TOTAL_UP_TO (domain/tasks/task.ts); only with the first page. */
  total: number | undefined;
  /** More tasks match than `total` says. */
  totalCapped?: boolean;
}

const totalOf = (counted: number): { total: number; totalCapped?: true } =>
  counted > TASKS_TOTAL_UP_TO ? { total: TASKS_TOTAL_UP_TO, totalCapped: true } : { total: counted };

export interface TaskDetail {
  task: TaskRecord;
  units: TaskUnitRow[];
  log: TaskLogRow[];
}

export interface OverviewData {
  health: Record<keyof Probes, CheckResult>;
  counts: TaskCounts & { deliveries24h: number };
  units: Array<{ unit: StoredUnit; last: UnitLastResult | undefined }>;
  /** The newest tasks, named like the task list's rows (their units' results, the journal's error line). */
  recentTasks: Pick<TaskPage, 'items' | 'outcomes' | 'journal'>;
  pendingApprovals: TaskRecord[];
  nextRuns: ScheduleRecord[];
}

export class QueryService {
  constructor(private readonly deps: { stores: Stores; clock: Clock; probes: Probes }) {}

  /**
   * A page of tasks with what a row shows: the units each ran on with their result, the first error line of a
   * failed task's journal excerpt, and (on the first page only) how many tasks the filters match.
   */
  tasks(query: TaskListQuery): TaskPage {
    const { tasks } = this.deps.stores;
    const rows = tasks.list({ ...query, limit: query.limit + 1 });
    const items = rows.slice(0, query.limit);
    return {
      items,
      more: rows.length > query.limit,
      ...this.rowsOf(items),
      // Counted up to a bound: a search that matches most of 100,000 tasks would otherwise count them all on
      // every poll of the panel (the list says "1000+").
      ...(query.beforeCreated === undefined
        ? totalOf(tasks.count(query, TASKS_TOTAL_UP_TO + 1))
        : { total: undefined }),
    };
  }

  /** What a row of these tasks shows besides the task: each unit's result, a failed task's journal error line. */
  private rowsOf(items: readonly TaskRecord[]): Pick<TaskPage, 'outcomes' | 'journal'> {
    const { journals } = this.deps.stores;
    const failed = items.filter((t) => FAILED.has(t.status)).map((t) => t.id);
    const journal = new Map<string, string>();
    for (const [id, list] of journals.journalsOf(failed)) {
      const line = list.map(journalErrorLine).find((l) => l !== null);
      if (line) journal.set(id, line);
    }
    return { outcomes: journals.outcomesOf(items.map((t) => t.id)), journal };
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
    const recent = stores.tasks.list({ limit: 10 });
    return {
      health,
      counts: { ...stores.tasks.counts(since), deliveries24h: stores.events.countSince(since, true) },
      units: stores.units.present().map((unit) => ({ unit, last: last.get(unit.unit) })),
      recentTasks: { items: recent, ...this.rowsOf(recent) },
      pendingApprovals: stores.tasks.list({ status: 'awaiting-approval', limit: 20 }).reverse(),
      nextRuns: stores.schedules
        .list()
        .filter((s) => !s.paused && s.nextRunAt !== null)
        .sort((a, b) => (a.nextRunAt ?? 0) - (b.nextRunAt ?? 0))
        .slice(0, 5),
    };
  }
}
