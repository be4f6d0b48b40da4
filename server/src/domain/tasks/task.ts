/** Task vocabulary shared by intake, the update engine, the API and the CLI. Pure. */

export const TASK_STATUSES = [
  'queued',
  'awaiting-approval',
  'deferred',
  'running',
  'succeeded',
  'failed',
  'rolled-back',
  'cancelled',
  'interrupted',
  'skipped',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<TaskStatus> = new Set([
  'succeeded',
  'failed',
  'rolled-back',
  'cancelled',
  'skipped',
]);

/** Waiting on the policy: an admin's approval, or a time (cooldown, window, snooze); not yet run. */
export const isWaiting = (status: TaskStatus): boolean =>
  status === 'awaiting-approval' || status === 'deferred';

/** A task that will not run again by itself: ended, or interrupted twice (it waits for a retry). */
export const isFinished = (status: TaskStatus): boolean =>
  TERMINAL_STATUSES.has(status) || status === 'interrupted';

/** image-update: move the units of one image to its newest digest; unit-update: named units. */
/** A task page's total counts matches up to this many (more: `totalCapped`, shown as "1000+"). */
export const TASKS_TOTAL_UP_TO = 1000;

export const TASK_KINDS = ['image-update', 'unit-update', 'maintenance'] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export const TRIGGERS = ['webhook', 'api', 'cli', 'scheduler', 'retry'] as const;
export type TaskTrigger = (typeof TRIGGERS)[number];

/** The steps a task log line belongs to. */
export const STEPS = [
  'task',
  'plan',
  'pull',
  'restart',
  'health',
  'verify',
  'rollback',
  'diagnose',
  'dependents',
  'prune',
] as const;
export type Step = (typeof STEPS)[number];

export const LOG_LEVELS = ['info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** What happened to one unit in a task (pending and running while it goes). */
export const UNIT_RESULT_STATUSES = [
  'pending',
  'running',
  'succeeded',
  'failed',
  'rolled-back',
  'skipped',
  'cancelled',
] as const;
export type UnitResultStatus = (typeof UNIT_RESULT_STATUSES)[number];
export type UnitOutcome = Exclude<UnitResultStatus, 'pending' | 'running'>;

/** A unit's part in a rollout: the canary goes first, alone, through the full gate. */
export const ROLLOUT_ROLES = ['canary'] as const;

/** A dependent after the unit it depends on was restarted: back by itself, started by podup, or left down. */
export const DEPENDENT_RESULTS = ['active', 'started', 'down'] as const;

/** Where the image of a webhook task came from, as GitHub said (domain/webhooks/github-source.ts). */
export interface TaskSource {
  /** The git commit the image was built from (40 or 64 hex digits, lower case). */
  commit: string | null;
  /** GitHub's page of that commit. */
  commitUrl: string | null;
  /** The release page when the version belongs to one, else the package version's page. */
  page: string | null;
}

export interface TaskRecord {
  id: string;
  kind: TaskKind;
  status: TaskStatus;
  /** Canonical image reference (registry/repository:tag) for image-update tasks. */
  image: string | null;
  /** Units named by the trigger; null means "every unit of the image". */
  units: string[] | null;
  trigger: TaskTrigger;
  delivery: string | null;
  /** The credential that asked for it ("admin", an API token's name, "github hook 42"), never a caller's word. */
  actor: string | null;
  /** The caller's own note of who asks (a bot's name), as given. */
  caller: string | null;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Not started before this time (unix ms): the coalescing window of webhook bursts. */
  notBefore: number | null;
  /** Runs started so far (an interrupted run is re-queued once). */
  attempts: number;
  /** One line: the result, or why the task failed or was skipped. */
  summary: string | null;
  /** The task this one retries. */
  retryOf: string | null;
  stopRequested: 'stop' | 'force' | null;
  /** The digest a policy decision was about (awaiting approval, deferred); approval covers only this one. */
  digest: string | null;
  /** --force: an admin overrode the update policy for this task. */
  force: boolean;
  /** An awaiting-approval task is cancelled once this passes (unix ms). */
  expiresAt: number | null;
  /** Who approved it (the approved digest is `digest`). */
  approvedBy: string | null;
  /** Webhook tasks: the commit and page GitHub sent with the newest delivery the task took. */
  source: TaskSource | null;
}

/** A task as first queued; the scheduling fields start empty. */
type PolicyFields = 'digest' | 'force' | 'expiresAt' | 'approvedBy' | 'source';

export type NewTask = Omit<
  TaskRecord,
  'attempts' | 'summary' | 'retryOf' | 'stopRequested' | 'actor' | PolicyFields
> &
  Partial<Pick<TaskRecord, 'retryOf' | 'actor' | PolicyFields>>;

export function queuedTask(t: NewTask): TaskRecord {
  return {
    attempts: 0,
    summary: null,
    retryOf: null,
    stopRequested: null,
    actor: null,
    digest: null,
    force: false,
    expiresAt: null,
    approvedBy: null,
    source: null,
    ...t,
  };
}

const ID_ALPHABET = '3479ACDEFHJKMNPQRTUVWXY';

/** `tsk_` + 16 characters of an alphabet without look-alikes; `random` yields bytes. */
export function formatTaskId(random: Uint8Array): string {
  let s = 'tsk_';
  for (let i = 0; i < 16; i++) s += ID_ALPHABET[(random[i] ?? 0) % ID_ALPHABET.length];
  return s;
}

export const sameUnits = (a: readonly string[] | null, b: readonly string[] | null): boolean =>
  a === null || b === null
    ? a === b
    : a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
