/**
 * The durable queue's worker. Claims runnable tasks (their coalescing window passed), discovers units,
 * plans, takes a lease on every unit it will touch (shared with every other podup process), runs the engine
 * and records the result. Leases and the task's own claim are renewed while it runs and expire if podup
 * dies, so a crash never blocks a unit; on start, tasks left running by a dead owner become "interrupted"
 * and run once more. A store that refuses writes (a full disk) never makes it spin: a claim, a hand-back or a
 * result it could not write is retried with a bounded exponential backoff, and a task that could not record
 * its start goes back to the queue untouched. The end of a task and the notifications it causes (an outbox)
 * are written in one transaction.
 * Used by: podup serve (in the background), podup trigger (in-process when no server runs)
 */
import { errorMessage } from '../../errors.js';
import type {
  Clock,
  ContainerRuntime,
  DigestResolver,
  DigestStore,
  IdSource,
  LeaseHolder,
  LeaseOwnership,
  LeaseStore,
  MetaStore,
  PolicyStore,
  Metrics,
  TaskJournal,
  TaskJournalStore,
  TaskStore,
} from '../ports/index.js';
import type { PolicyBook } from '../policies/policy-book.js';
import type { PolicyNotices } from '../notifications/policy-notices.js';
import type { TaskEndNotices, TaskEndStores } from '../notifications/task-end-notices.js';
import { repositoryOf } from '../images/image-digests.js';
import type { KnownUnit } from '../units/known-unit.js';
import { Backoff } from './backoff.js';
import { BestEffortJournal } from './best-effort-journal.js';
import { MeasuredJournal } from './measured-journal.js';
import { refusedPull, type TaskControl, type UpdateEngine } from './engine.js';
import { planUpdate } from './plan.js';
import { RunnerGate } from './runner-gate.js';
import type { TaskRecord, TaskStatus, TaskTrigger } from './task.js';

/** What the runner needs of the stores. */
export interface RunnerStores extends TaskEndStores {
  tasks: Pick<
    TaskStore,
    | 'claimNext'
    | 'claim'
    | 'unclaim'
    | 'renew'
    | 'finish'
    | 'running'
    | 'interrupt'
    | 'get'
    | 'create'
    | 'park'
    | 'waitingFor'
    | 'cancelWaiting'
    | 'expireApprovals'
  >;
  policies: Pick<PolicyStore, 'get' | 'skipped'>;
  digests: Pick<DigestStore, 'see' | 'find'>;
  leases: Pick<LeaseStore, 'acquire' | 'renew' | 'release' | 'sweep'>;
  journals: Pick<TaskJournalStore, 'journalFor' | 'units'>;
  /** The digests policy notices announced per unit (update-available once per unit and digest). */
  meta: Pick<MetaStore, 'get' | 'set'>;
}

export interface RunnerDeps {
  stores: RunnerStores;
  /** Runs `op`'s writes as one transaction (the runner writes off the write batcher, on its connection). */
  atomically<T>(op: () => T): T;
  /** What a task's end notifies, written in the transaction of the end. */
  notices?: TaskEndNotices | undefined;
  /** What the policy gate notifies (approval needed, update available), written with what it records. */
  policyNotices?: PolicyNotices | undefined;
  /** Task ends, step durations and rollbacks for /metrics. */
  metrics?: Metrics | undefined;
  engine: Pick<UpdateEngine, 'execute'> & Partial<Pick<UpdateEngine, 'prefetch'>>;
  runtime: ContainerRuntime;
  registry: DigestResolver;
  /** A discovery (and its persistence) that began after `since`: the task's creation. */
  discover(since: number): Promise<KnownUnit[]>;
  /** Ids of the tasks a policy splits off. */
  ids: IdSource;
  /** Every unit's update policy: the gate between plan and engine. */
  policies: { book: PolicyBook; approvalTtlMs: number };
  clock: Clock;
  sleep(ms: number): Promise<void>;
  /** This process as written into leases, and whether another owner still runs. */
  owners: LeaseOwnership;
  settings: {
    concurrency: number;
    leaseMs: number;
    pollMs: number;
    /** How long a task waits for a unit another task holds before it fails. */
    lockWaitMs: number;
    /** The longest wait between two tries while the stores fail (the first wait is pollMs, then doubling). */
    backoffMaxMs?: number;
  };
  /** Told once per streak of failures with the same message. */
  onError?(err: unknown): void;
}

