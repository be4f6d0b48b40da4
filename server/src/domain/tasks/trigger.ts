/**
 * Manual triggers (API, CLI, bots): named units or all units, as a queued task or as a plan only.
 * Used by: POST /api/tasks, podup trigger, podup trigger-all
 */
import { AppError } from '../../errors.js';
import type { Clock, IdSource } from '../ports/index.js';
import type { KnownUnit } from '../units/known-unit.js';
import { selectUnits } from './plan.js';
import { queuedTask, type TaskRecord, type TaskTrigger } from './task.js';

export interface TriggerRequest {
  units?: readonly string[] | undefined;
  /** Every unit podup knows that follows a tag (pinned units are never moved). */
  all?: boolean | undefined;
  /** The acting credential (Origin.actor). */
  actor?: string | undefined;
  /** The caller's own note of who asks. */
  caller?: string | undefined;
  reason?: string | undefined;
  trigger: TaskTrigger;
  retryOf?: string | undefined;
  /** An admin overrides the update policy for this task (recorded on it). */
  force?: boolean | undefined;
}

/** The units a trigger names, checked against the allow-list (throws UNKNOWN_UNIT / BAD_REQUEST). */
export function triggerUnits(request: TriggerRequest, known: readonly KnownUnit[]): string[] {
  if (request.all) {
    const units = known.filter((u) => u.managed && u.imageKey !== null).map((u) => u.unit);
    if (units.length === 0)
      throw new AppError('UNKNOWN_UNIT', 'podup manages no unit that follows an image tag', {
        hint: 'units opt in with AutoUpdate=registry (Quadlet) or --label io.containers.autoupdate=registry, or are listed in PODUP_UNITS; see podup units',
      });
    return units;
  }
  const named = [...new Set(request.units ?? [])];
  if (named.length === 0) throw new AppError('BAD_REQUEST', 'name at least one unit, or ask for all units');
  const selected = selectUnits({ units: named }, known);
  const refused = selected.filter((u) => !u.managed);
  if (refused.length > 0) {
    throw new AppError(
      'NOT_OPTED_IN',
      `podup does not update ${refused.map((u) => `${u.unit} (${u.unmanagedReason ?? 'not managed'})`).join('; ')}`,
      { hint: 'see podup units' },
    );
  }
  return selected.map((u) => u.unit);
}

export function newTriggerTask(
  request: TriggerRequest,
  units: string[],
  deps: { clock: Clock; ids: IdSource },
): TaskRecord {
  const now = deps.clock.now();
  return queuedTask({
    id: deps.ids.taskId(),
    kind: 'unit-update',
    status: 'queued',
    image: null,
    units,
    trigger: request.trigger,
    delivery: null,
    actor: request.actor ?? null,
    caller: request.caller ?? null,
    reason: request.reason ?? null,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    notBefore: null,
    retryOf: request.retryOf ?? null,
    force: request.force ?? false,
  });
}
