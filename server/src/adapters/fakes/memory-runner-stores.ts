/**
 * The task runner's stores in memory, with the semantics of the SQLite ones (db/task-store.ts,
 * db/lease-store.ts, db/task-journal-store.ts), and the faults of a state disk: a store that refuses writes
 * (full disk) and a claim the store reports but does not keep (what get() on UPDATE ... RETURNING did).
 */
import type { NotificationMessage } from '../../domain/notifications/message.js';
import { PolicyBook } from '../../domain/policies/policy-book.js';
import type { DefaultPolicy } from '../../domain/policies/unit-policy.js';
import type { RunnerDeps, RunnerStores } from '../../domain/tasks/runner.js';
import type {
  DigestSighting,
  IdSource,
  LeaseHolder,
  PolicyOverride,
  SkippedVersion,
  TaskJournal,
  TaskUnitRow,
  UnitResultPatch,
} from '../../domain/ports/index.js';
import type { LogLevel, Step, TaskRecord, TaskStatus } from '../../domain/tasks/task.js';

export interface RunningRow {
  task: TaskRecord;
  leaseOwner: string | null;
  leaseExpires: number | null;
}

export interface Logged {
  level: LogLevel;
  step: Step;
  message: string;
}

/** The writes a test may make fail, by store and method. */
export type RunnerWrite =
  | 'tasks.claimNext'
  | 'tasks.claim'
  | 'tasks.unclaim'
  | 'tasks.renew'
  | 'tasks.finish'
  | 'tasks.interrupt'
  | 'leases.acquire'
  | 'leases.renew'
  | 'leases.release'
  | 'leases.sweep'
  | 'journal.log'
  | 'journal.unit'
  | 'outbox.add';

/** The runner's policy dependency with every unit on the defaults (auto, no cooldown, no window). */
export function defaultPolicies(defaults: Partial<DefaultPolicy> = {}): RunnerDeps['policies'] {
  return {
    book: new PolicyBook({
      configured: new Map(),
      defaults: { policy: 'auto', minAgeMs: 0, windows: [], ...defaults },
    }),
    approvalTtlMs: 86_400_000,
  };
}

let splits = 0;
export const splitIds: IdSource = { taskId: () => `tsk_SPLIT${String(++splits).padStart(12, '0')}` };

export const diskFull = (): Error =>
  Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

export class MemoryRunnerStores implements RunnerStores {
  readonly rows = new Map<string, RunningRow>();
  readonly leaseMap = new Map<string, LeaseHolder>();
  readonly logs = new Map<string, Logged[]>();
  readonly unitPatches = new Map<string, Map<string, UnitResultPatch>>();
  readonly earlierUnits = new Map<string, TaskUnitRow[]>();
  readonly finished: Array<{ id: string; status: TaskStatus; summary: string; now: number }> = [];
  readonly interrupted: Array<{ id: string; requeue: boolean; now: number }> = [];
  readonly released: string[] = [];
  readonly sweeps: number[] = [];
  /** Every write tried, failed or not, in order. */
  readonly attempts: RunnerWrite[] = [];
  /** Writes that throw (diskFull() unless given) until healed. */
  readonly failing = new Map<RunnerWrite, () => Error>();
  /** claimNext answers with the row without claiming it, as a claim rolled back after it was read. */
  claimsDoNotHold = false;
  /** The outbox: messages queued by task ends, with the channels each goes to. */
  readonly queued: Array<{ message: NotificationMessage; channels: string[] }> = [];

  /** As a SQLite transaction: the task rows and the outbox are as before when `op` throws. */
  atomically<T>(op: () => T): T {
    const rows = new Map([...this.rows].map(([id, r]) => [id, { ...r, task: { ...r.task } }]));
    const queued = this.queued.length;
    const finished = this.finished.length;
    const meta = new Map(this.metaValues);
    try {
      return op();
    } catch (e) {
      this.metaValues.clear();
      for (const [k, v] of meta) this.metaValues.set(k, v);
      this.rows.clear();
      for (const [id, r] of rows) this.rows.set(id, r);
      this.queued.length = queued;
      this.finished.length = finished;
      throw e;
    }
  }

