/**
 * Stop, force-stop or retry a task: the decision, the task's log line naming who asked, and the event-log row
 * commit together.
 * Used by: POST /api/tasks/:id/stop | /force-stop | /retry, podup tasks stop|retry
 */
import { retryTask, stopTask } from '../domain/tasks/control.js';
import type { Clock, IdSource, TaskQueue, UnitOfWork } from '../domain/ports/index.js';
import type { TaskRecord } from '../domain/tasks/task.js';
import { eventRow, type Origin } from './origin.js';

export interface ControlResult {
  task: TaskRecord;
  message: string;
}

export interface RetryResult extends ControlResult {
  /** The new task. */
  retry: TaskRecord;
}

export class TaskControlService {
  constructor(private readonly deps: { writes: UnitOfWork; queue: TaskQueue; clock: Clock; ids: IdSource }) {}

  /** stop: the current unit finishes, the rest are skipped. force: now; an unverified unit is rolled back. */
  async stop(id: string, kind: 'stop' | 'force', origin: Origin): Promise<ControlResult> {
    const result = await this.deps.writes.run((s) => {
      const r = stopTask(s.tasks, id, kind, this.deps.clock);
      s.journals.log(
        r.task.id,
        'warn',
        'task',
        `${kind === 'force' ? 'force-stop' : 'stop'} requested by ${origin.actor}: ${r.message}`,
      );
      this.record(s, origin, r.task.id, 200);
      return r;
    });
    this.recorded(origin);
    return result;
  }

  async retry(id: string, origin: Origin): Promise<RetryResult> {
    const result = await this.deps.writes.run((s) => {
      const r = retryTask(s.tasks, id, origin.actor, this.deps);
      s.journals.log(r.task.id, 'info', 'task', `retried as ${r.retry.id} by ${origin.actor}`);
      s.journals.log(r.retry.id, 'info', 'task', `retry of ${r.task.id}, queued by ${origin.actor}`);
      this.record(s, origin, r.retry.id, 202, 'accepted');
      return r;
    });
    this.recorded(origin);
    this.deps.queue.poke();
    return result;
  }

  private record(
    s: Parameters<Parameters<UnitOfWork['run']>[0]>[0],
    origin: Origin,
    taskId: string,
    status: number,
    outcome?: 'accepted',
  ): void {
    const trace = origin.request;
    if (!trace) return;
    trace.fields.taskId = taskId;
    if (outcome) trace.fields.outcome = outcome;
    s.events.insert(eventRow(trace, status, this.deps.clock.now()));
  }

  private recorded(origin: Origin): void {
    if (origin.request) origin.request.recorded = true;
  }
}
