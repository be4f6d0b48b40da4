/**
 * Trigger an update of named units or of all units, from any caller: queued as one task (with its event-log
 * row in the same unit of work), or answered with the plan only (dry run). The task meets the policy decision
 * when the runner plans it, like every other task (domain/tasks/policy-gate.ts); `force` is the one override,
 * recorded on the task, in its log and in the event log.
 * Used by: POST /api/tasks, POST /api/units/:unit/update, podup trigger, podup trigger-all, the scheduler
 */
import type { Clock, IdSource, TaskQueue, UnitOfWork } from '../domain/ports/index.js';
import type { Plan } from '../domain/tasks/plan.js';
import type { TaskRecord, TaskTrigger } from '../domain/tasks/task.js';
import { newTriggerTask, triggerUnits } from '../domain/tasks/trigger.js';
import { decidedRow, recorded, type Origin } from './origin.js';
import type { UnitsService } from './units.js';

export interface TriggerInput {
  units?: readonly string[] | undefined;
  all?: boolean | undefined;
  dryRun?: boolean | undefined;
  /** The caller's own note of who asks (a bot's name); the acting credential is origin.actor. */
  caller?: string | undefined;
  reason?: string | undefined;
  trigger: TaskTrigger;
  /** Admin only (every API and CLI caller is one): bypass the update policy for this task. */
  force?: boolean | undefined;
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
    const known = await this.deps.units.known();
    const request = { ...input, caller: input.caller ?? origin.actor };
    const units = triggerUnits(request, known);
    if (input.dryRun) return { status: 'dry-run', plan: await this.deps.units.plan({ units }, known) };
    const task = newTriggerTask(request, units, this.deps);
    const decided = {
      taskId: task.id,
      outcome: 'accepted',
      ...(task.force ? { reason: `forced by ${origin.actor}: update policies overridden` } : {}),
    } as const;
    await this.deps.writes.run((s) => {
      s.tasks.create(task);
      if (task.force)
        s.journals.log(
          task.id,
          'warn',
          'task',
          `--force by ${origin.actor}: update policies do not apply to this task`,
        );
      if (origin.request) s.events.insert(decidedRow(origin.request, decided, 202, this.deps.clock.now()));
    });
    recorded(origin.request, decided);
    this.deps.queue.poke();
    return { status: 'queued', task, units };
  }
}