  add(task: TaskRecord, leaseOwner: string | null = null, leaseExpires: number | null = null): void {
    this.rows.set(task.id, { task: { ...task }, leaseOwner, leaseExpires });
  }

  logOf(id: string): Logged[] {
    return this.logs.get(id) ?? [];
  }

  fail(writes: RunnerWrite | readonly RunnerWrite[], error: () => Error = diskFull): void {
    for (const w of typeof writes === 'string' ? [writes] : writes) this.failing.set(w, error);
  }

  heal(): void {
    this.failing.clear();
  }

  tried(write: RunnerWrite): number {
    return this.attempts.filter((a) => a === write).length;
  }

  private write(name: RunnerWrite): void {
    this.attempts.push(name);
    // A runaway loop fails the test that caused it instead of hanging it.
    if (this.attempts.length > 10_000) throw new Error('more than 10000 writes: a runaway loop');
    const error = this.failing.get(name);
    if (error) throw error();
  }

  private claimRow(r: RunningRow, owner: string, now: number, leaseUntil: number): TaskRecord {
    const claimed = {
      ...r.task,
      status: 'running' as const,
      startedAt: now,
      updatedAt: now,
      attempts: r.task.attempts + 1,
    };
    if (this.claimsDoNotHold) return claimed;
    r.task = claimed;
    r.leaseOwner = owner;
    r.leaseExpires = leaseUntil;
    return { ...r.task };
  }

  tasks: RunnerStores['tasks'] = {
    claimNext: (owner, now, leaseUntil) => {
      const next = [...this.rows.values()]
        .filter(
          (r) =>
            (r.task.status === 'queued' || r.task.status === 'deferred') && (r.task.notBefore ?? 0) <= now,
        )
        .sort((a, b) => a.task.createdAt - b.task.createdAt)[0];
      if (!next) return undefined;
      this.write('tasks.claimNext');
      return this.claimRow(next, owner, now, leaseUntil);
    },
    claim: (id, owner, now, leaseUntil) => {
      const r = this.rows.get(id);
      if (!r || r.task.status !== 'queued') return undefined;
      this.write('tasks.claim');
      return this.claimRow(r, owner, now, leaseUntil);
    },
    unclaim: (id, owner) => {
      this.write('tasks.unclaim');
      const r = this.rows.get(id);
      if (!r || r.task.status !== 'running' || r.leaseOwner !== owner) return false;
      r.task = { ...r.task, status: 'queued', attempts: r.task.attempts - 1 };
      r.leaseOwner = null;
      r.leaseExpires = null;
      return true;
    },
    renew: (id, owner, leaseUntil) => {
      this.write('tasks.renew');
      const r = this.rows.get(id);
      if (!r || r.task.status !== 'running' || r.leaseOwner !== owner) return false;
      r.leaseExpires = leaseUntil;
      return true;
    },
    finish: (id, status, summary, now) => {
      this.write('tasks.finish');
      this.finished.push({ id, status, summary, now });
      const r = this.rows.get(id);
      if (r) {
        r.task = { ...r.task, status, summary, finishedAt: now };
        r.leaseOwner = null;
        r.leaseExpires = null;
      }
    },
    running: () =>
      [...this.rows.values()]
        .filter((r) => r.task.status === 'running')
        .map((r) => ({ task: { ...r.task }, leaseOwner: r.leaseOwner, leaseExpires: r.leaseExpires })),
    interrupt: (id, requeue, now) => {
      this.write('tasks.interrupt');
      this.interrupted.push({ id, requeue, now });
      const r = this.rows.get(id);
      if (r) {
        r.task = { ...r.task, status: requeue ? 'queued' : 'interrupted' };
        r.leaseOwner = null;
        r.leaseExpires = null;
      }
    },
    get: (id) => {
      const r = this.rows.get(id);
      return r && { ...r.task };
    },
    create: (task) => this.add(task),
    park: (id, owner, park, now) => {
      const r = this.rows.get(id);
      if (!r || r.task.status !== 'running' || r.leaseOwner !== owner) return false;
      r.task = {
        ...r.task,
        status: park.status,
        units: park.units,
        digest: park.digest,
        notBefore: park.notBefore,
        expiresAt: park.expiresAt,
        summary: park.summary,
        approvedBy: null,
        attempts: r.task.attempts - 1,
        startedAt: null,
        updatedAt: now,
      };
      r.leaseOwner = null;
      r.leaseExpires = null;
      return true;
    },
    waitingFor: (unit) =>
      [...this.rows.values()]
        .map((r) => r.task)
        .filter(
          (t) => (t.status === 'awaiting-approval' || t.status === 'deferred') && t.units?.includes(unit),
        ),
    cancelWaiting: (id, summary, now) => {
      const r = this.rows.get(id);
      if (!r || (r.task.status !== 'awaiting-approval' && r.task.status !== 'deferred')) return false;
      r.task = { ...r.task, status: 'cancelled', summary, finishedAt: now };
      return true;
    },
    expireApprovals: () => [],
  };