/** An interrupted task runs at most this many times in all. */
const MAX_ATTEMPTS = 2;
const BACKOFF_MAX_MS = 10_000;

/** A write the runner owes the queue: a claim to hand back, or the result of a task that ran. */
type Owed =
  | { kind: 'unclaim' }
  | { kind: 'finish'; status: TaskStatus; summary: string; at: number; trigger: TaskTrigger };

/** A store write that failed before the engine touched anything: the task goes back to the queue. */
class NotStarted extends Error {
  constructor(override readonly cause: unknown) {
    super(errorMessage(cause));
  }
}

const beforeStart = <T>(write: () => T): T => {
  try {
    return write();
  } catch (e) {
    throw new NotStarted(e);
  }
};

export class TaskRunner {
  private active = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private started = false;
  private readonly owed = new Map<string, Owed>();
  /** While it counts failures the runner waits out its backoff and ignores pokes. */
  private readonly backoff: Backoff;

  /** Between the plan and the engine: what each unit's policy lets through (runner-gate.ts). */
  private readonly policyGate: RunnerGate;

  constructor(private readonly deps: RunnerDeps) {
    this.policyGate = new RunnerGate(deps);
    this.backoff = new Backoff(deps.settings.pollMs, deps.settings.backoffMaxMs ?? BACKOFF_MAX_MS);
  }

  private isStale = (h: LeaseHolder): boolean =>
    h.owner !== this.deps.owners.self && !this.deps.owners.alive(h.owner);

  /**
   * Tasks whose runner is gone (crashed process, or a claim not renewed in time): log it, re-queue once.
   * Also drops the unit leases of dead owners.
   */
  recoverInterrupted(): string[] {
    const { stores, clock } = this.deps;
    const now = clock.now();
    const recovered: string[] = [];
    for (const { task, leaseOwner, leaseExpires } of stores.tasks.running()) {
      if (leaseOwner === this.deps.owners.self) continue;
      const expired = leaseExpires !== null && leaseExpires < now;
      if (leaseOwner && this.deps.owners.alive(leaseOwner) && !expired) continue;
      const requeue = task.attempts < MAX_ATTEMPTS;
      const journal = stores.journals.journalFor(task.id);
      journal.log(
        'warn',
        'task',
        `interrupted: the podup running it (${leaseOwner ?? 'unknown'}) stopped; ${requeue ? 're-queued' : 'not re-queued: it was interrupted before'}`,
      );
      const notified = this.deps.atomically(() => {
        stores.tasks.interrupt(task.id, requeue, now);
        // Interrupted for good is a failure to notify; re-queued, it will end some other way.
        return (
          !requeue &&
          (this.deps.notices?.record(
            stores,
            task.id,
            'interrupted',
            'interrupted twice by a crash or restart of podup',
            now,
          ) ??
            false)
        );
      });
      if (notified) this.deps.notices?.poke();
      if (!requeue) this.deps.metrics?.taskEnded(task.trigger, 'interrupted');
      recovered.push(task.id);
    }
    stores.leases.sweep(now, this.isStale);
    return recovered;
  }

  start(): void {
    this.started = true;
    this.stopping = false;
    // The first tick recovers interrupted tasks: here a failing store would stop podup from starting.
    this.schedule(0);
  }

