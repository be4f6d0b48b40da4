/**
 * The durable queue's worker. Claims runnable tasks (their coalescing window passed), discovers units,
 * plans, takes a lease on every unit it will touch (shared with every other podup process), runs the engine
 * and records the result. Leases and the task's own claim are renewed while it runs and expire if podup
 * dies, so a crash never blocks a unit; on start, tasks left running by a dead owner become "interrupted"
 * and run once more.
 * Used by: podup serve (in the background), podup trigger (in-process when no server runs)
 */
import { errorMessage } from '../../errors.js';
import type {
  Clock,
  ContainerRuntime,
  DigestResolver,
  LeaseHolder,
  LeaseOwnership,
  LeaseStore,
  TaskJournal,
  TaskJournalStore,
  TaskStore,
} from '../ports/index.js';
import type { KnownUnit } from '../units/known-unit.js';
import type { UpdateEngine } from './engine.js';
import { planUpdate } from './plan.js';
import type { TaskRecord, TaskStatus } from './task.js';

/** What the runner needs of the stores. */
export interface RunnerStores {
  tasks: Pick<TaskStore, 'claimNext' | 'claim' | 'renew' | 'finish' | 'running' | 'interrupt' | 'get'>;
  leases: Pick<LeaseStore, 'acquire' | 'renew' | 'release' | 'sweep'>;
  journals: Pick<TaskJournalStore, 'journalFor' | 'units'>;
}

export interface RunnerDeps {
  stores: RunnerStores;
  engine: UpdateEngine;
  runtime: ContainerRuntime;
  registry: DigestResolver;
  /** Fresh discovery (and its persistence). */
  discover(): Promise<KnownUnit[]>;
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
  };
  onError?(err: unknown): void;
}

/** An interrupted task runs at most this many times in all. */
const MAX_ATTEMPTS = 2;

export class TaskRunner {
  private active = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private started = false;

  constructor(private readonly deps: RunnerDeps) {}

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
      stores.tasks.interrupt(task.id, requeue, now);
      recovered.push(task.id);
    }
    stores.leases.sweep(now, this.isStale);
    return recovered;
  }

  start(): void {
    this.started = true;
    this.stopping = false;
    this.recoverInterrupted();
    this.schedule(0);
  }

  /** A task was queued: look sooner than the next poll. */
  poke(delayMs = 0): void {
    if (this.started && !this.stopping) this.schedule(delayMs);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), ms);
    this.timer.unref();
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopping) return;
    try {
      this.recoverInterrupted();
      while (this.active.size < this.deps.settings.concurrency) {
        const now = this.deps.clock.now();
        const task = this.deps.stores.tasks.claimNext(
          this.deps.owners.self,
          now,
          now + this.deps.settings.leaseMs,
        );
        if (!task) break;
        const run = this.run(task).finally(() => {
          this.active.delete(task.id);
          this.poke();
        });
        this.active.set(task.id, run);
      }
    } catch (err) {
      this.deps.onError?.(err);
    }
    this.schedule(this.deps.settings.pollMs);
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
      const r = stores.leases.acquire(
        task.id,
        this.deps.owners.self,
        units,
        now,
        now + settings.leaseMs,
        this.isStale,
      );
      if (r.ok) return;
      const who = `${r.heldBy.unit} is busy with task ${r.heldBy.taskId}`;
      if (who !== reported) journal.log('info', 'task', `waiting: ${who}`);
      reported = who;
      if (now >= deadline) throw new Error(`${who} for longer than ${settings.lockWaitMs} ms`);
      await this.deps.sleep(Math.min(1000, settings.leaseMs / 3));
    }
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

  /** Runs one claimed task to its end; never throws. */
  async run(task: TaskRecord): Promise<void> {
    const { stores, clock, settings } = this.deps;
    const journal = stores.journals.journalFor(task.id);
    const abort = new AbortController();
    const stopKind = () => stores.tasks.get(task.id)?.stopRequested ?? null;
    const heartbeat = setInterval(
      () => {
        const now = clock.now();
        stores.tasks.renew(task.id, this.deps.owners.self, now + settings.leaseMs, now);
        stores.leases.renew(task.id, this.deps.owners.self, now + settings.leaseMs);
        // A force-stop aborts the pull in flight; the engine also checks between and inside steps.
        if (stopKind() === 'force') abort.abort(new Error('force-stopped'));
      },
      Math.max(50, Math.min(1000, settings.leaseMs / 3)),
    );
    heartbeat.unref();
    let status: TaskStatus = 'failed';
    let summary: string;
    let cleanup: (() => Promise<void>) | undefined;
    try {
      journal.log(
        'info',
        'task',
        `started (attempt ${task.attempts}) for ${task.image ?? task.units?.join(', ') ?? 'all units'}`,
      );
      const started = performance.now();
      const known = await this.deps.discover();
      const resume =
        task.attempts > 1 ? new Map(stores.journals.units(task.id).map((u) => [u.unit, u])) : undefined;
      const plan = await planUpdate({ image: task.image, units: task.units, resume }, known, this.deps);
      const planned = plan.units
        .map((u) => `${u.unit}: ${u.action}${u.reason ? ` (${u.reason})` : ''}`)
        .join('; ');
      journal.log('info', 'plan', planned || 'no unit runs this image', {
        durationMs: Math.round(performance.now() - started),
      });
      await this.acquireUnits(
        task,
        plan.units.filter((u) => u.action === 'update' || u.action === 'verify').map((u) => u.unit),
        journal,
      );
      const result = await this.deps.engine.execute(plan, journal, {
        stopRequested: () => stopKind() !== null,
        forceRequested: () => stopKind() === 'force',
        signal: abort.signal,
      });
      status = result.status;
      summary = result.summary;
      cleanup = result.cleanup;
    } catch (e) {
      summary = errorMessage(e);
    } finally {
      clearInterval(heartbeat);
      stores.leases.release(task.id);
    }
    stores.tasks.finish(task.id, status, summary, clock.now());
    // The one line that says how the task ended (and why, for a failure).
    journal.log(
      status === 'succeeded' || status === 'skipped' ? 'info' : status === 'failed' ? 'error' : 'warn',
      'task',
      `${status}: ${summary}`,
    );
    // After the result: the units are verified (or rolled back); pruning only reclaims disk.
    await cleanup?.().catch((e: unknown) => journal.log('warn', 'prune', `prune failed: ${errorMessage(e)}`));
  }
}
