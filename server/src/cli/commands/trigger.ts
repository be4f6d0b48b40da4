/**
 * podup trigger <unit>... / podup trigger-all: update units now, through the running server's API when it
 * runs (one writer) and in-process otherwise; progress is printed as the task runs. --dry-run prints the plan.
 */
import { randomBytes } from 'node:crypto';
import type { Config } from '../../config.js';
import { planUpdate } from '../../domain/tasks/plan.js';
import { formatTaskId, TERMINAL_STATUSES, type TaskStatus } from '../../domain/tasks/task.js';
import { newTriggerTask, triggerUnits } from '../../domain/tasks/trigger.js';
import type { ApiPlan, ApiTaskDetail, ApiTaskLog, TriggerReply } from '../../http/contract.js';
import { toApiPlan, toApiTaskDetail } from '../../http/views.js';
import { logLine, shortDigest } from '../format.js';
import { withRuntime } from '../in-process.js';
import { printJson, printTable, truncate } from '../output.js';
import { connectToServer } from '../server-client.js';
import { printTaskDetail } from './tasks.js';

export interface TriggerOptions {
  all?: boolean;
  dryRun?: boolean;
  caller?: string;
  reason?: string;
  json?: boolean;
  wait?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function printPlan(plan: ApiPlan): void {
  printTable(
    ['UNIT', 'ACTION', 'CURRENT', 'TARGET', 'REASON'],
    plan.units.map((u) => [
      u.unit,
      u.action,
      shortDigest(u.currentDigests[0]),
      shortDigest(u.targetDigest),
      truncate(u.reason ?? '', 70),
    ]),
  );
}

/** Polls a task until it ends, printing log lines as they come. */
async function follow(
  read: (afterId: number) => Promise<ApiTaskDetail>,
  quiet: boolean,
): Promise<ApiTaskDetail> {
  let after = 0;
  for (;;) {
    const t = await read(after);
    const lines: ApiTaskLog[] = t.log;
    for (const l of lines) {
      if (!quiet) process.stdout.write(`${logLine(l)}\n`);
      after = Math.max(after, l.id);
    }
    if (TERMINAL_STATUSES.has(t.status as TaskStatus) || t.status === 'interrupted') return t;
    await sleep(300);
  }
}

function finish(t: ApiTaskDetail, opts: TriggerOptions, printedLog: boolean): number {
  if (opts.json) printJson(t);
  else if (!printedLog) printTaskDetail(t);
  else process.stdout.write(`task ${t.id} ${t.status}${t.summary ? `: ${t.summary}` : ''}\n`);
  return t.status === 'succeeded' || t.status === 'skipped' ? 0 : 1;
}

export async function triggerCommand(config: Config, units: string[], opts: TriggerOptions): Promise<number> {
  const request = {
    units,
    all: opts.all,
    caller: opts.caller ?? `cli:${process.env.USER ?? 'unknown'}`,
    reason: opts.reason,
  };
  const wait = opts.wait !== false;
  const server = await connectToServer(config);

  if (server) {
    const reply = await server.post<TriggerReply>('/api/tasks', { ...request, dryRun: opts.dryRun ?? false });
    if (reply.status === 'dry-run') {
      if (opts.json) printJson(reply.plan);
      else printPlan(reply.plan);
      return 0;
    }
    if (!opts.json)
      process.stdout.write(
        `queued task ${reply.taskId} for ${reply.units.join(', ')} (via the running server)\n`,
      );
    if (!wait) return 0;
    const t = await follow(
      (after) => server.get<ApiTaskDetail>(`/api/tasks/${reply.taskId}?after=${after}`),
      opts.json ?? false,
    );
    return finish(t, opts, !opts.json);
  }

  return withRuntime(config, async (rt) => {
    const known = await rt.discover();
    const names = triggerUnits({ ...request, trigger: 'cli' }, known);
    if (opts.dryRun) {
      const plan = toApiPlan(
        await planUpdate({ units: names }, known, { registry: rt.registry, runtime: rt.podman }),
      );
      if (opts.json) printJson(plan);
      else printPlan(plan);
      return 0;
    }
    const task = newTriggerTask({ ...request, trigger: 'cli' }, names, {
      clock: rt.clock,
      ids: { taskId: () => formatTaskId(randomBytes(16)) },
    });
    rt.stores.tasks.create(task);
    if (!opts.json)
      process.stdout.write(
        `task ${task.id} for ${names.join(', ')} (in-process: no server answers on ${config.httpAddr.host}:${config.httpAddr.port})\n`,
      );
    const running = rt.runner.runNow(task.id);
    const read = async (after: number): Promise<ApiTaskDetail> => {
      const t = rt.stores.tasks.get(task.id);
      if (!t) throw new Error(`task ${task.id} vanished`);
      return toApiTaskDetail(t, rt.stores.journals.units(task.id), rt.stores.journals.logs(task.id, after));
    };
    await follow(read, opts.json ?? false);
    await running;
    return finish(await read(0), opts, !opts.json);
  });
}
