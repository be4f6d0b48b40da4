/**
 * Stop, force-stop or retry a task: the decision, the task's log line naming who asked, and the event-log row
 * commit together.
 * Used by: POST /api/tasks/:id/stop | /force-stop | /retry | /approve | /reject, podup tasks stop|retry,
 * podup approve | reject
 */
import { assertMayTouch, touchesEveryUnit, type Grant } from '../domain/auth/grant.js';
import { findTask, retryTask, stopTask } from '../domain/tasks/control.js';
import type { Clock, IdSource, Stores, TaskQueue, UnitOfWork } from '../domain/ports/index.js';
import { AppError } from '../errors.js';
import type { TaskRecord } from '../domain/tasks/task.js';
import { remember, replay, type IdempotencyKey, type Replayed } from './idempotency.js';
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
  constructor(
    private readonly deps: {
      stores: Pick<Stores, 'idempotency'>;
      writes: UnitOfWork;
      queue: TaskQueue;
      clock: Clock;
      ids: IdSource;
    },
  ) {}

  /** stop: the current unit finishes, the rest are skipped. force: now; an unverified unit is rolled back. */
  async stop(id: string, kind: 'stop' | 'force', origin: Origin): Promise<ControlResult> {
    const result = await this.deps.writes.run((s) => {
      assertMayControl(s, id, origin.grant, kind === 'force' ? 'force-stop' : 'stop');
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

  /** With an Idempotency-Key, a repeated retry answers the first one's result and queues nothing new. */
  async retry(id: string, origin: Origin, idem?: IdempotencyKey): Promise<Replayed<RetryResult>> {
    const result = await this.deps.writes.run((s) => {
      const now = this.deps.clock.now();
      const first = replay<RetryResult>(s, origin.actor, idem, now);
      if (first) {
        const decided: AuditFields = {
          taskId: first.retry.id,
          outcome: 'duplicate',
          reason: 'Idempotency-Key: the first answer, nothing new queued',
        };
        return { first, decided: this.record(s, origin, decided, 202) };
      }
      assertMayControl(s, id, origin.grant, 'retry');
      const r = retryTask(s.tasks, id, origin.actor, this.deps);
      s.journals.log(r.task.id, 'info', 'task', `retried as ${r.retry.id} by ${origin.actor}`);
      s.journals.log(r.retry.id, 'info', 'task', `retry of ${r.task.id}, queued by ${origin.actor}`);
      const answer: RetryResult = { task: r.task, retry: r.retry, message: r.message };
      remember(s, origin.actor, idem, answer, now);
      return {
        first: undefined,
        answer,
        decided: this.record(s, origin, { taskId: r.retry.id, outcome: 'accepted' }, 202),
      };
    });
    recorded(origin.request, result.decided);
    if (result.first) return result.first;
    this.deps.queue.poke();
    return result.answer;
  }

  /** An awaiting-approval task runs now (still inside its maintenance window, for its approved digest only). */
  async approve(id: string, origin: Origin): Promise<ControlResult> {
    const result = await this.deps.writes.run((s) => {
      const now = this.deps.clock.now();
      const before = findTask(s.tasks, id);
      assertMayControl(s, id, origin.grant, 'approve');
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
      assertMayControl(s, id, origin.grant, 'reject');
      if (!s.tasks.cancelWaiting(id, `rejected by ${origin.actor}`, now))
        throw new AppError('CONFLICT', `task ${id} does not wait for a decision (${before.status})`);
      s.journals.log(id, 'info', 'task', `rejected by ${origin.actor}`);
      return { task: findTask(s.tasks, id), decided: this.record(s, origin, { taskId: id }, 200) };
    });
    recorded(origin.request, result.decided);
    return { task: result.task, message: `rejected: ${id} will not run` };
  }

  private record(s: Stores, origin: Origin, decided: AuditFields, status: number): AuditFields {
    if (origin.request) s.events.insert(decidedRow(origin.request, decided, status, this.deps.clock.now()));
    return decided;
  }
}

/** A restricted token controls only tasks whose units (named, or touched so far) all match its patterns. */
function assertMayControl(s: Stores, id: string, grant: Grant | undefined, what: string): void {
  if (!grant || touchesEveryUnit(grant)) return;
  const task = findTask(s.tasks, id);
  const units = task.units ?? s.journals.units(id).map((u) => u.unit);
  if (units.length === 0)
    throw new AppError(
      'FORBIDDEN',
      `token ${grant.name} may not ${what} task ${id}: its units are not known until it runs`,
    );
  assertMayTouch(grant, units, `${what} a task of`);
}
