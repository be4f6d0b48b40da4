/**
 * podup schedules (list with the next run), podup schedules add --cron EXPR --action check|update|prune
 * [--units a.service,b.service] [--name NAME] [--zone ZONE] [--random-delay 5m], podup schedules edit NAME ...,
 * podup schedules rm|pause|resume|run NAME.
 */
import type { Config } from '../../config.js';
import type { ApiSchedule, ScheduleBody } from '../../contract/api.js';
import { withBackend } from '../backend.js';
import { shortTime } from '../format.js';
import { printJson, printTable, truncate } from '../output.js';

export interface ScheduleOptions {
  cron?: string;
  action?: string;
  units?: string;
  name?: string;
  zone?: string;
  randomDelay?: string;
  paused?: boolean;
  json?: boolean;
}

const units = (list: string | undefined): string[] | null | undefined =>
  list === undefined
    ? undefined
    : list === 'all'
      ? null
      : list
          .split(',')
          .map((u) => u.trim())
          .filter(Boolean);

const line = (s: ApiSchedule): string =>
  `schedule ${s.name}: ${s.action} ${s.units?.join(',') ?? 'all units'} at "${s.cron}" ${s.zone}` +
  (s.paused ? ', paused' : `, next run ${shortTime(s.nextRunAt)}`);

export async function schedulesCommand(config: Config, opts: { json?: boolean }): Promise<number> {
  const { schedules } = await withBackend(config, { readOnly: true }, (b) => b.schedules());
  if (opts.json) {
    printJson({ schedules });
    return 0;
  }
  if (schedules.length === 0) {
    process.stdout.write(
      'no schedules: add one with podup schedules add --cron "0 3 * * *" --action check\n',
    );
    return 0;
  }
  printTable(
    ['NAME', 'ACTION', 'UNITS', 'CRON', 'ZONE', 'NEXT RUN', 'LAST RUN', 'LAST RESULT'],
    schedules.map((s) => [
      s.name,
      s.action,
      truncate(s.units?.join(',') ?? 'all', 40),
      s.cron + (s.randomDelay !== '0' ? ` (+ up to ${s.randomDelay})` : ''),
      s.zone,
      s.paused ? 'paused' : s.runningSince ? 'running now' : shortTime(s.nextRunAt),
      shortTime(s.lastRunAt),
      s.lastStatus
        ? truncate(
            `${s.lastStatus}${s.lastTaskStatus ? ` (task ${s.lastTaskStatus})` : ''}: ${s.lastSummary ?? ''}`,
            70,
          )
        : '-',
    ]),
  );
  return 0;
}

export async function scheduleAddCommand(config: Config, opts: ScheduleOptions): Promise<number> {
  const body: ScheduleBody = {
    cron: opts.cron ?? '',
    action: (opts.action ?? '') as ScheduleBody['action'],
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.zone ? { zone: opts.zone } : {}),
    ...(opts.randomDelay ? { randomDelay: opts.randomDelay } : {}),
    ...(opts.paused ? { paused: true } : {}),
    ...(units(opts.units) !== undefined ? { units: units(opts.units) } : {}),
  };
  const s = await withBackend(config, {}, (b) => b.addSchedule(body));
  if (opts.json) printJson(s);
  else process.stdout.write(`${line(s)}\n`);
  return 0;
}

export async function scheduleEditCommand(
  config: Config,
  name: string,
  opts: ScheduleOptions,
): Promise<number> {
  const s = await withBackend(config, {}, (b) =>
    b.editSchedule(name, {
      ...(opts.cron ? { cron: opts.cron } : {}),
      ...(opts.action ? { action: opts.action as ScheduleBody['action'] } : {}),
      ...(opts.zone ? { zone: opts.zone } : {}),
      ...(opts.randomDelay ? { randomDelay: opts.randomDelay } : {}),
      ...(units(opts.units) !== undefined ? { units: units(opts.units) } : {}),
    }),
  );
  if (opts.json) printJson(s);
  else process.stdout.write(`${line(s)}\n`);
  return 0;
}

export async function scheduleActionCommand(
  config: Config,
  action: 'rm' | 'pause' | 'resume' | 'run',
  name: string,
  opts: { json?: boolean },
): Promise<number> {
  return withBackend(config, {}, async (b) => {
    if (action === 'rm') {
      const r = await b.removeSchedule(name);
      if (opts.json) printJson(r);
      else process.stdout.write(`${r.message}\n`);
      return 0;
    }
    if (action === 'run') {
      const r = await b.runSchedule(name);
      if (opts.json) printJson(r);
      else process.stdout.write(`schedule ${name} ran: ${r.status}: ${r.summary}\n`);
      return r.status === 'ok' ? 0 : 1;
    }
    const s = await b.scheduleAction(name, action);
    if (opts.json) printJson(s);
    else process.stdout.write(`${line(s)}\n`);
    return 0;
  });
}
