/**
 * Runs a plan: one pull per image, then unit by unit: restart over D-Bus, health gate, digest check, and on
 * failure a rollback to the image the unit ran before. Every step is logged with its timing. Adapters bound
 * every call in time, so a missing part fails the task with its error instead of hanging it.
 * Used by: the task runner (podup serve, and podup trigger when no server runs)
 */
import { errorMessage, isAppError, type ErrorCode } from '../../errors.js';
import type {
  Clock,
  ContainerRuntime,
  DependentRecord,
  TaskJournal,
  TaskJournalStore,
  UnitManager,
  UnitState,
} from '../ports/index.js';
import { localImageDigests } from '../images/image-digests.js';
import { activeDependents, checkDependents } from './dependents.js';
import { healthGate, type GateResult, runningContainerOf, UNIT_LABEL } from './health-gate.js';
import { PIN_DROP_IN, pinDropIn, pullsOnStart } from './pull-pin.js';
import { nextBatch, prepareRollout, type UnitRun } from './rollout-plan.js';
import { summarise } from './rollout-summary.js';
import type { Plan, UnitPlan } from './plan.js';
import type { Step, TaskStatus, UnitOutcome } from './task.js';

export interface EngineSettings {
  /** How long a restarted unit must stay active. */
  healthWindowMs: number;
  healthPollMs: number;
  restartTimeoutMs: number;
  pullAttempts: number;
  pullBackoffMs: number;
  journalLines: number;
  /**
   * How long the digest check waits for the unit's new container to appear: a unit whose start job is done
   * may still be creating it (podman run), and a short health window must not turn that into a rollback.
   */
  containerWaitMs?: number;
  /** Units moved at once after the canary (PODUP_ROLLOUT_BATCH). */
  rolloutBatch?: number;
  /** After a failure: roll back the units already moved (default), or keep them (PODUP_ROLLOUT_ON_FAILURE). */
  onFailure?: RolloutOnFailure;
}

export type RolloutOnFailure = 'rollback-all' | 'keep';
const DEFAULT_BATCH = 4;

const DEFAULT_CONTAINER_WAIT_MS = 15_000;

export interface EngineDeps {
  runtime: ContainerRuntime;
  systemd: UnitManager;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  settings: EngineSettings;
  /** Image ids units ran before podup moved them on: the candidates for pruning. */
  journals: Pick<TaskJournalStore, 'supersededImages'>;
}

/**
 * Asked between units: "stop" lets the current unit finish and skips the rest. "force" is also asked inside
 * steps; `signal` aborts a pull in flight.
 */
export interface TaskControl {
  stopRequested(): boolean;
  forceRequested?(): boolean;
  signal?: AbortSignal | undefined;
}

const NEVER_STOP: TaskControl = { stopRequested: () => false };

class ForceStopped extends Error {
  constructor(where: string) {
    super(`force-stopped ${where}`);
  }
}

export interface RunResult {
  status: TaskStatus;
  summary: string;
  /** Housekeeping that need not delay the result (pruning superseded images); logs into the task. */
  cleanup?: () => Promise<void>;
}

/** Pull failures that another attempt cannot fix (ContainerRuntime.pull says which codes those are). */
const PERMANENT_PULL_ERRORS: ReadonlySet<ErrorCode> = new Set(['IMAGE_NOT_FOUND', 'REGISTRY_DENIED']);

