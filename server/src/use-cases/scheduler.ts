/**
 * The scheduler: runs each schedule at its time, through the use case of its action (check, update, prune),
 * with the trigger "scheduler". A run is claimed in the store first, so two runs of one schedule never
 * overlap (not even across processes); a run missed while podup or the host was down runs once at the next
 * start (its next run is computed from now, not from the missed time). podup serve looks every minute at the
 * latest; while it may exit for being idle, the service manager's wake-up timer is kept at the earliest time
 * podup is needed (the next schedule, a deferred task's end, an approval's expiry), so a stopped podup is
 * started again to run it.
 * Used by: podup serve (the timer), POST /api/schedules/:name/run, podup schedules run
 */
import type {
  Clock,
  LeaseOwnership,
  Log,
  ScheduleRun,
  Stores,
  UnitOfWork,
  WakeTimer,
} from '../domain/ports/index.js';
import type { PolicyNotices } from '../domain/notifications/policy-notices.js';
import { nextRunAt, type ScheduleRecord } from '../domain/schedules/schedule.js';
import { queuedTask } from '../domain/tasks/task.js';
import { AppError, errorMessage, isAppError, isStorageFault } from '../errors.js';
import type { CheckService } from './check-units.js';
import { remember, replay, type IdempotencyKey, type Replayed } from './idempotency.js';
import { decidedRow, recorded, type AuditFields, type Origin } from './origin.js';
import type { PruneService } from './prune.js';
import type { TriggerService } from './trigger-units.js';

/** A run older than this whose podup still lives is taken to hang; it no longer blocks the next one. */
const STALE_RUN_MS = 6 * 3_600_000;
/** The in-process timer looks at least this often (a clock that jumped, a schedule another process added). */
const LOOK_EVERY_MS = 60_000;
const DAY = 86_400_000;

export interface SchedulerDeps {
  stores: Pick<Stores, 'schedules' | 'tasks' | 'idempotency'>;
  writes: UnitOfWork;
  clock: Clock;
  random: () => number;
  owners: LeaseOwnership;
  trigger: TriggerService;
  check: CheckService;
  prune: PruneService;
  wake: WakeTimer;
  ids: { taskId(): string };
  log: Log;
  /** check-failed, written with the run's failed result. */
  notices?: PolicyNotices;
}

export interface RunOutcome {
  schedule: ScheduleRecord;
  run: ScheduleRun;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private runs = 0;
  /** The schedules this process is running now: a claim of ours on any other was left by a run that ended. */
  private readonly running = new Set<string>();
  private armedAt: number | null | undefined;
  private wakeState: 'unused' | 'armed' | 'failing' = 'unused';
  /** Set by podup serve when it may exit for being idle: then systemd must be able to start it again. */
  private wakeWanted = false;
  private arming = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** A schedule run is in progress (podup must not exit for being idle). */
  get busy(): boolean {
    return this.runs > 0;
  }

  /**
   * podup may exit for being idle: nothing needs it later, or the wake-up timer is armed for when it does.
   * While the timer cannot be armed (podup not run as a service), podup stays up instead of missing a run.
   */
  canSleep(): boolean {
    const at = this.wakeAt();
    if (at === null) return true;
    // Armed for this time or earlier (an early start finds nothing due and exits again); else arm it now.
    const inStep = this.wakeState === 'armed' && this.armedAt != null && this.armedAt <= at;
    if (!inStep) void this.keepWakeInStep();
    return inStep;
  }

  /** The earliest time podup is needed: the next schedule, a deferred task's end, an approval's expiry. */
  wakeAt(): number | null {
    const times = [this.deps.stores.schedules.nextRun(), this.deps.stores.tasks.nextWake()].filter(
      (t): t is number => t !== null,
    );
    return times.length ? Math.min(...times) : null;
  }

  /** Runs what is due (missed runs once each), then keeps looking; `wake`: keep the manager's timer in step. */
  start(options: { wake: boolean }): void {
    this.started = true;
    this.wakeWanted = options.wake;
    this.look();
  }

  stop(): void {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
  }

