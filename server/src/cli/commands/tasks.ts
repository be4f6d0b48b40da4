/** podup tasks [--status s] [--trigger t] [--unit u], podup tasks show <id>, podup tasks stop|force-stop|retry <id>. */
import type { Config } from '../../config.js';
import type { ApiTaskDetail } from '../../contract/api.js';
import { withBackend } from '../backend.js';
import { logLine, shortDigest, shortTime } from '../format.js';
import { printJson, printTable, truncate } from '../output.js';

export interface TasksOptions {
  status?: string;
  trigger?: string;
  unit?: string;
  limit?: string;
  json?: boolean;
}

export async function tasksCommand(config: Config, opts: TasksOptions): Promise<number> {
  const query: Record<string, string> = { limit: opts.limit ?? '20' };
  if (opts.status) query.status = opts.status;
  if (opts.trigger) query.trigger = opts.trigger;
  if (opts.unit) query.unit = opts.unit;
  const { tasks } = await withBackend(config, { readOnly: true }, (b) => b.tasks(query));
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
  if (t.source?.commit) process.stdout.write(`  commit ${t.source.commitUrl ?? t.source.commit}\n`);
  if (t.source?.page) process.stdout.write(`  from ${t.source.page}\n`);
  if (t.unitResults.length) {
    process.stdout.write('\n');
    printTable(
      ['#', 'UNIT', 'RESULT', 'BEFORE', 'AFTER', 'REASON'],
      t.unitResults.map((u) => [
        u.position === null ? '' : String(u.position),
        u.unit,
        u.role ? `${u.status} (${u.role})` : u.status,
        shortDigest(u.digestBefore),
        shortDigest(u.digestAfter),
        truncate(u.reason ?? '', 70),
      ]),
    );
    for (const u of t.unitResults) {
      if (u.health) process.stdout.write(`  ${u.unit} health: ${u.health}\n`);
      for (const d of u.dependents)
        process.stdout.write(
          `  ${u.unit} dependent ${d.unit}: ${d.result}${d.detail ? ` (${d.detail})` : ''}\n`,
        );
    }
  }
  if (t.log.length) {
    process.stdout.write('\n');
    for (const l of t.log) process.stdout.write(`${logLine(l)}\n`);
  }
}

export async function taskShowCommand(config: Config, id: string, opts: { json?: boolean }): Promise<number> {
  const detail = await withBackend(config, { readOnly: true }, (b) => b.task(id));
  if (opts.json) printJson(detail);
  else printTaskDetail(detail);
  return 0;
}

export async function taskActionCommand(
  config: Config,
  action: 'stop' | 'force-stop' | 'retry',
  id: string,
  opts: { json?: boolean },
): Promise<number> {
  const reply = await withBackend(config, {}, (b) =>
    action === 'retry' ? b.retry(id) : b.stop(id, action === 'force-stop' ? 'force' : 'stop'),
  );
  if (opts.json) printJson(reply);
  else process.stdout.write(`${reply.message}\n`);
  return 0;
}