  /** A task was queued: look sooner than the next poll (not while backing off from failing stores). */
  poke(delayMs = 0): void {
    if (this.started && !this.stopping && this.backoff.count === 0) this.schedule(delayMs);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopping) return;
    const failuresBefore = this.backoff.count;
    try {
      this.settleOwed();
      this.recoverInterrupted();
      this.deps.stores.tasks.expireApprovals(this.deps.clock.now());
      while (this.active.size < this.deps.settings.concurrency) {
        const now = this.deps.clock.now();
        const task = this.deps.stores.tasks.claimNext(
          this.deps.owners.self,
          now,
          now + this.deps.settings.leaseMs,
        );
        if (!task) break;
        // A claim the store did not keep comes back with the same id: never loop on it.
        if (this.active.has(task.id)) throw new Error(`task ${task.id} was claimed again while it runs`);
        this.launch(task);
        // A run that could not record its start handed its task back and set the backoff.
        if (this.backoff.count !== failuresBefore) return;
      }
    } catch (err) {
      this.backOff(err);
      return;
    }
    if (this.backoff.count !== failuresBefore) return;
    this.backoff.reset();
    this.schedule(this.deps.settings.pollMs);
  }

  private launch(task: TaskRecord): void {
    const run = this.run(task)
      .catch((err: unknown) => this.backOff(err))
      .finally(() => {
        this.active.delete(task.id);
        this.poke();
      });
    this.active.set(task.id, run);
  }

  /** One more failure in a row: report it (once per message) and wait pollMs, 2 pollMs, 4 pollMs ... */
  private backOff(err: unknown): void {
    const delayMs = this.backoff.fail();
    this.report(err);
    if (this.started && !this.stopping) this.schedule(delayMs);
  }

  private report(err: unknown): void {
    if (this.backoff.isNew(err, this.deps.clock.now())) this.deps.onError?.(err);
  }

  /** A task that could not record its start goes back to the queue now, or as soon as the store lets it. */
  private handBack(taskId: string, cause: unknown): void {
    const owed: Owed = { kind: 'unclaim' };
    try {
      this.settle(taskId, owed);
    } catch {
      this.owed.set(taskId, owed);
    }
    this.backOff(cause);
  }

  private owe(taskId: string, owed: Owed, err: unknown): void {
    this.owed.set(taskId, owed);
    this.backOff(err);
  }

  /** Writes what earlier runs could not; throws (and keeps the rest) at the first write that fails again. */
  private settleOwed(): void {
    for (const [taskId, owed] of this.owed) {
      this.settle(taskId, owed);
      this.owed.delete(taskId);
    }
  }

  private settle(taskId: string, owed: Owed): void {
    const { stores, clock, owners } = this.deps;
    if (owed.kind === 'unclaim') {
      stores.tasks.unclaim(taskId, owners.self, clock.now());
      return;
    }
    const notified = this.deps.atomically(() => {
      stores.tasks.finish(taskId, owed.status, owed.summary, owed.at);
      return this.deps.notices?.record(stores, taskId, owed.status, owed.summary, owed.at) ?? false;
    });
    if (notified) this.deps.notices?.poke();
    this.deps.metrics?.taskEnded(owed.trigger, owed.status);
    // The one line that says how the task ended (and why, for a failure); the row above is what counts.
    try {
      stores.journals
        .journalFor(taskId)
        .log(
          owed.status === 'succeeded' || owed.status === 'skipped'
            ? 'info'
            : owed.status === 'failed'
              ? 'error'
              : 'warn',
          'task',
          `${owed.status}: ${owed.summary}`,
        );
    } catch (err) {
      this.report(err);
    }
  }

  /** Waits for running tasks up to `timeoutMs`; what is still running then is resumed by the next start. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.race([Promise.allSettled([...this.active.values()]), this.deps.sleep(timeoutMs)]);
  }

  get running(): number {
    return this.active.size;
  }

  private async acquireUnits(task: TaskRecord, units: string[], journal: TaskJournal): Promise<void> {
    const { stores, clock, settings } = this.deps;
    const deadline = clock.now() + settings.lockWaitMs;
    let reported = '';
    for (;;) {
      const now = clock.now();
      const r = beforeStart(() =>
        stores.leases.acquire(
          task.id,
          this.deps.owners.self,
          units,
          now,
          now + settings.leaseMs,
          this.isStale,
        ),
      );
      if (r.ok) return;
      const who = `${r.heldBy.unit} is busy with task ${r.heldBy.taskId}`;
      if (who !== reported) beforeStart(() => journal.log('info', 'task', `waiting: ${who}`));
      reported = who;
      if (now >= deadline) throw new Error(`${who} for longer than ${settings.lockWaitMs} ms`);
      await this.deps.sleep(Math.min(1000, settings.leaseMs / 3));
    }
  }

  /**
   * Once discovery found a unit that follows the task's image, its tag is looked up and that digest pulled
   * (`repository@sha256:...`) beside the plan and the policy gate: a pull by digest stores the image without
   * moving any tag, so it is safe before the gate, and the download is done by the time the units may move.
   */
  private earlyPull(
    image: string,
    journal: TaskJournal,
    control: TaskControl,
  ):
    | {
        lookup: Promise<{ digest: string; endpoint: string }>;
        digest: Promise<string | null>;
        pull: Promise<string>;
        abort(): void;
      }
    | undefined {
    const prefetch = this.deps.engine.prefetch?.bind(this.deps.engine);
    if (!prefetch) return undefined;
    const aborter = new AbortController();
    const signal = control.signal ? AbortSignal.any([control.signal, aborter.signal]) : aborter.signal;
    const lookup = this.deps.registry.digest(image, { maxAgeMs: 0, signal });
    const digest = lookup.then(
      (d) => d.digest,
      () => null,
    );
    const pull = lookup.then((d) =>
      prefetch(`${repositoryOf(image)}@${d.digest}`, journal, { ...control, signal }),
    );
    pull.catch(() => undefined);
    return { lookup, digest, pull, abort: () => aborter.abort(new Error('not needed')) };
  }

  /** Whether the unit's update policy lets this task's update through, unforced (approve: once approved). */
  private mayApply(unit: KnownUnit, task: TaskRecord): boolean {
    const { policy } = this.deps.policies.book.resolve(unit, this.deps.stores.policies.get(unit.unit));
    const value = policy.policy.value;
    return value === 'auto' || (value === 'approve' && task.approvedBy !== null);
  }

  /** Claims and runs one named queued task (the CLI's in-process trigger). */
  async runNow(taskId: string): Promise<boolean> {
    const now = this.deps.clock.now();
    const task = this.deps.stores.tasks.claim(
      taskId,
      this.deps.owners.self,
      now,
      now + this.deps.settings.leaseMs,
    );
    if (!task) return false;
    await this.run(task);
    return true;
  }

  /**
   * Runs one claimed task to its end; never throws. Until the engine starts, a store that refuses a write
   * hands the task back to the queue; once it started, the run goes on (a unit half updated must still be
   * verified or rolled back) with the journal lines the store refuses counted, and a result it cannot write
   * is kept and written later.
   */
  async run(task: TaskRecord): Promise<void> {
    const { stores, clock, settings } = this.deps;
    const journal = stores.journals.journalFor(task.id);
    const abort = new AbortController();
    const stopKind = () => {
      try {
        return stores.tasks.get(task.id)?.stopRequested ?? null;
      } catch {
        return null;
      }
    };
    try {
      journal.log(
        'info',
        'task',
        `started (attempt ${task.attempts}) for ${task.image ?? task.units?.join(', ') ?? 'all units'}`,
      );
    } catch (e) {
      this.handBack(task.id, e);
      return;
    }
    const heartbeat = setInterval(
      () => {
        const now = clock.now();
        try {
          stores.tasks.renew(task.id, this.deps.owners.self, now + settings.leaseMs, now);
          stores.leases.renew(task.id, this.deps.owners.self, now + settings.leaseMs);
        } catch (err) {
          // A lease outlasts a few missed beats; a store that stays down shows in the result.
          this.report(err);
        }
        // A force-stop aborts the pull in flight; the engine also checks between and inside steps.
        if (stopKind() === 'force') abort.abort(new Error('force-stopped'));
      },
      Math.max(50, Math.min(1000, settings.leaseMs / 3)),
    );
    heartbeat.unref();
    const measured = this.deps.metrics ? new MeasuredJournal(journal, this.deps.metrics) : journal;
    const engineJournal = new BestEffortJournal(measured, (err) => this.report(err));
    let status: TaskStatus = 'failed';
    let summary: string;
    let cleanup: (() => Promise<void>) | undefined;
    let notStarted: NotStarted | undefined;
    const control = {
      stopRequested: () => stopKind() !== null,
      forceRequested: () => stopKind() === 'force',
      signal: abort.signal,
    };
    let parked = false;
    let early: ReturnType<TaskRunner['earlyPull']>;
    let pullHandedOver = false;
    try {
      const started = performance.now();
      const known = await this.deps.discover(task.createdAt);
      // Only for an image a managed unit follows (an organisation's webhook names every package it pushes), and
      // one whose policy lets it through: a notify or off unit, or an approve unit not approved yet (it may be
      // rejected or expire), would only be left an image nobody runs.
      const image = task.image;
      if (
        image !== null &&
        known.some(
          (u) =>
            u.imageKey === image &&
            u.managed &&
            !u.pinned &&
            (!task.units?.length || task.units.includes(u.unit)) &&
            (task.force || this.mayApply(u, task)),
        )
      )
        early = this.earlyPull(image, engineJournal, control);
      const resume =
        task.attempts > 1
          ? new Map(beforeStart(() => stores.journals.units(task.id)).map((u) => [u.unit, u]))
          : undefined;
      const lookup = early?.lookup;
      const registry: DigestResolver = lookup
        ? {
            // The plan's fresh lookup of the task's image is the one the early pull started from.
            digest: (ref, o) => (ref === image ? lookup : this.deps.registry.digest(ref, o)),
            created: (ref, digest, o) => this.deps.registry.created(ref, digest, o),
          }
        : this.deps.registry;
      const plan = await planUpdate({ image: task.image, units: task.units, resume }, known, {
        runtime: this.deps.runtime,
        registry,
      });
      const planned = plan.units
        .map((u) => `${u.unit}: ${u.action}${u.reason ? ` (${u.reason})` : ''}`)
        .join('; ');
      beforeStart(() =>
        journal.log('info', 'plan', planned || 'no unit runs this image', {
          durationMs: Math.round(performance.now() - started),
        }),
      );
      const created = await this.policyGate.createdTimes(task, plan, known, control.signal);
      if (beforeStart(() => this.policyGate.gate(task, plan, known, journal, created))) {
        parked = true;
        return;
      }
      // A pull of the tag moves the local tag, and a unit held by notify/approve/a window must not run the
      // new image at its next start: the tag is pulled only once the policy gate let the task through. The
      // early pull by digest stored the image without naming it; the engine tags it right before each
      // restart. When the plan's target is another digest (it has none: the lookup failed), the tag is
      // pulled now, overlapping the wait for the units' leases.
      const moves =
        image !== null &&
        plan.units.some((u) => u.image === image && (u.action === 'update' || u.action === 'verify'));
      const target = plan.images.find((i) => i.image === image)?.digest ?? null;
      let prefetch: Promise<string> | undefined;
      if (moves && early && target !== null && target === (await early.digest)) {
        // A registry or mirror that serves tags only refuses the pull by digest: the tag then, now that the
        // policy gate let the task through (moving the tag is no longer early).
        const byTag = this.deps.engine.prefetch?.bind(this.deps.engine);
        prefetch = early.pull.catch((err: unknown) => {
          if (!byTag || control.signal.aborted || !refusedPull(err)) throw err;
          engineJournal.log(
            'warn',
            'pull',
            `pull of ${image} by digest failed (${errorMessage(err)}); pulling it by its tag`,
          );
          return byTag(image, engineJournal, control);
        });
        pullHandedOver = true;
      } else if (moves) prefetch = this.deps.engine.prefetch?.(image, engineJournal, control);
      const prefetched = image !== null && prefetch ? new Map([[image, prefetch]]) : undefined;
      await this.acquireUnits(
        task,
        plan.units.filter((u) => u.action === 'update' || u.action === 'verify').map((u) => u.unit),
        journal,
      );
      const result = await this.deps.engine.execute(plan, engineJournal, control, prefetched);
      status = result.status;
      summary = result.summary;
      cleanup = result.cleanup;
    } catch (e) {
      if (e instanceof NotStarted) notStarted = e;
      summary = errorMessage(e);
    } finally {
      clearInterval(heartbeat);
      // Nothing of the image moves (held, parked, up to date, handed back): its download is not needed.
      if (!pullHandedOver) early?.abort();
      try {
        stores.leases.release(task.id);
      } catch (err) {
        // Unit leases expire by themselves (leaseMs), and a later task of this process takes them over.
        this.report(err);
      }
    }
    if (notStarted) {
      this.handBack(task.id, notStarted.cause);
      return;
    }
    if (parked) return;
    if (engineJournal.lost > 0)
      summary += ` (${engineJournal.lost} journal lines not recorded: the store refused them)`;
    const result: Owed = { kind: 'finish', status, summary, at: clock.now(), trigger: task.trigger };
    try {
      this.settle(task.id, result);
    } catch (e) {
      this.owe(task.id, result, e);
    }
    // After the result: the units are verified (or rolled back); pruning only reclaims disk.
    await cleanup?.().catch((e: unknown) =>
      engineJournal.log('warn', 'prune', `prune failed: ${errorMessage(e)}`),
    );
  }
}
