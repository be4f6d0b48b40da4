/**
 * Stop, force-stop or retry a task: the decision, the task's log line naming who asked, and the event-log row
 * commit together.
 * Used by: POST /api/tasks/:id/stop | /force-stop | /retry | /approve | /reject, podup tasks stop|retry,
 * podup approve | reject
 */
import { findTask, retryTask, stopTask } from '../domain/tasks/control.js';
import { AppError } from '../errors.js';
import type { Clock, IdSource, TaskQueue, UnitOfWork } from '../domain/ports/index.js';
import type { TaskRecord } from '../domain/tasks/task.js';
import { decidedRow, recorded, type AuditFields, type Origin } from './origin.js';

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
      return { ...r, decided: this.record(s, origin, { taskId: r.task.id }, 200) };
    });
    recorded(origin.request, result.decided);
    return { task: result.task, message: result.message };
  }

  async retry(id: string, origin: Origin): Promise<RetryResult> {
    const result = await this.deps.writes.run((s) => {
      const r = retryTask(s.tasks, id, origin.actor, this.deps);
      s.journals.log(r.task.id, 'info', 'task', `retried as ${r.retry.id} by ${origin.actor}`);
      s.journals.log(r.retry.id, 'info', 'task', `retry of ${r.task.id}, queued by ${origin.actor}`);
      return { ...r, decided: this.record(s, origin, { taskId: r.retry.id, outcome: 'accepted' }, 202) };
    });
    recorded(origin.request, result.decided);
    this.deps.queue.poke();
    return { task: result.task, retry: result.retry, message: result.message };
  }

  /** An awaiting-approval task runs now (still inside its maintenance window, for its approved digest only). */
  async approve(id: string, origin: Origin): Promise<ControlResult> {
    const result = await this.deps.writes.run((s) => {
      const now = this.deps.clock.now();
      const before = findTask(s.tasks, id);
      if (!s.tasks.approve(id, origin.actor, now))
        throw new AppError('CONFLICT', `task ${id} does not await approval (${before.status})`);
      s.journals.log(id, 'info', 'task', `approved by ${origin.actor} for ${before.digest ?? 'its digest'}`);
      return {
        task: findTask(s.tasks, id),
        decided: this.record(s, origin, { taskId: id, outcome: 'accepted' }, 200),
      };
    });
    recorded(origin.request, result.decided);
    this.deps.queue.poke();
    return { task: result.task, message: `approved: ${id} runs for ${result.task.digest ?? 'its digest'}` };
  }

  /** An awaiting-approval (or deferred) task ends without touching anything. */
  async reject(id: string, origin: Origin): Promise<ControlResult> {
    const result = await this.deps.writes.run((s) => {
      const now = this.deps.clock.now();
      const before = findTask(s.tasks, id);
      if (!s.tasks.cancelWaiting(id, `rejected by ${origin.actor}`, now))
        throw new AppError('CONFLICT', `task ${id} does not wait for a decision (${before.status})`);
      s.journals.log(id, 'info', 'task', `rejected by ${origin.actor}`);
      return { task: findTask(s.tasks, id), decided: this.record(s, origin, { taskId: id }, 200) };
    });
    recorded(origin.request, result.decided);
    return { task: result.task, message: `rejected: ${id} will not run` };
  }

  private record(
    s: Parameters<Parameters<UnitOfWork['run']>[0]>[0],
    origin: Origin,
    decided: AuditFields,
    status: number,
  ): AuditFields {
    if (origin.request) s.events.insert(decidedRow(origin.request, decided, status, this.deps.clock.now()));
    return decided;
  }
}
