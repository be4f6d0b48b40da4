/**
 * The closed sets the API speaks, without zod: the web app imports this at runtime (its bundle stays free of
 * the schemas), the contract builds its enums from it, the CLI offers them as choices.
 */
export { SCOPES, type Scope } from '../domain/auth/scopes.js';
export { NOTIFY_EVENTS, type NotifyEvent } from '../domain/notifications/events.js';
export { CHANNEL_KINDS, type ChannelKind } from '../domain/notifications/channel-kinds.js';
export { DELIVERY_STATUSES, type DeliveryStatus } from '../domain/ports/notify.js';
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
  ROLLOUT_ROLES,
  DEPENDENT_RESULTS,
  type LogLevel,
  type Step,
  type TaskKind,
  type TaskStatus,
  type TaskTrigger,
  type UnitResultStatus,
  TASKS_TOTAL_UP_TO,
} from '../domain/tasks/task.js';
export { UPDATE_POLICIES, POLICY_SOURCES, type UpdatePolicy } from '../domain/policies/unit-policy.js';
export { SCHEDULE_ACTIONS, type ScheduleAction } from '../domain/schedules/actions.js';
export { CHECK_STATUSES, type CheckStatus } from '../domain/ports/stores.js';
export { journalErrorLine } from '../domain/tasks/journal-line.js';
export { isDelivery, isWebhookRoute } from './traffic.js';
