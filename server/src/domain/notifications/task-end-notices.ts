/**
 * The notifications a task's end causes, written by the runner inside the transaction that records the end:
 * the task row and its outbox rows commit together, so a crash can lose neither one alone. Pure.
 */
import type { TaskJournalStore, TaskStore } from '../ports/index.js';
import type { TaskStatus } from '../tasks/task.js';
import { taskEndedMessage, type PanelLinks } from './message.js';
import type { NotificationRouting, RoutingStores } from './routing.js';

export type TaskEndStores = RoutingStores & {
  tasks: Pick<TaskStore, 'get'>;
  journals: Pick<TaskJournalStore, 'units'>;
};

export class TaskEndNotices {
  constructor(
    private readonly routing: NotificationRouting,
    private readonly links: PanelLinks,
    private readonly queue: { poke(): void },
  ) {}

  /** Inside the transaction that ends the task; true when something was queued. */
  record(stores: TaskEndStores, taskId: string, status: TaskStatus, summary: string, at: number): boolean {
    const task = stores.tasks.get(taskId);
    if (!task) return false;
    const message = taskEndedMessage(task, status, summary, stores.journals.units(taskId), at, this.links);
    return message !== undefined && this.routing.enqueue(stores, message, at);
  }

  /** After the commit: deliver now rather than at the next poll. */
  poke(): void {
    this.queue.poke();
  }
}
