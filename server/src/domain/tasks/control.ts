/**
 * The rules of stop, force-stop and retry, for every kind of task (run inside the caller's unit of work).
 * Used by: use-cases/control-task.ts
 */
import { AppError } from '../../errors.js';
import type { Clock, IdSource, TaskStore } from '../ports/index.js';
import { isFinished, isWaiting, queuedTask, type TaskRecord } from './task.js';

export type ControlStores = Pick<
  TaskStore,
  'get' | 'cancelQueued' | 'cancelWaiting' | 'requestStop' | 'create'
>;

export function findTask(tasks: ControlStores, id: string): TaskRecord {
  const task = tasks.get(id);
  if (!task) throw new AppError('NOT_FOUND', `no task ${id.slice(0, 64)}`);
  return task;
}

/** stop: the current unit finishes, the rest are skipped. force: now; a restarted, unverified unit is rolled back. */
export function stopTask(
  tasks: ControlStores,
  id: string,
  kind: 'stop' | 'force',
  clock: Clock,
): { task: TaskRecord; message: string } {
  const task = findTask(tasks, id);
  if (isFinished(task.status)) {
    throw new AppError('CONFLICT', `task ${id} already ended (${task.status})`);
  }
  const now = clock.now();
  if (isWaiting(task.status) && tasks.cancelWaiting(id, `stopped while ${task.status}`, now)) {
    return { task: findTask(tasks, id), message: `cancelled while ${task.status}` };
  }
  if (
    task.status === 'queued' &&
    tasks.cancelQueued(
      id,
      kind === 'force' ? 'force-stopped before it started' : 'stopped before it started',
      now,
    )
  ) {
    return { task: findTask(tasks, id), message: 'cancelled before it started' };
  }
  tasks.requestStop(id, kind, now);
  return {
    task: findTask(tasks, id),
    message:
      kind === 'force'
        ? 'stopping now: a unit restarted but not yet verified is rolled back to its previous image'
        : 'stopping after the current unit; the remaining units are skipped',
  };
}

/** A new task with the same target (image or units), linked to the original. */
export function retryTask(
  tasks: ControlStores,
  id: string,
  who: string | null,
  deps: { clock: Clock; ids: IdSource },
): { task: TaskRecord; retry: TaskRecord; message: string } {
  const task = findTask(tasks, id);
  if (!isFinished(task.status)) {
    throw new AppError('CONFLICT', `task ${id} is still ${task.status}; stop it first or wait for it to end`);
  }
  const now = deps.clock.now();
  const retry = queuedTask({
    id: deps.ids.taskId(),
    kind: task.kind,
    status: 'queued',
    image: task.image,
    units: task.units,
    trigger: 'retry',
    delivery: null,
    actor: who,
    caller: null,
    reason: `retry of ${task.id}`,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    notBefore: null,
    retryOf: task.id,
    // It pulls the same tag again: the push the first run came from is the best word on what it brings.
    source: task.source,
  });
  tasks.create(retry);
  return { task, retry, message: `queued ${retry.id} as a retry of ${task.id}` };
}
