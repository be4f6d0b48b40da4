/**
 * The state podup keeps (SQLite in db/, in memory in tests). Every method is synchronous: reads happen
 * anywhere, and writes on the request path run inside UnitOfWork.run (one group commit shared by concurrent
 * requests; db/write-batcher.ts). The task runner writes directly: server/README.md names that exception.
 */
import type { Scope } from '../auth/grant.js';
import type { EventQuery, EventRow, StoredEvent } from '../events/event.js';
import type { RequestCount } from '../events/request-counter.js';
import type {
  DEPENDENT_RESULTS,
  LogLevel,
  ROLLOUT_ROLES,
  Step,
  TaskKind,
  TaskRecord,
  TaskSource,
  TaskStatus,
  TaskTrigger,
  UnitResultStatus,
} from '../tasks/task.js';
import type { KnownUnit } from '../units/known-unit.js';
import type { UpdatePolicy } from '../policies/unit-policy.js';
import type { ScheduleRecord } from '../schedules/schedule.js';
import type { ChannelStore, OutboxStore } from './notify.js';

/* ---- tasks ---- */

export interface TaskListQuery {
  /** Substring of id, image, units, caller, reason or summary. */
  text?: string | undefined;
  status?: TaskStatus | undefined;
  /** Any of these. */
  kind?: readonly TaskKind[] | undefined;
  /** Any of these. */
  trigger?: readonly TaskTrigger[] | undefined;
  unit?: string | undefined;
  image?: string | undefined;
  beforeCreated?: { createdAt: number; id: string } | undefined;
  limit: number;
}

export interface RunningTask {
  task: TaskRecord;
  leaseOwner: string | null;
  leaseExpires: number | null;
}

export interface TaskCounts {
  queued: number;
  running: number;
  awaitingApproval: number;
  deferred: number;
  succeeded24h: number;
  failed24h: number;
  rolledBack24h: number;
}

export interface TaskStore {
  create(task: TaskRecord): void;
  get(id: string): TaskRecord | undefined;
  /** The oldest queued task of this image and unit set (any order; null: every unit), by id: a delivery joins it. */
  queuedFor(image: string, units: readonly string[] | null): string | undefined;
  /** A queued task joined by a delivery with another source takes that one (the newest push is what it pulls). */
  setSource(id: string, source: TaskSource): void;
  /** Newest first; the cursor is the (createdAt, id) of the last task of the previous page. */
  list(query: TaskListQuery): TaskRecord[];
  /** How many tasks the query's filters match (cursor and limit aside), counting no further than `upTo`. */
  count(query: TaskListQuery, upTo: number): number;
  /** Claims the oldest runnable queued task: status running, lease until `leaseUntil`; atomic across processes. */
  claimNext(owner: string, now: number, leaseUntil: number): TaskRecord | undefined;
  /** Claims one named queued task. */
  claim(id: string, owner: string, now: number, leaseUntil: number): TaskRecord | undefined;
  /** Hands a task `owner` claimed back to the queue, the claim's attempt undone; false when it is not ours. */
  unclaim(id: string, owner: string, now: number): boolean;
  /** Extends the claim of a running task; false when the task is no longer ours. */
  renew(id: string, owner: string, leaseUntil: number, now: number): boolean;
  finish(id: string, status: TaskStatus, summary: string, now: number): void;
  /** Queued and running now; ended since `since` by outcome. */
  counts(since: number): TaskCounts;
  /** Queued or running tasks exist (podup must not idle out). */
  hasPending(): boolean;
  running(): RunningTask[];
  /** Marks a running task interrupted; re-queues it when `requeue`. */
  interrupt(id: string, requeue: boolean, now: number): void;
  requestStop(id: string, kind: 'stop' | 'force', now: number): void;
  /** Cancels a task that has not started; false when it already runs or ended. */
  cancelQueued(id: string, summary: string, now: number): boolean;
  /** A running task of `owner` now waits on its policy (its claim ends); false when it is not ours. */
  park(id: string, owner: string, park: TaskPark, now: number): boolean;
  /** Tasks awaiting approval or deferred that include `unit`, oldest first. */
  waitingFor(unit: string): TaskRecord[];
  /** awaiting-approval -> queued, approved by `by`; false when it does not await approval. */
  approve(id: string, by: string, now: number): boolean;
  /** Cancels a task that waits on its policy; false when it no longer waits. */
  cancelWaiting(id: string, summary: string, now: number): boolean;
  /** Cancels awaiting-approval tasks past their expiry; their ids. */
  expireApprovals(now: number): string[];
  /** The earliest deferral end or approval expiry of a waiting task (unix ms). */
  nextWake(): number | null;
}

