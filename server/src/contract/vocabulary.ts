/**
 * The closed sets the API speaks, without zod: the web app imports this at runtime (its bundle stays free of
 * the schemas), the contract builds its enums from it, the CLI offers them as choices.
 */
export { OUTCOMES, type Outcome } from '../domain/events/event.js';
export {
  isFinished,
  isWaiting,
  LOG_LEVELS,
  STEPS,
  TASK_KINDS,
  TASK_STATUSES,
  TRIGGERS,
  UNIT_RESULT_STATUSES,
  type LogLevel,
  type Step,
  type TaskKind,
  type TaskStatus,
  type TaskTrigger,
  type UnitResultStatus,
} from '../domain/tasks/task.js';
export { UPDATE_POLICIES, POLICY_SOURCES, type UpdatePolicy } from '../domain/policies/unit-policy.js';
export { SCHEDULE_ACTIONS, type ScheduleAction } from '../domain/schedules/actions.js';
export { CHECK_STATUSES, type CheckStatus } from '../domain/ports/stores.js';