  /** Schedules or waiting tasks changed: look again now. */
  poke(): void {
    if (this.started) this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.look(), ms);
    this.timer.unref();
  }

  private look(): void {
    this.timer = undefined;
    void this.runDue()
      .catch((err: unknown) => {
        // A disk fault is logged by the stores once per interval; the next look tries again.
        if (!isStorageFault(err)) this.deps.log.warn({ err }, 'scheduler: could not run the due schedules');
      })
      .finally(() => {
        if (!this.started) return;
        let next: number | null;
        try {
          next = this.deps.stores.schedules.nextRun();
        } catch {
          // The state disk cannot answer (full, read-only, gone): look again in a while, never crash.
          this.schedule(LOOK_EVERY_MS);
          return;
        }
        const now = this.deps.clock.now();
        this.schedule(Math.max(0, Math.min(next === null ? LOOK_EVERY_MS : next - now, LOOK_EVERY_MS)));
        void this.keepWakeInStep();
      });
  }

  /** Arms the manager's timer for the next time podup is needed, when that changed. */
  async keepWakeInStep(): Promise<void> {
    if (!this.wakeWanted) return;
    let at: number | null;
    try {
      at = this.wakeAt();
    } catch {
      return; // the state disk: the next look tries again
    }
    if (at === this.armedAt && this.wakeState === 'armed') return;
    if (this.arming) return;
    this.arming = true;
    try {
      const done = await this.deps.wake.arm(at);
      if (this.wakeState !== 'armed') this.deps.log.info({ wake: done }, 'wake-up timer armed');
      this.armedAt = at;
      this.wakeState = 'armed';
    } catch (err) {
      if (this.wakeState !== 'failing')
        this.deps.log.warn(
          { err, hint: isAppError(err) ? err.hint : undefined },
          `wake-up timer not armed, so podup stays up instead of exiting when idle: ${errorMessage(err)}`,
        );
      this.wakeState = 'failing';
    } finally {
      this.arming = false;
    }
  }

  /** Every schedule whose time has come, one run each. */
  async runDue(): Promise<RunOutcome[]> {
    const now = this.deps.clock.now();
    const due = this.deps.stores.schedules
      .list()
      .filter((s) => !s.paused && s.nextRunAt !== null && s.nextRunAt <= now);
    const outcomes: RunOutcome[] = [];
    for (const s of due) {
      const r = await this.run(s.name, { due: true, origin: { actor: `schedule ${s.name}` } });
      if (r) outcomes.push(r);
    }
    return outcomes;
  }

  /**
   * Runs one schedule now, out of turn; its next run stays where it was. CONFLICT while it runs. With an
   * Idempotency-Key, a repeated call answers the first run's outcome and runs nothing. The key is remembered
   * with the run's end (the run may queue its task in a unit of work of its own, the trigger's); a retry while
   * the first call still runs meets the CONFLICT of the one run at a time, never a second run.
   */
  async runNow(name: string, origin: Origin, idem?: IdempotencyKey): Promise<Replayed<RunOutcome>> {
    const first = await this.replayed(idem, origin);
    if (first) return first;
    const r = await this.run(name, { due: false, origin, idem });
    if (!r) throw new AppError('CONFLICT', `schedule ${name} is running; it runs once at a time`);
    return r;
  }

  /** The first answer to this key, recorded as a replay; undefined when it is new. */
  private async replayed(
    idem: IdempotencyKey | undefined,
    origin: Origin,
  ): Promise<Replayed<RunOutcome> | undefined> {
    if (!idem) return undefined;
    const now = this.deps.clock.now();
    const first = replay<RunOutcome>(this.deps.stores, origin.actor, idem, now);
    if (!first) return undefined;
    const decided: AuditFields = {
      taskId: first.run.taskId ?? undefined,
      outcome: 'duplicate',
      reason: 'Idempotency-Key: the first answer, nothing run again',
    };
    const trace = origin.request;
    if (trace) {
      await this.deps.writes.run((st) => st.events.insert(decidedRow(trace, decided, 200, now)));
      recorded(trace, decided);
    }
    return first;
  }

  private async run(
    name: string,
    options: { due: boolean; origin: Origin; idem?: IdempotencyKey | undefined },
  ): Promise<RunOutcome | undefined> {
    const { stores, clock, owners } = this.deps;
    const s = stores.schedules.get(name);
    if (!s) throw new AppError('NOT_FOUND', `no schedule ${name.slice(0, 64)}`);
    const now = clock.now();
    // Ours and not running here: a run whose end the store refused (a full disk) left its claim behind.
    const leftByUs = s.runningOwner === owners.self && !this.running.has(name);
    const holderGone = s.runningOwner !== null && (leftByUs || !owners.alive(s.runningOwner));
    const staleBefore = holderGone ? now + 1 : now - STALE_RUN_MS;
    const next = options.due ? nextRunAt(s, now, this.deps.random) : s.nextRunAt;
    if (this.running.has(name)) return undefined;
    this.runs++;
    this.running.add(name);
    try {
      const claimed = await this.deps.writes.run((st) =>
        st.schedules.claim(name, owners.self, now, next, { due: options.due, staleBefore }),
      );
      if (!claimed) return undefined;
      // Late by more than a start of podup takes: it was down (or the host was) when the run was due.
      if (options.due && s.nextRunAt !== null && now - s.nextRunAt > 5000)
        this.deps.log.info(
          { schedule: name, missed: new Date(s.nextRunAt).toISOString() },
          'running a missed schedule once',
        );
      let run: ScheduleRun;
      // The units a failed check could not ask the registry about; null: the run failed as a whole.
      let unchecked: string[] | null = null;
      try {
        ({ unchecked = null, ...run } = await this.act(claimed, options.origin));
      } catch (e) {
        run = { status: 'failed', summary: errorMessage(e), taskId: null };
      }
      const trace = options.origin.request;
      const decided = {
        outcome: run.status === 'ok' ? ('ok' as const) : ('error' as const),
        taskId: run.taskId ?? undefined,
      };
      const notices = this.deps.notices;
      const { queued, outcome } = await this.deps.writes.run((st) => {
        const at = clock.now();
        st.schedules.finish(name, owners.self, run, at);
        if (trace && !trace.recorded) st.events.insert(decidedRow(trace, decided, 200, at));
        const outcome: RunOutcome = { schedule: st.schedules.get(name) ?? claimed, run };
        remember(st, options.origin.actor, options.idem, outcome, at);
        // The run's start tells its runs apart: a check that fails at every run notifies every run.
        const queued =
          claimed.action === 'check' &&
          run.status === 'failed' &&
          notices !== undefined &&
          notices.checkFailed(st, { name, units: unchecked ?? claimed.units }, String(now), run.summary, at);
        return { queued, outcome };
      });
      if (queued) notices?.poke();
      if (trace && !trace.recorded) recorded(trace, decided);
      return outcome;
    } finally {
      this.runs--;
      this.running.delete(name);
      this.poke();
    }
  }

  private async act(s: ScheduleRecord, origin: Origin): Promise<ScheduleRun & { unchecked?: string[] }> {
    const caller = `schedule ${s.name}`;
    if (s.action === 'check') {
      const r = await this.deps.check.checkAndApply(s.units, origin, caller);
      // A unit the registry could not be asked for was not checked: the run failed for it (and notifies),
      // whatever it did for the others, so an unreachable registry never passes as a quiet night.
      const unknown = r.report.units.filter((u) => u.status === 'unknown');
      if (unknown.length === 0) return { status: 'ok', summary: r.summary, taskId: r.taskId };
      const why = unknown.map((u) => `${u.unit}: ${u.reason ?? 'unknown'}`).join('; ');
      return {
        status: 'failed',
        summary: `${r.summary}; not checked: ${why}`,
        taskId: r.taskId,
        unchecked: unknown.map((u) => u.unit),
      };
    }
    if (s.action === 'update') {
      const r = await this.deps.trigger.trigger(
        {
          all: s.units === null,
          units: s.units ?? undefined,
          trigger: 'scheduler',
          caller,
          reason: `schedule ${s.name} (${s.cron} ${s.zone})`,
        },
        origin,
      );
      const taskId = r.status === 'queued' ? r.task.id : null;
      return {
        status: 'ok',
        summary: `queued task ${taskId ?? '-'} for ${r.status === 'queued' ? r.units.join(', ') : ''}`,
        taskId,
      };
    }
    return this.maintenance(s);
  }

  /** Retention with the defaults of podup prune, recorded as a maintenance task of the scheduler. */
  private async maintenance(s: ScheduleRecord): Promise<ScheduleRun> {
    const started = this.deps.clock.now();
    const r = this.deps.prune.prune({
      eventsOlderThanMs: 30 * DAY,
      tasksOlderThanMs: 90 * DAY,
      unitsOlderThanMs: 30 * DAY,
      dryRun: false,
    });
    const removed = Object.entries(r.removed)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${n} ${k}`)
      .join(', ');
    const summary = `pruned ${removed || 'nothing'}; ${r.bytesBefore} -> ${r.bytesAfter} bytes`;
    const now = this.deps.clock.now();
    const task = {
      ...queuedTask({
        id: this.deps.ids.taskId(),
        kind: 'maintenance',
        status: 'succeeded',
        image: null,
        units: null,
        trigger: 'scheduler',
        delivery: null,
        caller: `schedule ${s.name}`,
        reason: `schedule ${s.name} (${s.cron} ${s.zone}): prune`,
        createdAt: started,
        updatedAt: now,
        startedAt: started,
        finishedAt: now,
        notBefore: null,
      }),
      attempts: 1,
      summary,
    };
    await this.deps.writes.run((st) => {
      st.tasks.create(task);
      st.journals.log(task.id, 'info', 'prune', summary);
    });
    return { status: 'ok', summary, taskId: task.id };
  }
}
