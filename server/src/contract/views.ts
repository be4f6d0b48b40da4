/** Records as the API shows them (ISO times, camelCase), shared by the routes and the CLI's in-process path. */
import type { StoredEvent } from '../domain/events/event.js';
import type { ApiTokenRecord, OutboxDelivery, TaskLogRow, UnitCheck } from '../domain/ports/index.js';
import { formatAge } from '../domain/policies/unit-policy.js';
import type { CheckReport } from '../use-cases/check-units.js';
import type { ChannelView } from '../use-cases/notifications.js';
import type { Plan } from '../domain/tasks/plan.js';
import type { TaskRecord, TaskStatus } from '../domain/tasks/task.js';
import type { ScheduleRecord } from '../domain/schedules/schedule.js';
import type { CheckResult } from '../domain/health/readiness.js';
import type { OverviewData, Page, TaskDetail, TaskPage } from '../use-cases/queries.js';
import type { TriggerResult } from '../use-cases/trigger-units.js';
import type { UnitView } from '../use-cases/units.js';
import type {
  ApiChannel,
  ApiDelivery,
  ApiEvent,
  ApiToken,
  ApiPlan,
  ApiTask,
  ApiTaskDetail,
  ApiTaskLog,
  ApiUnit,
  ApiSchedule,
  ApiUnitPolicy,
  CheckReply,
  EventsPage,
  PolicyReply,
  Overview,
  TasksPage,
  TriggerReply,
} from './api.js';

const iso = (ms: number | null | undefined): string | null =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

export const toApiTask = (t: TaskRecord): ApiTask => ({
  id: t.id,
  kind: t.kind,
  status: t.status,
  image: t.image,
  units: t.units,
  trigger: t.trigger,
  delivery: t.delivery,
  actor: t.actor,
  caller: t.caller,
  reason: t.reason,
  summary: t.summary,
  attempts: t.attempts,
  retryOf: t.retryOf,
  createdAt: new Date(t.createdAt).toISOString(),
  startedAt: iso(t.startedAt),
  finishedAt: iso(t.finishedAt),
  digest: t.digest,
  force: t.force,
  notBefore: iso(t.notBefore),
  expiresAt: iso(t.expiresAt),
  approvedBy: t.approvedBy,
  source: t.source,
  stopRequested: t.stopRequested,
});

/** The cursor of a task page: the (createdAt, id) of its last task. */
export const taskCursor = (t: TaskRecord): string => `${t.createdAt}.${t.id}`;

/** Tasks as rows: each with its units' results and a failed task's journal error line. */
const toTaskRows = (rows: Pick<TaskPage, 'items' | 'outcomes' | 'journal'>): ApiTask[] =>
  rows.items.map((t) => ({
    ...toApiTask(t),
    outcomes: rows.outcomes.get(t.id) ?? [],
    journal: rows.journal.get(t.id) ?? null,
  }));

export const toTasksPage = (page: TaskPage): TasksPage => {
  const last = page.items.at(-1);
  return {
    tasks: toTaskRows(page),
    nextCursor: page.more && last ? taskCursor(last) : null,
    ...(page.total === undefined ? {} : { total: page.total }),
    ...(page.totalCapped ? { totalCapped: true } : {}),
  };
};

export const toApiLog = (l: TaskLogRow): ApiTaskLog => ({
  id: l.id,
  time: new Date(l.ts).toISOString(),
  level: l.level,
  step: l.step,
  unit: l.unit,
  message: l.message,
  durationMs: l.durationMs,
});

export const toApiTaskDetail = ({ task, units, log }: TaskDetail): ApiTaskDetail => ({
  ...toApiTask(task),
  unitResults: units.map((u) => ({ ...u, startedAt: iso(u.startedAt), finishedAt: iso(u.finishedAt) })),
  log: log.map(toApiLog),
});

export const toApiPlan = (p: Plan): ApiPlan => ({
  images: p.images,
  units: p.units.map((u) => ({
    unit: u.unit,
    image: u.image,
    action: u.action,
    reason: u.reason,
    currentDigests: u.currentDigests,
    targetDigest: u.targetDigest,
  })),
});

/** The answer to a trigger: the queued task, or the plan of a dry run. */
export const toTriggerReply = (r: TriggerResult): TriggerReply =>
  r.status === 'dry-run'
    ? { status: 'dry-run', plan: toApiPlan(r.plan) }
    : { status: 'queued', taskId: r.task.id, units: r.units };

export const toApiUnitPolicy = (v: Pick<UnitView, 'policy' | 'snoozedUntil' | 'skipped'>): ApiUnitPolicy => ({
  policy: v.policy.policy,
  minAge: { value: formatAge(v.policy.minAgeMs.value), source: v.policy.minAgeMs.source },
  windows: { value: v.policy.windows.value.map((w) => w.text), source: v.policy.windows.source },
  snoozedUntil: iso(v.snoozedUntil),
  skipped: v.skipped,
});

const toApiUnitCheck = (c: UnitCheck) => ({
  status: c.status,
  digest: c.digest,
  firstSeen: iso(c.firstSeen),
  verdict: c.verdict,
  reason: c.reason,
  checkedAt: new Date(c.checkedAt).toISOString(),
});

