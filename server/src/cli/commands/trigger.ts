/**
 * podup trigger <unit>... / podup trigger-all: update units now, through the running server's API when it
 * runs (one writer) and in-process otherwise; progress is printed as the task runs. --dry-run prints the plan.
 */
import type { Config } from '../../config.js';
import type { ApiPlan, ApiTaskDetail } from '../../contract/api.js';
import { isFinished, isWaiting } from '../../contract/vocabulary.js';
import { withBackend, type Backend } from '../backend.js';
import { logLine, shortDigest } from '../format.js';
import { printJson, printTable, truncate } from '../output.js';
import { printTaskDetail } from './tasks.js';

export interface TriggerOptions {
  all?: boolean;
  dryRun?: boolean;
  caller?: string;
  reason?: string;
  json?: boolean;
  wait?: boolean;
  force?: boolean;
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
async function follow(backend: Backend, taskId: string, quiet: boolean): Promise<ApiTaskDetail> {
  let after = 0;
  for (;;) {
    const t = await backend.task(taskId, after);
    for (const l of t.log) {
      if (!quiet) process.stdout.write(`${logLine(l)}\n`);
      after = Math.max(after, l.id);
    }
    if (isFinished(t.status) || isWaiting(t.status)) return t;
    await sleep(300);
  }
}

function finish(t: ApiTaskDetail, opts: TriggerOptions, printedLog: boolean): number {
  if (opts.json) printJson(t);
  else if (!printedLog) printTaskDetail(t);
  else process.stdout.write(`task ${t.id} ${t.status}${t.summary ? `: ${t.summary}` : ''}\n`);
  // Held by its policy (awaiting approval, deferred) is what was asked for, not a failure.
  return t.status === 'succeeded' || t.status === 'skipped' || isWaiting(t.status) ? 0 : 1;
}

export async function triggerCommand(config: Config, units: string[], opts: TriggerOptions): Promise<number> {
  return withBackend(config, {}, async (backend) => {
    const reply = await backend.trigger({
      units: opts.all ? undefined : units,
      all: opts.all,
      dryRun: opts.dryRun ?? false,
      caller: opts.caller ?? `cli:${process.env.USER ?? 'unknown'}`,
      reason: opts.reason,
      ...(opts.force ? { force: true } : {}),
    });
    if (reply.status === 'dry-run') {
      if (opts.json) printJson(reply.plan);
      else printPlan(reply.plan);
      return 0;
    }
    if (!opts.json)
      process.stdout.write(`queued task ${reply.taskId} for ${reply.units.join(', ')} (${backend.via})\n`);
    // Through a server the task runs there; in-process it runs in this process whether we watch or not.
    if (opts.wait === false && backend.kind === 'server') return 0;
    const t = await follow(backend, reply.taskId, opts.json ?? false);
    return finish(t, opts, !opts.json);
  });
}
