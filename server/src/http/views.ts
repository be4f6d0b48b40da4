/** Records as the API shows them (ISO times, camelCase), shared by the routes and the CLI's --json output. */
import type { TaskLogRow, TaskUnitRow } from '../db/task-journal-store.js';
import type { StoredUnit } from '../db/unit-store.js';
import type { Plan } from '../domain/tasks/plan.js';
import type { TaskRecord } from '../domain/tasks/task.js';
import type { UnitStatus } from '../domain/units/unit-status.js';
import type { ApiPlan, ApiTask, ApiTaskDetail, ApiTaskLog, ApiUnit } from './contract.js';

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
  caller: t.caller,
  reason: t.reason,
  summary: t.summary,
  attempts: t.attempts,
  retryOf: t.retryOf,
  createdAt: new Date(t.createdAt).toISOString(),
  startedAt: iso(t.startedAt),
  finishedAt: iso(t.finishedAt),
});

export const toApiLog = (l: TaskLogRow): ApiTaskLog => ({
  id: l.id,
  time: new Date(l.ts).toISOString(),
  level: l.level,
  step: l.step,
  unit: l.unit,
  message: l.message,
  durationMs: l.durationMs,
});

export const toApiTaskDetail = (t: TaskRecord, units: TaskUnitRow[], log: TaskLogRow[]): ApiTaskDetail => ({
  ...toApiTask(t),
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

export const toApiUnit = (u: UnitStatus, stored?: StoredUnit): ApiUnit => ({
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
  firstSeen: iso(stored?.firstSeen),
  lastSeen: iso(stored?.lastSeen),
});
