/**
 * The value lists the API speaks (task statuses, event outcomes), without zod: the web app imports this at
 * runtime (its bundle stays free of the schemas), the contract builds its enums from it.
 */
export { OUTCOMES, type Outcome } from '../domain/events/event.js';
export { TASK_STATUSES, type TaskStatus } from '../domain/tasks/task.js';