/** A step that failed; `cause` is the port's error, whose code decides what happens next (pull retries). */
class StepFailure extends Error {
  constructor(
    readonly step: Step,
    message: string,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** A pull the registry refused (unknown reference, denied): another attempt cannot fix it. */
export function refusedPull(e: unknown): boolean {
  const cause = e instanceof StepFailure ? e.cause : e;
  return isAppError(cause) && PERMANENT_PULL_ERRORS.has(cause.code);
}

export class UpdateEngine {
  /** Set by each task's prepareRollout: the dependents gate needs the windows of units outside the task too. */
  private windows = new Map<string, number>();
  private readonly pulledDigests = new Map<string, Promise<string[]>>();

  constructor(private readonly deps: EngineDeps) {}

  private async timed<T>(
    journal: TaskJournal,
    step: Step,
    unit: string | undefined,
    what: string,
    fn: () => Promise<T>,
  ): Promise<T> {
    const started = performance.now();
    try {
      const value = await fn();
      journal.log('info', step, what, {
        ...(unit ? { unit } : {}),
        durationMs: Math.round(performance.now() - started),
      });
      return value;
    } catch (e) {
      const durationMs = Math.round(performance.now() - started);
      journal.log('error', step, `${what} failed: ${errorMessage(e)}`, {
        ...(unit ? { unit } : {}),
        durationMs,
      });
      throw e instanceof StepFailure || e instanceof ForceStopped
        ? e
        : new StepFailure(step, errorMessage(e), e);
    }
  }

  private checkForce(control: TaskControl, where: string): void {
    if (control.forceRequested?.()) throw new ForceStopped(where);
  }

  /** Pull once per image, retrying transient failures with backoff. Resolves with the pulled image id. */
  private async pull(image: string, journal: TaskJournal, control: TaskControl): Promise<string> {
    const { pullAttempts, pullBackoffMs } = this.deps.settings;
    for (let attempt = 1; ; attempt++) {
      this.checkForce(control, 'before the pull');
      try {
        return await this.timed(journal, 'pull', undefined, `pulled ${image}`, () =>
          this.deps.runtime.pull(image, (line) => journal.log('info', 'pull', line), control.signal),
        );
      } catch (e) {
        if (e instanceof ForceStopped || control.forceRequested?.())
          throw new ForceStopped('during the pull');
        if (refusedPull(e) || attempt >= pullAttempts) throw e;
        const wait = pullBackoffMs * 2 ** (attempt - 1);
        journal.log('warn', 'pull', `attempt ${attempt} of ${pullAttempts} failed; retrying in ${wait} ms`);
        await this.deps.sleep(wait);
      }
    }
  }

  /** The unit's running container (by the PODMAN_SYSTEMD_UNIT label). */
  private async containerOf(unit: string): Promise<{ id: string; imageId: string } | undefined> {
    return runningContainerOf(this.deps.runtime, unit);
  }

  /**
   * Restart, then require the job to be "done" and the unit to pass its health gate. Resolves with what the
   * gate saw.
   */
  private async restartAndGate(
    run: UnitRun,
    journal: TaskJournal,
    control: TaskControl,
    read?: { before: UnitState | undefined },
  ): Promise<GateResult> {
    const unit = run.plan.unit;
    const before = read ? read.before : await this.deps.systemd.state(unit).catch(() => undefined);
    const job = await this.timed(journal, 'restart', unit, `restarted ${unit}`, () =>
      this.deps.systemd.restart(unit, this.deps.settings.restartTimeoutMs),
    );
    if (job.result !== 'done') {
      const message = `restart job of ${unit} ended "${job.result}"`;
      journal.log('error', 'restart', message, { unit });
      throw new StepFailure('restart', message);
    }
    return this.healthGate(
      run,
      journal,
      control,
      before?.activeState === 'active' ? before.invocationId : undefined,
    );
  }

  private async healthGate(
    run: UnitRun,
    journal: TaskJournal,
    control: TaskControl,
    previousInvocation?: string,
  ): Promise<GateResult> {
    const unit = run.plan.unit;
    const gate = await this.timed(journal, 'health', unit, `health gate of ${unit}`, () =>
      healthGate(this.deps, unit, {
        windowMs: run.windowMs,
        pollMs: this.deps.settings.healthPollMs,
        previousInvocation,
        checkpoint: () => this.checkForce(control, 'during the health gate'),
      }),
    );
    journal.log('info', 'health', `${unit}: ${gate.seen}`, { unit });
    return gate;
  }

  /** The dependents active before the restart must be active again; one left down fails the unit. */
  private async dependentsGate(
    run: UnitRun,
    wereActive: readonly string[],
    journal: TaskJournal,
  ): Promise<DependentRecord[]> {
    if (wereActive.length === 0) return [];
    const unit = run.plan.unit;
    const checks = await checkDependents(
      {
        systemd: this.deps.systemd,
        clock: this.deps.clock,
        sleep: (ms) => this.deps.sleep(ms),
        pollMs: this.deps.settings.healthPollMs,
        startTimeoutMs: this.deps.settings.restartTimeoutMs,
        windowOf: (u) => this.windowOf(u),
      },
      wereActive,
    );
    for (const c of checks) {
      const level = c.result === 'active' ? 'info' : c.result === 'started' ? 'warn' : 'error';
      journal.log(
        level,
        'dependents',
        `${c.unit} (depends on ${unit}): ${c.result}${c.detail ? `, ${c.detail}` : ''}`,
        {
          unit,
        },
      );
    }
    return checks;
  }

  /** The unit's running container, waiting (bounded) for it to appear. */
  private async runningContainer(unit: string): Promise<{ id: string; imageId: string } | undefined> {
    const { clock, settings } = this.deps;
    const deadline = clock.now() + (settings.containerWaitMs ?? DEFAULT_CONTAINER_WAIT_MS);
    for (;;) {
      const c = await this.containerOf(unit);
      if (c || clock.now() >= deadline) return c;
      await this.deps.sleep(Math.min(settings.healthPollMs, Math.max(1, deadline - clock.now())));
    }
  }

  private async verify(
    unit: string,
    expected: string,
    journal: TaskJournal,
    found?: { imageId: string },
  ): Promise<{ imageId: string }> {
    return this.timed(journal, 'verify', unit, `${unit} runs ${expected}`, async () => {
      const c = found ?? (await this.runningContainer(unit));
      if (!c) {
        const waited = (this.deps.settings.containerWaitMs ?? DEFAULT_CONTAINER_WAIT_MS) / 1000;
        throw new Error(`no running container carries ${UNIT_LABEL}=${unit} (waited ${waited} s)`);
      }
      const digests = await localImageDigests(this.deps.runtime, c.imageId);
      if (!digests.includes(expected))
        throw new Error(`${unit} runs ${digests[0] ?? c.imageId}, expected ${expected}`);
      return { imageId: c.imageId };
    });
  }

  /** The unit's journal; when it is empty or unreadable, the container's own log. */
  private async diagnose(unit: string, containerId: string | null, journal: TaskJournal): Promise<void> {
    const n = this.deps.settings.journalLines;
    try {
      const lines = await this.deps.systemd.journal(unit, n);
      if (lines.length > 0) {
        journal.log('info', 'diagnose', `journal of ${unit}:\n${lines.join('\n')}`, { unit });
        return;
      }
      journal.log('warn', 'diagnose', `journal of ${unit} has no entries`, { unit });
    } catch (e) {
      journal.log('warn', 'diagnose', `journal of ${unit} unavailable: ${errorMessage(e)}`, { unit });
    }
    const c = (await this.containerOf(unit).catch(() => undefined))?.id ?? containerId;
    const lines = c ? await this.deps.runtime.containerLogs(c, n).catch((): string[] => []) : [];
    journal.log(
      'info',
      'diagnose',
      lines.length ? `container log of ${unit}:\n${lines.join('\n')}` : `no container log of ${unit} left`,
      { unit },
    );
  }

  /**
   * Back to the image the unit ran before: the tag points at it again, a unit that pulls on start is pinned
   * to it first, and the restart goes through the same gate. Never interrupted: it is what leaves the unit
   * consistent. Dependents are checked again afterwards.
   */
  private async rollback(
    run: UnitRun,
    journal: TaskJournal,
    why: string,
  ): Promise<{ ok: boolean; dependents: DependentRecord[]; health: string | null }> {
    const u = run.plan;
    if (!u.imageId || !u.image) {
      journal.log('error', 'rollback', 'no previous image recorded: cannot roll back', { unit: u.unit });
      return { ok: false, dependents: [], health: null };
    }
    try {
      if (pullsOnStart(run.pullPolicy)) {
        const pin = pinDropIn(u.unit, run.execStart, `rolled back (${why})`);
        if (!pin) throw new Error(`cannot pin ${u.unit}: no --pull in its ExecStart to replace`);
        await this.timed(
          journal,
          'rollback',
          u.unit,
          `pinned ${u.unit} to its local image (drop-in ${PIN_DROP_IN}.conf, --pull=never)`,
          () => this.deps.systemd.setDropIn(u.unit, PIN_DROP_IN, pin),
        );
      }
      await this.timed(
        journal,
        'rollback',
        u.unit,
        `tagged previous image ${u.imageId.slice(0, 12)} as ${u.image}`,
        () => this.deps.runtime.tag(u.imageId as string, u.image as string),
      );
      // Bringing the service back beats systemd's start rate limit, which the failed update may have used up.
      const state = await this.deps.systemd.state(u.unit).catch(() => undefined);
      if (state?.result === 'start-limit-hit' || state?.activeState === 'failed') {
        journal.log(
          'warn',
          'rollback',
          `${u.unit} is ${state.activeState} (${state.result}): resetting its failed state`,
          { unit: u.unit },
        );
        await this.deps.systemd.resetFailed(u.unit);
      }
      const wereActive = await this.dependentsActive(run);
      const health = (await this.restartAndGate(run, journal, NEVER_STOP)).seen;
      const c = await this.containerOf(u.unit);
      if (c?.imageId !== u.imageId)
        throw new Error(`after rollback ${u.unit} runs ${c?.imageId ?? 'nothing'}`);
      journal.log('warn', 'rollback', `${u.unit} is back on its previous image`, { unit: u.unit });
      const dependents = await this.dependentsGate(run, union(wereActive, run.dependentsActive), journal);
      return { ok: true, dependents, health };
    } catch (e) {
      journal.log('error', 'rollback', `rollback of ${u.unit} failed: ${errorMessage(e)}`, { unit: u.unit });
      return { ok: false, dependents: [], health: null };
    }
  }

  private async dependentsActive(run: UnitRun): Promise<string[]> {
    return activeDependents(this.deps.systemd, run.dependents);
  }

  private async updateUnit(
    run: UnitRun,
    pulledId: string,
    journal: TaskJournal,
    control: TaskControl,
  ): Promise<UnitOutcome> {
    const u = run.plan;
    journal.unit(u.unit, { status: 'running', startedAt: this.deps.clock.now() });
    let dependents: DependentRecord[] = [];
    // What precedes the restart is read at once, not one after the other: none of it depends on the rest.
    const adjusted = this.adjustTarget(u, pulledId, journal);
    try {
      let gate: GateResult;
      // A resumed task whose unit already restarted onto the target only finishes the checks.
      if (u.action === 'verify') {
        run.dependentsActive = await this.dependentsActive(run);
        gate = await this.healthGate(run, journal, control);
      } else {
        const [active, before] = await Promise.all([
          this.dependentsActive(run),
          this.deps.systemd.state(u.unit).catch(() => undefined),
          // The tag points at the pulled image now, after the policy gate (the pull may have been by digest,
          // and a rollback of an earlier unit of this image tags the old image back).
          this.deps.runtime.tag(pulledId, u.image as string),
          adjusted,
        ]);
        run.dependentsActive = active;
        gate = await this.restartAndGate(run, journal, control, { before });
      }
      await adjusted;
      const target = u.targetDigest as string;
      const health = gate.seen;
      const now = await this.verify(u.unit, target, journal, gate.container);
      dependents = await this.dependentsGate(run, run.dependentsActive, journal);
      const down = dependents.filter((d) => d.result === 'down');
      if (down.length > 0)
        throw new StepFailure('dependents', `left down: ${down.map((d) => d.unit).join(', ')}`);
      // A good update ends an earlier rollback's pin (it changes only the next start: no restart needed).
      await this.deps.systemd.setDropIn(u.unit, PIN_DROP_IN, null).then(
        () => undefined,
        (e: unknown) =>
          journal.log(
            'warn',
            'task',
            `could not remove the drop-in ${PIN_DROP_IN}.conf: ${errorMessage(e)}`,
            {
              unit: u.unit,
            },
          ),
      );
      journal.unit(u.unit, {
        status: 'succeeded',
        digestAfter: target,
        imageIdAfter: now.imageId,
        health,
        dependents,
        finishedAt: this.deps.clock.now(),
      });
      return 'succeeded';
    } catch (e) {
      const forced = e instanceof ForceStopped;
      const reason = errorMessage(e);
      if (forced)
        journal.log('warn', 'task', `${reason}: rolling ${u.unit} back, it was restarted but not verified`, {
          unit: u.unit,
        });
      else await this.diagnose(u.unit, u.containerId, journal);
      await adjusted;
      const target = u.targetDigest as string;
      const back = await this.rollback(run, journal, `update to ${target.slice(0, 19)} failed: ${reason}`);
      const leftDown = back.dependents.some((d) => d.result === 'down');
      const status: UnitOutcome = forced
        ? back.ok && !leftDown
          ? 'cancelled'
          : 'failed'
        : back.ok && !leftDown
          ? 'rolled-back'
          : 'failed';
      journal.unit(u.unit, {
        status,
        reason: forced && back.ok ? `${reason}; rolled back to its previous image` : reason,
        health: e instanceof StepFailure && e.step === 'health' ? reason : back.health,
        dependents: back.ok ? back.dependents : dependents,
        ...(back.ok ? { digestAfter: u.currentDigests[0] ?? null, imageIdAfter: u.imageId } : {}),
        finishedAt: this.deps.clock.now(),
      });
      return status;
    }
  }

  /** The tag moved again between the plan and the pull: the unit goes to what was pulled. */
  private async adjustTarget(u: UnitPlan, pulledId: string, journal: TaskJournal): Promise<void> {
    const key = `${pulledId} ${u.image ?? ''}`;
    let digests = this.pulledDigests.get(key);
    if (!digests) {
      digests = localImageDigests(this.deps.runtime, pulledId, u.image).catch((): string[] => []);
      this.pulledDigests.set(key, digests);
      // An image id names the same content for ever: only the map's size needs a bound.
      if (this.pulledDigests.size > 64)
        this.pulledDigests.delete(this.pulledDigests.keys().next().value ?? '');
    }
    const pulledDigests = await digests;
    if (u.targetDigest && pulledDigests.length > 0 && !pulledDigests.includes(u.targetDigest)) {
      journal.log(
        'warn',
        'pull',
        `${u.image} moved after the check; updating to the pulled ${pulledDigests[0] ?? ''}`,
        { unit: u.unit },
      );
      u.targetDigest = pulledDigests[0] ?? u.targetDigest;
    }
  }

  /** A unit already moved in this task, rolled back because a later one failed (PODUP_ROLLOUT_ON_FAILURE). */
  private async rollBackMoved(run: UnitRun, failed: string, journal: TaskJournal): Promise<UnitOutcome> {
    const u = run.plan;
    journal.log('warn', 'rollback', `rolling ${u.unit} back with the rollout: ${failed} failed`, {
      unit: u.unit,
    });
    const back = await this.rollback(run, journal, `the rollout stopped when ${failed} failed`);
    const ok = back.ok && !back.dependents.some((d) => d.result === 'down');
    journal.unit(u.unit, {
      status: ok ? 'rolled-back' : 'failed',
      reason: ok
        ? `rolled back with the rollout: ${failed} failed`
        : `moved, but its rollback after ${failed} failed did not succeed`,
      ...(back.ok
        ? { digestAfter: u.currentDigests[0] ?? null, imageIdAfter: u.imageId, dependents: back.dependents }
        : {}),
      finishedAt: this.deps.clock.now(),
    });
    return ok ? 'rolled-back' : 'failed';
  }

  /**
   * Remove the images podup itself moved units of these images off in earlier tasks, when no container uses
   * them any more; never the rollback images of this task, never an image podup did not supersede (another
   * pull may have just fetched it).
   */
  private async prune(images: string[], keep: Set<string>, journal: TaskJournal): Promise<void> {
    try {
      const candidates = new Set(images.flatMap((image) => this.deps.journals.supersededImages(image)));
      for (const id of keep) candidates.delete(id);
      if (candidates.size === 0) return;
      const inUse = new Set((await this.deps.runtime.listContainers()).map((c) => c.imageId));
      for (const id of candidates) {
        if (inUse.has(id)) continue;
        const r = await this.deps.runtime.removeImage(id);
        if (r === 'removed') journal.log('info', 'prune', `removed superseded image ${id.slice(0, 12)}`);
      }
    } catch (e) {
      journal.log('warn', 'prune', `prune skipped: ${errorMessage(e)}`);
    }
  }

  /** The unit's own health window (label podup.health-window on its container), else the global one. */
  private windowOf(unit: string): number {
    return this.windows.get(unit) ?? this.deps.settings.healthWindowMs;
  }

  private get batch(): number {
    return Math.max(1, this.deps.settings.rolloutBatch ?? DEFAULT_BATCH);
  }

  /**
   * Starts the pull of an image-update task's image at once: discovery and planning do not need it, so it
   * overlaps them. `execute` takes the promise over.
   */
  prefetch(image: string, journal: TaskJournal, control: TaskControl): Promise<string> {
    const p = this.pull(image, journal, control);
    p.catch(() => undefined);
    return p;
  }

  async execute(
    plan: Plan,
    journal: TaskJournal,
    control: TaskControl,
    prefetched?: ReadonlyMap<string, Promise<string>>,
  ): Promise<RunResult> {
    const moving = (u: UnitPlan) => u.action === 'update' || u.action === 'verify';
    for (const u of plan.units) {
      journal.unit(u.unit, {
        status: moving(u) ? 'pending' : u.action === 'error' ? 'failed' : 'skipped',
        image: u.image,
        digestBefore: u.currentDigests[0] ?? null,
        imageIdBefore: u.imageId,
        reason: u.reason,
      });
      // The runner logs the whole plan; only what needs attention is repeated per unit.
      if (u.action === 'error')
        journal.log('error', 'plan', u.reason ?? 'cannot plan this unit', { unit: u.unit });
      if (u.action === 'verify') journal.log('info', 'plan', u.reason ?? 'checking', { unit: u.unit });
    }
    const failedToPlan = plan.units.filter((u) => u.action === 'error');
    const todo = plan.units.filter(moving);
    if (failedToPlan.length > 0 && todo.length === 0) {
      return {
        status: 'failed',
        summary: failedToPlan.map((u) => `${u.unit}: ${u.reason ?? ''}`).join('; '),
      };
    }
    if (todo.length === 0) {
      const why =
        plan.units.length === 0
          ? 'no unit runs this image'
          : [...new Set(plan.units.map((u) => u.reason))].join('; ');
      return { status: 'skipped', summary: why };
    }

    // Every image's pull starts now and overlaps the reads of the graph and of the other pulls.
    const images = [...new Set(todo.map((u) => u.image as string))];
    const pulls = new Map(
      images.map((image) => {
        const p = prefetched?.get(image) ?? this.pull(image, journal, control);
        p.catch(() => undefined);
        return [image, p] as const;
      }),
    );
    const rollout = await prepareRollout(this.deps, todo, journal, {
      healthWindowMs: this.deps.settings.healthWindowMs,
      batch: this.batch,
    });
    this.windows = rollout.windows;
    const runs = rollout.runs;

    const outcomes = new Map<string, UnitOutcome>();
    const pulled = new Map<string, string>();
    const pullFailed = new Set<string>();
    const moved: UnitRun[] = [];
    const passed = new Set<string>();
    let pending = [...runs.values()];
    let failure: string | undefined;
    let forced = false;
    const finish = (r: UnitRun, status: UnitOutcome, reason: string) => {
      outcomes.set(r.plan.unit, status);
      journal.unit(r.plan.unit, { status, reason, finishedAt: this.deps.clock.now() });
    };

    while (pending.length > 0) {
      if (failure !== undefined || forced || control.stopRequested() || control.forceRequested?.()) break;
      const settled = new Set([...outcomes.keys()].filter((u) => pullFailed.has(u)));
      const batch = nextBatch(
        pending,
        { moved: new Set(moved.map((m) => m.plan.unit)), passed, settled },
        this.batch,
      );
      if (batch.length === 0) break;
      pending = pending.filter((r) => !batch.includes(r));
      const results = await Promise.all(
        batch.map(async (r): Promise<[UnitRun, UnitOutcome]> => {
          const image = r.plan.image as string;
          let pulledId: string;
          try {
            pulledId = await (pulls.get(image) as Promise<string>);
            pulled.set(image, pulledId);
          } catch (e) {
            if (e instanceof ForceStopped) {
              forced = true;
              finish(r, 'cancelled', 'task stopped before this unit');
              return [r, 'cancelled'];
            }
            pullFailed.add(r.plan.unit);
            finish(r, 'failed', `pull failed: ${errorMessage(e)}`);
            return [r, 'failed'];
          }
          return [r, await this.updateUnit(r, pulledId, journal, control)];
        }),
      );
      for (const [r, outcome] of results) {
        outcomes.set(r.plan.unit, outcome);
        if (outcome === 'succeeded') {
          moved.push(r);
          if (r.role === 'canary') passed.add(r.plan.image ?? '');
        } else if (outcome === 'cancelled') forced = true;
        else if (!pullFailed.has(r.plan.unit)) failure ??= r.plan.unit;
      }
    }

    if (failure !== undefined && pending.length > 0)
      journal.log(
        'warn',
        'task',
        `rollout stopped: ${failure} failed; ${pending.length} unit(s) not reached are left untouched`,
      );
    for (const r of pending)
      finish(
        r,
        failure !== undefined ? 'skipped' : 'cancelled',
        failure !== undefined
          ? `not reached: the rollout stopped when ${failure} failed`
          : 'task stopped before this unit',
      );
    if (failure !== undefined && moved.length > 0) {
      if (this.deps.settings.onFailure === 'keep')
        journal.log(
          'warn',
          'task',
          `PODUP_ROLLOUT_ON_FAILURE=keep: ${moved.map((m) => m.plan.unit).join(', ')} stay on the new image`,
        );
      else
        for (const r of [...moved].reverse())
          outcomes.set(r.plan.unit, await this.rollBackMoved(r, failure, journal));
    }

    const keep = new Set([
      ...todo.map((u) => u.imageId).filter((x): x is string => x !== null),
      ...pulled.values(),
    ]);
    return {
      ...summarise(outcomes, failedToPlan.length, todo),
      cleanup: () => this.prune([...pulled.keys()], keep, journal),
    };
  }
}

const union = (a: readonly string[], b: readonly string[]): string[] => [...new Set([...a, ...b])];
