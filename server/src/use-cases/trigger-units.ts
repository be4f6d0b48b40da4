/**
 * Trigger an update of named units or of all units, from any caller: queued as one task (with its event-log
 * row in the same unit of work), or answered with the plan only (dry run).
 * Used by: POST /api/tasks, POST /api/units/:unit/update, podup trigger, podup trigger-all
 */
import { assertMayTouch, mayTouch, touchesEveryUnit, type Grant } from '../domain/auth/grant.js';
import type { Clock, IdSource, TaskQueue, UnitOfWork } from '../domain/ports/index.js';
import { AppError } from '../errors.js';
import type { Plan } from '../domain/tasks/plan.js';
import type { TaskRecord, TaskTrigger } from '../domain/tasks/task.js';
import { newTriggerTask, triggerUnits } from '../domain/tasks/trigger.js';
import { decidedRow, recorded, type Origin } from './origin.js';
import type { UnitsService } from './units.js';

export interface TriggerInput {
  units?: readonly string[] | undefined;
  all?: boolean | undefined;
  dryRun?: boolean | undefined;
  /** The caller's own note of who asks (a bot's name), kept as given; who acts is origin.actor. */
  caller?: string | undefined;
  reason?: string | undefined;
  trigger: TaskTrigger;
}

export type TriggerResult =
  { status: 'dry-run'; plan: Plan } | { status: 'queued'; task: TaskRecord; units: string[] };

export class TriggerService {
  constructor(
    private readonly deps: {
      units: UnitsService;
      writes: UnitOfWork;
      queue: TaskQueue;
      clock: Clock;
      ids: IdSource;
    },
  ) {}

  async trigger(input: TriggerInput, origin: Origin): Promise<TriggerResult> {
    // Before anything is looked up: a restricted token learns nothing about units outside its patterns.
    if (!input.all) assertMayTouch(origin.grant, input.units ?? [], 'trigger');
    const known = await this.deps.units.known();
    const request = { ...input, actor: origin.actor };
    const units = triggerUnits(request, known);
    if (input.all) units.splice(0, units.length, ...ownUnits(units, origin.grant));
    if (input.dryRun) return { status: 'dry-run', plan: await this.deps.units.plan({ units }, known) };
    const task = newTriggerTask(request, units, this.deps);
    const decided = { taskId: task.id, outcome: 'accepted' } as const;
    await this.deps.writes.run((s) => {
      s.tasks.create(task);
      if (origin.request) s.events.insert(decidedRow(origin.request, decided, 202, this.deps.clock.now()));
    });
    recorded(origin.request, decided);
    this.deps.queue.poke();
    return { status: 'queued', task, units };
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
