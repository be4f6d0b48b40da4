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
  TaskJournal,
  TaskJournalStore,
  UnitManager,
  UnitState,
} from '../ports/index.js';
import { localImageDigests } from '../images/image-digests.js';
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
}

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

const UNIT_LABEL = 'PODMAN_SYSTEMD_UNIT';

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

export class UpdateEngine {
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
        const cause = e instanceof StepFailure ? e.cause : e;
        const permanent = isAppError(cause) && PERMANENT_PULL_ERRORS.has(cause.code);
        if (permanent || attempt >= pullAttempts) throw e;
        const wait = pullBackoffMs * 2 ** (attempt - 1);
        journal.log('warn', 'pull', `attempt ${attempt} of ${pullAttempts} failed; retrying in ${wait} ms`);
        await this.deps.sleep(wait);
      }
    }
  }

  /** The unit's running container (by the PODMAN_SYSTEMD_UNIT label). */
  private async containerOf(unit: string): Promise<{ id: string; imageId: string } | undefined> {
    const all = await this.deps.runtime.listContainers();
    const mine = all.filter((c) => c.labels[UNIT_LABEL] === unit);
    const running = mine.filter((c) => c.state === 'running').sort((a, b) => b.startedAt - a.startedAt);
    const c = running[0];
    return c ? { id: c.id, imageId: c.imageId } : undefined;
  }

  /** Restart, then require the job to be "done" and the unit to stay active through the health window. */
  private async restartAndGate(unit: string, journal: TaskJournal, control: TaskControl): Promise<void> {
    const before = await this.deps.systemd.state(unit).catch(() => undefined);
    const job = await this.timed(journal, 'restart', unit, `restarted ${unit}`, () =>
      this.deps.systemd.restart(unit, this.deps.settings.restartTimeoutMs),
    );
    if (job.result !== 'done') {
      const message = `restart job of ${unit} ended "${job.result}"`;
      journal.log('error', 'restart', message, { unit });
      throw new StepFailure('restart', message);
    }
    await this.healthGate(
      unit,
      journal,
      control,
      before?.activeState === 'active' ? before.invocationId : undefined,
    );
  }

  /** The unit stays active, without restarting by itself, for the whole health window. */
  private async healthGate(
    unit: string,
    journal: TaskJournal,
    control: TaskControl,
    previousInvocation?: string,
  ): Promise<void> {
    const { healthWindowMs, healthPollMs } = this.deps.settings;
    await this.timed(journal, 'health', unit, `${unit} stayed active for ${healthWindowMs} ms`, async () => {
      const deadline = this.deps.clock.now() + healthWindowMs;
      let first: UnitState | undefined;
      for (;;) {
        this.checkForce(control, 'during the health gate');
        const s = await this.deps.systemd.state(unit);
        first ??= s;
        if (s.activeState !== 'active')
          throw new Error(`${unit} is ${s.activeState}/${s.subState} (result ${s.result})`);
        if (s.nRestarts !== null && first.nRestarts !== null && s.nRestarts > first.nRestarts) {
          throw new Error(`${unit} restarted by itself (NRestarts ${first.nRestarts} -> ${s.nRestarts})`);
        }
        if (previousInvocation !== undefined && s.invocationId === previousInvocation) {
          throw new Error(`${unit} was not restarted (same invocation)`);
        }
        if (this.deps.clock.now() >= deadline) return;
        await this.deps.sleep(Math.min(healthPollMs, Math.max(1, deadline - this.deps.clock.now())));
      }
    });
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

  private async verify(unit: string, expected: string, journal: TaskJournal): Promise<{ imageId: string }> {
    return this.timed(journal, 'verify', unit, `${unit} runs ${expected}`, async () => {
      const c = await this.runningContainer(unit);
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

  private async rollback(u: UnitPlan, journal: TaskJournal): Promise<boolean> {
    if (!u.imageId || !u.image) {
      journal.log('error', 'rollback', 'no previous image recorded: cannot roll back', { unit: u.unit });
      return false;
    }
    try {
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
      // A rollback is never interrupted: it is what leaves the unit consistent.
      await this.restartAndGate(u.unit, journal, NEVER_STOP);
      const c = await this.containerOf(u.unit);
      if (c?.imageId !== u.imageId)
        throw new Error(`after rollback ${u.unit} runs ${c?.imageId ?? 'nothing'}`);
      journal.log('warn', 'rollback', `${u.unit} is back on its previous image`, { unit: u.unit });
      return true;
    } catch (e) {
      journal.log('error', 'rollback', `rollback of ${u.unit} failed: ${errorMessage(e)}`, { unit: u.unit });
      return false;
    }
  }

  private async updateUnit(
    u: UnitPlan,
    pulledId: string,
    journal: TaskJournal,
    control: TaskControl,
  ): Promise<UnitOutcome> {
    const target = u.targetDigest as string;
    journal.unit(u.unit, { status: 'running', startedAt: this.deps.clock.now() });
    try {
      // A resumed task whose unit already restarted onto the target only finishes the checks.
      if (u.action === 'verify') await this.healthGate(u.unit, journal, control);
      else {
        // The tag may point back at the old image: a rollback of an earlier unit of this image re-tags it.
        await this.deps.runtime.tag(pulledId, u.image as string);
        await this.restartAndGate(u.unit, journal, control);
      }
      const now = await this.verify(u.unit, target, journal);
      journal.unit(u.unit, {
        status: 'succeeded',
        digestAfter: target,
        imageIdAfter: now.imageId,
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
      const back = await this.rollback(u, journal);
      const status: UnitOutcome = forced ? (back ? 'cancelled' : 'failed') : back ? 'rolled-back' : 'failed';
      journal.unit(u.unit, {
        status,
        reason: forced && back ? `${reason}; rolled back to its previous image` : reason,
        ...(back ? { digestAfter: u.currentDigests[0] ?? null, imageIdAfter: u.imageId } : {}),
        finishedAt: this.deps.clock.now(),
      });
      return status;
    }
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

  async execute(plan: Plan, journal: TaskJournal, control: TaskControl): Promise<RunResult> {
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

    const outcomes = new Map<string, UnitOutcome>();
    const pulled = new Map<string, string>();
    for (const image of new Set(todo.map((u) => u.image as string))) {
      try {
        pulled.set(image, await this.pull(image, journal, control));
      } catch (e) {
        if (e instanceof ForceStopped) break;
        for (const u of todo.filter((t) => t.image === image)) {
          outcomes.set(u.unit, 'failed');
          journal.unit(u.unit, {
            status: 'failed',
            reason: `pull failed: ${errorMessage(e)}`,
            finishedAt: this.deps.clock.now(),
          });
        }
      }
    }
    for (const u of todo) {
      if (outcomes.has(u.unit)) continue;
      const pulledId = pulled.get(u.image as string);
      if (control.stopRequested() || control.forceRequested?.() || pulledId === undefined) {
        outcomes.set(u.unit, 'cancelled');
        journal.unit(u.unit, {
          status: 'cancelled',
          reason: 'task stopped before this unit',
          finishedAt: this.deps.clock.now(),
        });
        continue;
      }
      const pulledDigests = await localImageDigests(this.deps.runtime, pulledId, u.image).catch(
        (): string[] => [],
      );
      if (u.targetDigest && pulledDigests.length > 0 && !pulledDigests.includes(u.targetDigest)) {
        journal.log(
          'warn',
          'pull',
          `${u.image} moved after the check; updating to the pulled ${pulledDigests[0] ?? ''}`,
          { unit: u.unit },
        );
        u.targetDigest = pulledDigests[0] ?? u.targetDigest;
      }
      outcomes.set(u.unit, await this.updateUnit(u, pulledId, journal, control));
    }

    const keep = new Set([
      ...todo.map((u) => u.imageId).filter((x): x is string => x !== null),
      ...pulled.values(),
    ]);
    return {
      ...summarise(outcomes, failedToPlan.length),
      cleanup: () => this.prune([...pulled.keys()], keep, journal),
    };
  }
}

function summarise(outcomes: Map<string, UnitOutcome>, unplanned: number): RunResult {
  const count = (o: UnitOutcome) => [...outcomes.values()].filter((v) => v === o).length;
  const parts: string[] = (['succeeded', 'rolled-back', 'failed', 'cancelled'] as const)
    .filter((o) => count(o) > 0)
    .map((o) => `${count(o)} ${o}`);
  if (unplanned > 0) parts.push(`${unplanned} not planned`);
  const summary = parts.join(', ');
  if (count('failed') > 0 || unplanned > 0) return { status: 'failed', summary };
  if (count('rolled-back') > 0) return { status: 'rolled-back', summary };
  if (count('cancelled') > 0) return { status: 'cancelled', summary };
  return { status: 'succeeded', summary };
}
