/** podup tasks [--status s] and podup tasks show <id>: read from the state database (safe while serving). */
import type { Config } from '../../config.js';
import { openDatabase } from '../../db/database.js';
import { createStores } from '../../db/stores.js';
import { TASK_STATUSES, type TaskStatus } from '../../domain/tasks/task.js';
import { AppError } from '../../errors.js';
import type { ApiTaskDetail } from '../../http/contract.js';
import { toApiTask, toApiTaskDetail } from '../../http/views.js';
import { logLine, shortDigest, shortTime } from '../format.js';
import { printJson, printTable, truncate } from '../output.js';

function readStores<T>(config: Config, fn: (stores: ReturnType<typeof createStores>) => T): T {
  const db = openDatabase({ stateDir: config.stateDir, dbPath: config.dbPath, readonly: true });
  try {
    return fn(createStores(db));
  } finally {
    db.close();
  }
}

export function tasksCommand(
  config: Config,
  opts: { status?: string; limit?: string; json?: boolean },
): number {
  if (opts.status && !TASK_STATUSES.includes(opts.status as TaskStatus)) {
    throw new AppError('BAD_REQUEST', `--status must be one of ${TASK_STATUSES.join(', ')}`);
  }
  const limit = Number(opts.limit ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new AppError('BAD_REQUEST', '--limit must be 1-1000');
  const tasks = readStores(config, (s) =>
    s.tasks.list({ status: opts.status as TaskStatus | undefined, limit }),
  ).map(toApiTask);
  if (opts.json) {
    printJson({ tasks });
    return 0;
  }
  printTable(
    ['TASK', 'STATUS', 'TRIGGER', 'TARGET', 'CREATED', 'SUMMARY'],
    tasks.map((t) => [
      t.id,
      t.status,
      t.trigger,
      truncate(t.image ?? t.units?.join(',') ?? '-', 50),
      shortTime(t.createdAt),
      truncate(t.summary ?? '', 60),
    ]),
  );
  return 0;
}

export function printTaskDetail(t: ApiTaskDetail): void {
  process.stdout.write(`task ${t.id}  ${t.status}${t.summary ? `: ${t.summary}` : ''}\n`);
  process.stdout.write(
    `  ${t.kind} by ${t.trigger}${t.caller ? ` (${t.caller})` : ''}${t.reason ? `: ${t.reason}` : ''}\n`,
  );
  process.stdout.write(
    `  created ${shortTime(t.createdAt)}, started ${shortTime(t.startedAt)}, finished ${shortTime(t.finishedAt)}, attempts ${t.attempts}\n`,
  );
  if (t.unitResults.length) {
    process.stdout.write('\n');
    printTable(
      ['UNIT', 'RESULT', 'BEFORE', 'AFTER', 'REASON'],
      t.unitResults.map((u) => [
        u.unit,
        u.status,
        shortDigest(u.digestBefore),
        shortDigest(u.digestAfter),
        truncate(u.reason ?? '', 70),
      ]),
    );
  }
  if (t.log.length) {
    process.stdout.write('\n');
    for (const l of t.log) process.stdout.write(`${logLine(l)}\n`);
  }
}

export function taskShowCommand(config: Config, id: string, opts: { json?: boolean }): number {
  const detail = readStores(config, (s) => {
    const task = s.tasks.get(id);
    return task && toApiTaskDetail(task, s.journals.units(id), s.journals.logs(id));
  });
  if (!detail) throw new AppError('NOT_FOUND', `no task ${id}`);
  if (opts.json) printJson(detail);
  else printTaskDetail(detail);
  return 0;
}