/** What a task waits for when its policy holds it. */
export interface TaskPark {
  status: 'awaiting-approval' | 'deferred';
  /** The units that wait (the task's own list from now on). */
  units: string[];
  digest: string | null;
  notBefore: number | null;
  expiresAt: number | null;
  summary: string;
}

/* ---- unit leases ---- */

export interface LeaseHolder {
  unit: string;
  taskId: string;
  owner: string;
  expiresAt: number;
}

export type AcquireResult = { ok: true } | { ok: false; heldBy: LeaseHolder };

export interface LeaseStore {
  /** Takes all `units` for `taskId` or none; a lease of another owner blocks unless expired or stale. */
  acquire(
    taskId: string,
    owner: string,
    units: readonly string[],
    now: number,
    expiresAt: number,
    isStale: (holder: LeaseHolder) => boolean,
  ): AcquireResult;
  renew(taskId: string, owner: string, expiresAt: number): void;
  release(taskId: string): void;
  /** Drops leases whose owner is gone or that expired. */
  sweep(now: number, isStale: (holder: LeaseHolder) => boolean): LeaseHolder[];
  list(): LeaseHolder[];
}

/* ---- task journal: per-unit results and log lines ---- */

export interface UnitResultPatch {
  status?: UnitResultStatus;
  image?: string | null;
  digestBefore?: string | null;
  digestAfter?: string | null;
  imageIdBefore?: string | null;
  imageIdAfter?: string | null;
  reason?: string | null;
  startedAt?: number;
  finishedAt?: number;
  /** canary: the first unit of its image in the rollout, moved alone through the full gate. */
  role?: RolloutRole | null;
  /** 1-based place in the rollout order. */
  position?: number | null;
  /** What the health gate saw (container health check or systemd state). */
  health?: string | null;
  /** The units depending on it that were checked after its restart or rollback. */
  dependents?: DependentRecord[];
}

export type RolloutRole = (typeof ROLLOUT_ROLES)[number];

export interface DependentRecord {
  unit: string;
  /** active: came back by itself; started: podup started it once; down: still down. */
  result: (typeof DEPENDENT_RESULTS)[number];
  detail: string | null;
}

export interface TaskUnitOutcome {
  unit: string;
  status: UnitResultStatus;
  reason: string | null;
}

export interface TaskUnitRow {
  unit: string;
  status: UnitResultStatus;
  image: string | null;
  digestBefore: string | null;
  digestAfter: string | null;
  imageIdBefore: string | null;
  imageIdAfter: string | null;
  reason: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  role: RolloutRole | null;
  position: number | null;
  health: string | null;
  dependents: DependentRecord[];
}

export interface TaskLogRow {
  id: number;
  ts: number;
  level: LogLevel;
  step: Step;
  unit: string | null;
  message: string;
  durationMs: number | null;
}

/** Where the engine reports for one task: its log lines and per-unit results. */
export interface TaskJournal {
  log(level: LogLevel, step: Step, message: string, extra?: { unit?: string; durationMs?: number }): void;
  unit(unit: string, patch: UnitResultPatch): void;
}

export interface UnitLastResult {
  unit: string;
  status: UnitResultStatus;
  taskId: string;
  finishedAt: number | null;
}

