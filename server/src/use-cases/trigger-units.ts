/**
 * Trigger an update of named units or of all units, from any caller: queued as one task (with its event-log
 * row in the same unit of work), or answered with the plan only (dry run). The task meets the policy decision
 * when the runner plans it, like every other task (domain/tasks/policy-gate.ts); `force` is the one override,
 * recorded on the task, in its log and in the event log.
 * Used by: POST /api/tasks, POST /api/units/:unit/update, podup trigger, podup trigger-all, the scheduler
 */
import { allows, assertMayTouch, mayTouch, touchesEveryUnit, type Grant } from '../domain/auth/grant.js';
import type { Clock, IdSource, Stores, TaskQueue, UnitOfWork } from '../domain/ports/index.js';
import { AppError } from '../errors.js';
import type { Plan } from '../domain/tasks/plan.js';
import type { TaskRecord, TaskTrigger } from '../domain/tasks/task.js';
import { newTriggerTask, triggerUnits } from '../domain/tasks/trigger.js';
import { remember, replay, type IdempotencyKey, type Replayed } from './idempotency.js';
import { decidedRow, recorded, type AuditFields, type Origin } from './origin.js';
import type { UnitsService } from './units.js';

export interface TriggerInput {
  units?: readonly string[] | undefined;
  all?: boolean | undefined;
  dryRun?: boolean | undefined;
  /** The caller's own note of who asks (a bot's name), kept as given; who acts is origin.actor. */
  caller?: string | undefined;
  reason?: string | undefined;
  trigger: TaskTrigger;
  /** Admin only: bypass the update policy for this task. */
  force?: boolean | undefined;
  /** Idempotency-Key: a retry answers the first result and queues nothing (dry runs ignore it). */
  idempotency?: IdempotencyKey | undefined;
}

export type TriggerResult =
  { status: 'dry-run'; plan: Plan } | { status: 'queued'; task: TaskRecord; units: string[] };

export class TriggerService {
  constructor(
    private readonly deps: {
      units: UnitsService;
      stores: Pick<Stores, 'idempotency'>;
      writes: UnitOfWork;
      queue: TaskQueue;
      clock: Clock;
      ids: IdSource;
    },
  ) {}

  async trigger(input: TriggerInput, origin: Origin): Promise<Replayed<TriggerResult>> {
    const idem = input.dryRun ? undefined : input.idempotency;
    // Before discovery: a retry is answered even while what it first needed is down.
    const early = this.replayed(idem, origin);
    if (early) return early;
    // Before anything is looked up: a restricted token learns nothing about units outside its patterns.
    if (!input.all) assertMayTouch(origin.grant, input.units ?? [], 'trigger');
    // Overriding the operator's policies is the operator's: a trigger-scoped bot cannot force past approve/off.
    if (input.force && origin.grant && !allows(origin.grant, 'admin'))
      throw new AppError(
        'FORBIDDEN',
        `token ${origin.grant.name} may not force past update policies (admin scope)`,
      );
    const known = await this.deps.units.known();
    const request = { ...input, actor: origin.actor };
    const units = triggerUnits(request, known);
    if (input.all) units.splice(0, units.length, ...ownUnits(units, origin.grant));
    if (input.dryRun) return { status: 'dry-run', plan: await this.deps.units.plan({ units }, known) };
    const task = newTriggerTask(request, units, this.deps);
    const decided = {
      taskId: task.id,
      outcome: 'accepted',
      ...(task.force ? { reason: `forced by ${origin.actor}: update policies overridden` } : {}),
    } as const;
    const result: TriggerResult = { status: 'queued', task, units };
    // A retry that raced the first into the same commit is answered here.
    const outcome = await this.deps.writes.run((s) => {
      const now = this.deps.clock.now();
      const first = replay<TriggerResult>(s, origin.actor, idem, now);
      if (first) return { first, decided: this.replayRow(s, origin, first, now) };
      s.tasks.create(task);
      if (task.force)
        s.journals.log(
          task.id,
          'warn',
          'task',
          `--force by ${origin.actor}: update policies do not apply to this task`,
        );
      remember(s, origin.actor, idem, result, now);
      if (origin.request) s.events.insert(decidedRow(origin.request, decided, 202, now));
      return { first: undefined, decided };
    });
    recorded(origin.request, outcome.decided);
    if (outcome.first) return outcome.first;
    this.deps.queue.poke();
    return result;
  }

  /** The first answer to this key, recorded as a replay; undefined when it is new. */
  private replayed(
    idem: IdempotencyKey | undefined,
    origin: Origin,
  ): Promise<Replayed<TriggerResult>> | undefined {
    if (!idem) return undefined;
    const now = this.deps.clock.now();
    const first = replay<TriggerResult>(this.deps.stores, origin.actor, idem, now);
    if (!first) return undefined;
    return this.deps.writes
      .run((s) => this.replayRow(s, origin, first, now))
      .then((decided) => {
        recorded(origin.request, decided);
        return first;
      });
  }

  private replayRow(s: Stores, origin: Origin, first: TriggerResult, now: number): AuditFields {
    const decided: AuditFields = {
      taskId: first.status === 'queued' ? first.task.id : undefined,
      outcome: 'duplicate',
      reason: 'Idempotency-Key: the first answer, nothing new queued',
    };
    if (origin.request) s.events.insert(decidedRow(origin.request, decided, 202, now));
    return decided;
  }
}

/** "All units" for a restricted token: those of all that match its patterns (none: FORBIDDEN). */
function ownUnits(units: string[], grant: Grant | undefined): string[] {
  if (!grant || touchesEveryUnit(grant)) return units;
  const mine = units.filter((u) => mayTouch(grant, u));
  if (mine.length === 0)
    throw new AppError(
      'FORBIDDEN',
      `token ${grant.name} may trigger none of the units podup manages (its units: ${grant.units.join(', ')})`,
    );
  return mine;
}