  /** Runtime overrides and skipped versions, set by a test. */
  readonly overrides = new Map<string, PolicyOverride>();
  readonly skips: SkippedVersion[] = [];
  readonly sightings = new Map<string, DigestSighting>();

  policies: RunnerStores['policies'] = {
    get: (unit) => this.overrides.get(unit),
    skipped: (unit) => this.skips.filter((s) => s.unit === unit),
  };

  digests: RunnerStores['digests'] = {
    see: (image, digest, now, created = null) => {
      const key = `${image}@${digest}`;
      const seen = this.sightings.get(key) ?? { image, digest, firstSeen: now, created };
      this.sightings.set(key, seen);
      return seen;
    },
    find: (image, digest) => this.sightings.get(`${image}@${digest}`),
  };

  leases: RunnerStores['leases'] = {
    acquire: (taskId, owner, units, now, expiresAt, isStale) => {
      this.write('leases.acquire');
      for (const unit of units) {
        const h = this.leaseMap.get(unit);
        if (h && h.taskId !== taskId && h.expiresAt > now && !isStale(h))
          return { ok: false, heldBy: { ...h } };
      }
      for (const unit of units) this.leaseMap.set(unit, { unit, taskId, owner, expiresAt });
      return { ok: true };
    },
    renew: (taskId, owner, expiresAt) => {
      this.write('leases.renew');
      for (const h of this.leaseMap.values())
        if (h.taskId === taskId && h.owner === owner) h.expiresAt = expiresAt;
    },
    release: (taskId) => {
      this.write('leases.release');
      this.released.push(taskId);
      for (const [unit, h] of this.leaseMap) if (h.taskId === taskId) this.leaseMap.delete(unit);
    },
    sweep: (now, isStale) => {
      this.sweeps.push(now);
      const dead = [...this.leaseMap.values()].filter((h) => h.expiresAt <= now || isStale(h));
      if (dead.length > 0) this.write('leases.sweep');
      for (const h of dead) this.leaseMap.delete(h.unit);
      return dead;
    },
  };

  journals: RunnerStores['journals'] = {
    journalFor: (taskId): TaskJournal => ({
      log: (level, step, message) => {
        this.write('journal.log');
        this.logs.set(taskId, [...this.logOf(taskId), { level, step, message }]);
      },
      unit: (unit, patch) => {
        this.write('journal.unit');
        const m = this.unitPatches.get(taskId) ?? new Map<string, UnitResultPatch>();
        m.set(unit, { ...m.get(unit), ...patch });
        this.unitPatches.set(taskId, m);
      },
    }),
    units: (taskId) => this.earlierUnits.get(taskId) ?? [],
  };

  channels: RunnerStores['channels'] = { list: () => [] };

  /** What policy notices announced (kept in the meta table). */
  readonly metaValues = new Map<string, string>();
  meta: RunnerStores['meta'] = {
    get: (key) => this.metaValues.get(key),
    set: (key, value) => {
      this.metaValues.set(key, value);
    },
  };

  outbox: RunnerStores['outbox'] = {
    add: (message, channels) => {
      this.write('outbox.add');
      if (this.queued.some((q) => q.message.dedupKey === message.dedupKey)) return false;
      this.queued.push({ message, channels: [...channels] });
      return true;
    },
  };
}