export interface TaskJournalStore {
  log(
    taskId: string,
    level: LogLevel,
    step: Step,
    message: string,
    unit?: string,
    durationMs?: number,
  ): number;
  upsertUnit(taskId: string, unit: string, patch: UnitResultPatch): void;
  journalFor(taskId: string): TaskJournal;
  /** The newest result of every unit that any task touched. */
  lastResults(): UnitLastResult[];
  /** Image ids that units following `image` ran before a task moved them on successfully. */
  supersededImages(image: string): string[];
  units(taskId: string): TaskUnitRow[];
  /** Per task of `taskIds`: each unit it ran on, its result and why (one read for a page of tasks). */
  outcomesOf(taskIds: readonly string[]): Map<string, TaskUnitOutcome[]>;
  /** Per task of `taskIds`: the journal excerpts its `diagnose` step logged, oldest first. */
  journalsOf(taskIds: readonly string[]): Map<string, string[]>;
  /** Log lines after `afterId`, oldest first. */
  logs(taskId: string, afterId?: number, limit?: number): TaskLogRow[];
}

/* ---- event log, deliveries, rate limits ---- */

export interface EventStore {
  /** Returns the row's id. */
  insert(row: EventRow): number;
  /** Adds `n` requests to the count of a row that folds rejections (nothing when it is gone). */
  addToCount(id: number, n: number): void;
  /** Newest first. */
  list(query: EventQuery): StoredEvent[];
  /**
   * Rows written since `since`, or only the deliveries among them (contract/traffic.ts), counted as they are
   * indexed: removing old rows does not lower it.
   */
  countSince(since: number, deliveriesOnly?: boolean): number;
  /**
   * Indexes up to `maxRows` rows written since the last call for the filters and the counts (off the request
   * path, in bulk: db/migrations/0006). Returns the rows indexed; until then, list() reads them directly.
   */
  copyFacets(maxRows: number): number;
}

/** Requests counted instead of stored (domain/events/request-disposition.ts), per minute and later per hour. */
export interface RequestCountStore {
  add(counts: readonly RequestCount[]): void;
  /** Totals per route, method and status since `since`, largest first. */
  totals(since: number, limit: number): Array<Omit<RequestCount, 'bucket'>>;
}

export interface DeliveryRecord {
  delivery: string;
  receivedAt: number;
  event: string;
  action: string | null;
  image: string | null;
  outcome: string;
  reason: string | null;
  taskId: string | null;
}

export interface DeliveryStore {
  find(delivery: string): DeliveryRecord | undefined;
  save(record: DeliveryRecord): void;
}

/** GCRA state (theoretical arrival time, unix ms) per scope and key; see domain/rate-limits/gcra.ts. */
export interface RateLimitStore {
  tat(scope: string, key: string): number | undefined;
  setTat(scope: string, key: string, tat: number): void;
  /**
   * Keeps at most `keep` rows of `scope`: drops expired ones (TAT at or before `now`), then those that expire
   * soonest. Forgetting a key only gives it its allowance back. Returns the rows dropped.
   */
  trim(scope: string, keep: number, now: number): number;
}

/* ---- discovered units ---- */

export interface StoredUnit extends KnownUnit {
  present: boolean;
  firstSeen: number;
  lastSeen: number;
}

export interface UnitStore {
  /** Records one discovery: the units seen now are present, the others are kept but marked absent. */
  replace(units: readonly KnownUnit[], now: number): void;
  present(): StoredUnit[];
  all(): StoredUnit[];
}

/* ---- update policies ---- */

/** A runtime override of a unit's policy (API, panel, CLI): null fields fall through to the unit's labels. */
export interface PolicyOverride {
  unit: string;
  policy: UpdatePolicy | null;
  minAgeMs: number | null;
  /** Maintenance windows as written, ";"-separated. */
  windows: string | null;
  snoozedUntil: number | null;
  updatedBy: string;
  updatedAt: number;
}

export type PolicyPatch = Partial<Pick<PolicyOverride, 'policy' | 'minAgeMs' | 'windows' | 'snoozedUntil'>>;

export interface SkippedVersion {
  unit: string;
  digest: string;
  skippedBy: string;
  skippedAt: number;
}

export interface PolicyStore {
  get(unit: string): PolicyOverride | undefined;
  all(): PolicyOverride[];
  /** Sets the given fields (null clears one); a row with nothing left is removed. */
  set(unit: string, patch: PolicyPatch, by: string, now: number): PolicyOverride | undefined;
  skip(unit: string, digest: string, by: string, now: number): void;
  skipped(unit: string): SkippedVersion[];
}