export const toApiUnit = ({ status: u, stored, ...view }: UnitView): ApiUnit => ({
  unit: u.unit,
  image: u.image,
  imageKey: u.imageKey,
  pinned: u.pinned,
  sources: u.sources,
  policy: u.policy,
  containerState: u.containerState,
  runningDigest: u.runningDigest,
  registryDigest: u.registryDigest,
  updateAvailable: u.updateAvailable,
  registryError: u.registryError,
  problems: u.problems,
  managed: u.managed,
  unmanagedReason: u.unmanagedReason,
  firstSeen: iso(stored?.firstSeen),
  lastSeen: iso(stored?.lastSeen),
  updatePolicy: toApiUnitPolicy(view),
  check: view.check ? toApiUnitCheck(view.check) : null,
  waiting: view.waiting.map((t) => ({
    taskId: t.id,
    status: t.status === 'deferred' ? 'deferred' : 'awaiting-approval',
    digest: t.digest,
    notBefore: iso(t.notBefore),
    expiresAt: iso(t.expiresAt),
    summary: t.summary,
  })),
});

export const toCheckReply = (r: CheckReport): CheckReply => ({
  checkedAt: new Date(r.checkedAt).toISOString(),
  units: r.units.map((u) => ({
    unit: u.unit,
    image: u.image,
    status: u.status,
    currentDigest: u.currentDigest,
    digest: u.digest,
    firstSeen: iso(u.firstSeen),
    verdict: u.verdict,
    reason: u.reason,
    waitingTask: u.waitingTask,
  })),
});

export const toApiEvent = ({ ts, ...rest }: StoredEvent): ApiEvent => ({
  ...rest,
  time: new Date(ts).toISOString(),
});

export const toEventsPage = (page: Page<StoredEvent>): EventsPage => {
  const last = page.items.at(-1);
  return { events: page.items.map(toApiEvent), nextCursor: page.more && last ? String(last.id) : null };
};

const toPartHealth = (c: CheckResult) => ({
  ok: c.ok,
  detail: c.detail,
  ...(c.hint ? { hint: c.hint } : {}),
});

export const toApiOverview = (o: OverviewData): Overview => ({
  health: {
    db: toPartHealth(o.health.db),
    dbus: toPartHealth(o.health.dbus),
    podman: toPartHealth(o.health.podman),
  },
  counts: o.counts,
  units: o.units.map(({ unit, last }) => ({
    unit: unit.unit,
    image: unit.image,
    lastStatus: last?.status ?? null,
    lastTaskId: last?.taskId ?? null,
    lastFinishedAt: iso(last?.finishedAt),
  })),
  recentTasks: toTaskRows(o.recentTasks),
  pendingApprovals: o.pendingApprovals.map(toApiTask),
  nextRuns: o.nextRuns.map((s) => ({
    name: s.name,
    action: s.action,
    nextRunAt: new Date(s.nextRunAt ?? 0).toISOString(),
  })),
});

/** The answers of the policy routes (and the same CLI commands in-process). */
export const toPolicyReply = (unit: string): PolicyReply => ({ unit, message: `policy of ${unit} changed` });

export const toSkipReply = (unit: string, digest: string, cancelled: readonly string[]): PolicyReply => ({
  unit,
  message: `${unit} will never be updated to ${digest}${cancelled.length ? `; waiting task ${cancelled.join(', ')} cancelled` : ''}`,
});

export const toSnoozeReply = (unit: string, until: number | null): PolicyReply => ({
  unit,
  message:
    until === null
      ? `${unit} is no longer snoozed`
      : `${unit} snoozed until ${new Date(until).toISOString()}`,
});

export const toApiSchedule = (s: ScheduleRecord, lastTaskStatus: TaskStatus | null): ApiSchedule => ({
  name: s.name,
  cron: s.cron,
  zone: s.zone,
  action: s.action,
  units: s.units,
  randomDelay: formatAge(s.randomDelayMs),
  paused: s.paused,
  nextRunAt: iso(s.nextRunAt),
  runningSince: iso(s.runningSince),
  lastRunAt: iso(s.lastRunAt),
  lastStatus: s.lastStatus,
  lastSummary: s.lastSummary,
  lastTaskId: s.lastTaskId,
  lastTaskStatus,
});

export const toApiToken = (t: ApiTokenRecord): ApiToken => ({
  name: t.name,
  scopes: t.scopes,
  units: t.units,
  createdAt: new Date(t.createdAt).toISOString(),
  createdBy: t.createdBy,
  expiresAt: iso(t.expiresAt),
  lastUsedAt: iso(t.lastUsedAt),
  lastUsedFrom: t.lastUsedFrom,
});

export const toApiDelivery = (d: OutboxDelivery): ApiDelivery => ({
  notificationId: d.notificationId,
  event: d.event,
  dedupKey: d.dedupKey,
  status: d.status,
  attempts: d.attempts,
  nextAt: d.status === 'pending' ? iso(d.nextAt) : null,
  lastError: d.lastError,
  lastStatus: d.lastStatus,
  createdAt: new Date(d.createdAt).toISOString(),
  updatedAt: new Date(d.updatedAt).toISOString(),
  deliveredAt: iso(d.deliveredAt),
});

export const toApiChannel = (c: ChannelView): ApiChannel => ({
  ...c,
  createdAt: iso(c.createdAt),
  recent: c.recent.map(toApiDelivery),
});