export interface DigestSighting {
  image: string;
  digest: string;
  firstSeen: number;
  created: number | null;
}

/** When podup first saw each digest of each image: the clock of the minimum image age. */
export interface DigestStore {
  /** The sighting, recorded at `now` when the digest is new. */
  see(image: string, digest: string, now: number, created?: number | null): DigestSighting;
  find(image: string, digest: string): DigestSighting | undefined;
}

export const CHECK_STATUSES = ['up-to-date', 'available', 'unknown', 'not-checked'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** The last registry check of a unit: what is available, and what its policy makes of it. */
export interface UnitCheck {
  unit: string;
  image: string | null;
  status: CheckStatus;
  digest: string | null;
  firstSeen: number | null;
  /** The policy's verdict on it (apply, notify, approve, defer, skip), null when nothing is available. */
  verdict: string | null;
  reason: string | null;
  checkedAt: number;
}

export interface UnitCheckStore {
  record(checks: readonly UnitCheck[]): void;
  all(): UnitCheck[];
}

/* ---- schedules ---- */

export interface ScheduleRun {
  status: 'ok' | 'failed';
  summary: string;
  taskId: string | null;
}

export interface ScheduleStore {
  list(): ScheduleRecord[];
  get(name: string): ScheduleRecord | undefined;
  create(schedule: ScheduleRecord): void;
  /** Replaces the definition (cron, zone, action, units, delay, paused, next run); false when there is none. */
  update(schedule: ScheduleRecord): boolean;
  delete(name: string): boolean;
  /**
   * Takes one run of the schedule for `owner`: it is marked running and its next run moved to `nextRunAt`, in one
   * statement, so that no two runs of it overlap (across processes too). `due`: only when its time has come.
   * A run older than `staleBefore` counts as gone (its podup died). Undefined when it cannot be taken.
   */
  claim(
    name: string,
    owner: string,
    now: number,
    nextRunAt: number | null,
    options: { due: boolean; staleBefore: number },
  ): ScheduleRecord | undefined;
  finish(name: string, owner: string, run: ScheduleRun, now: number): void;
  /** The earliest next run of a schedule that is not paused. */
  nextRun(): number | null;
}

/* ---- sessions and server-wide values ---- */

export interface SessionRow {
  csrfToken: string;
  user: string | null;
  expiresAt: number;
}

export interface SessionStore {
  /** Opens a session; returns the id for the cookie (only its hash is stored). */
  create(
    adminToken: string,
    user: string | null,
    now: number,
    ttlMs: number,
  ): { id: string; csrfToken: string };
  /** The live session for a cookie value (unknown, expired, or opened with another token: undefined). */
  find(id: string, adminToken: string, now: number): SessionRow | undefined;
  delete(id: string): void;
}

export interface MetaStore {
  /** A random value kept in the database (stable across restarts), created on first use. */
  secret(key: string): string;
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/* ---- API tokens ---- */

export interface ApiTokenRecord {
  name: string;
  scopes: Scope[];
  /** Unit patterns the token may trigger and control. */
  units: string[];
  createdAt: number;
  /** Who created it (an actor). */
  createdBy: string | null;
  expiresAt: number | null;
  lastUsedAt: number | null;
  /** The address of the last use. */
  lastUsedFrom: string | null;
}

export type NewApiToken = Pick<ApiTokenRecord, 'name' | 'scopes' | 'units' | 'expiresAt' | 'createdBy'>;

export interface ApiTokenStore {
  /**
   * Creates a token and returns its plain text, which exists nowhere else: only its hash is stored.
   * Throws CONFLICT when a token of that name exists.
   */
  create(token: NewApiToken, now: number): { token: string; record: ApiTokenRecord };
  /** The token whose plain text this is (expired ones included: the caller decides). */
  find(plain: string): ApiTokenRecord | undefined;
  /** The token of that name (expired ones included). */
  get(name: string): ApiTokenRecord | undefined;
  list(): ApiTokenRecord[];
  /** Deletes it; false when there was none of that name. */
  revoke(name: string): boolean;
  used(name: string, at: number, from: string | null): void;
}

/* ---- Idempotency-Key ---- */

export interface IdempotencyRecord {
  /** Of the first request's method, route and body: the same key with another request is refused. */
  fingerprint: string;
  /** The first answer, as its use case returned it (JSON). */
  result: string;
  createdAt: number;
}

export interface IdempotencyStore {
  /** The first request with this key by this credential, if it was made at or after `notBefore`. */
  find(actor: string, key: string, notBefore: number): IdempotencyRecord | undefined;
  /** Records it (an expired one of the same key is replaced). */
  save(actor: string, key: string, record: IdempotencyRecord): void;
}

/* ---- retention ---- */

export interface RetentionCutoffs {
  /** Events and delivery ids received before this (unix ms). */
  events: number;
  /** Finished tasks (with their units and log) that ended before this; never the newest task of a unit. */
  tasks: number;
  /** Units not seen by discovery since this. */
  units: number;
  /** Now: expired sessions and rate-limit rows that no longer limit anything. */
  now: number;
}

export interface RetentionCounts {
  events: number;
  /** Request counts (request_counts rows), minutes and hours. */
  requestCounts: number;
  deliveries: number;
  rateLimits: number;
  tasks: number;
  taskLogs: number;
  sessions: number;
  units: number;
  /** Notifications older than the events cutoff with nothing left to deliver. */
  notifications: number;
  idempotencyKeys: number;
}

/** What the size cap may drop: request counts, rows that fold rejections, any event row. */
export type Sheddable = 'request-counts' | 'folded-events' | 'events';

export interface DatabaseSizes {
  /** The database file (page count x page size). */
  fileBytes: number;
  /** Pages in use: the file less its free pages, which SQLite reuses before growing the file. */
  usedBytes: number;
  /** The write-ahead log beside it. */
  walBytes: number;
  rows: { events: number; tasks: number; taskLogs: number; requestCounts: number; rateLimits: number };
}

export interface RetentionStore {
  count(cutoffs: RetentionCutoffs): RetentionCounts;
  /** Deletes in one transaction. */
  remove(cutoffs: RetentionCutoffs): RetentionCounts;
  /**
   * Deletes at most `maxRows` rows of each kind in one short transaction (the server's timer calls it between
   * requests until it removes little). Task logs and units go with their tasks.
   */
  removeSome(cutoffs: RetentionCutoffs, maxRows: number): RetentionCounts;
  /** Folds per-minute request counts from before `before` into per-hour ones. Returns the rows folded. */
  rollUpRequestCounts(before: number): number;
  /** Deletes the oldest `maxRows` rows of `what`; returns how many went. */
  shed(what: Sheddable, maxRows: number): number;
  /** Gives the freed pages back to the file system. */
  compact(): void;
  sizeBytes(): number;
  /** Bytes in pages that hold data (what the size cap compares). */
  usedBytes(): number;
  /** Sizes and row counts for podup doctor (counts whole tables: not for the request path). */
  sizes(): DatabaseSizes;
}

/* ---- all of them, and the one writer ---- */

export interface Stores {
  tasks: TaskStore;
  leases: LeaseStore;
  journals: TaskJournalStore;
  events: EventStore;
  deliveries: DeliveryStore;
  rateLimits: RateLimitStore;
  requestCounts: RequestCountStore;
  units: UnitStore;
  sessions: SessionStore;
  meta: MetaStore;
  retention: RetentionStore;
  policies: PolicyStore;
  digests: DigestStore;
  checks: UnitCheckStore;
  schedules: ScheduleStore;
  tokens: ApiTokenStore;
  channels: ChannelStore;
  outbox: OutboxStore;
  idempotency: IdempotencyStore;
}

/** The one writer of the request path: writes queued in one turn of the event loop share one commit. */
export interface UnitOfWork {
  /** Runs `op` against the stores inside the next group commit; resolves once that commit is durable. */
  run<T>(op: (stores: Stores) => T): Promise<T>;
  /** Commits whatever is queued now (shutdown). */
  flush(): void;
}
