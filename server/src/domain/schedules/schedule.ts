/**
 * Schedules: a cron expression (5 fields, or 6 with seconds) in an explicit time zone, an action, the units it
 * covers, an optional random delay. croner computes the run times; no timer of its own is ever started (podup
 * serve and systemd's wake-up timer decide when to look).
 */
import { Cron } from 'croner';
import { AppError } from '../../errors.js';
import { isTimeZone } from '../policies/windows.js';

import type { ScheduleAction } from './actions.js';

export { SCHEDULE_ACTIONS, type ScheduleAction } from './actions.js';

export interface ScheduleRecord {
  name: string;
  cron: string;
  zone: string;
  action: ScheduleAction;
  /** null: every unit podup manages. */
  units: string[] | null;
  randomDelayMs: number;
  paused: boolean;
  /** The next run, random delay included (unix ms); null while paused. */
  nextRunAt: number | null;
  runningSince: number | null;
  runningOwner: string | null;
  lastRunAt: number | null;
  lastStatus: 'ok' | 'failed' | null;
  lastSummary: string | null;
  lastTaskId: string | null;
  createdAt: number;
  updatedAt: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkScheduleName(name: string): string {
  if (!NAME.test(name))
    throw new AppError(
      'BAD_REQUEST',
      `schedule name "${name.slice(0, 80)}": letters, digits, . _ - (up to 64)`,
    );
  return name;
}

function cronOf(expression: string, zone: string): Cron {
  if (!isTimeZone(zone))
    throw new AppError(
      'BAD_REQUEST',
      `"${zone}" is not a time zone (IANA name such as Europe/Berlin, or UTC)`,
    );
  const fields = expression.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6)
    throw new AppError(
      'BAD_REQUEST',
      `cron "${expression}": 5 fields (minute hour day month weekday) or 6 with seconds first`,
    );
  try {
    return new Cron(expression.trim(), {
      timezone: zone,
      paused: true,
      mode: fields === 6 ? '6-part' : '5-part',
    });
  } catch (e) {
    throw new AppError('BAD_REQUEST', `cron "${expression}": ${(e as Error).message}`);
  }
}

/** Throws BAD_REQUEST naming what is wrong with the expression or the zone. */
export function validateCron(expression: string, zone: string): void {
  if (cronOf(expression, zone).nextRun(new Date()) === null)
    throw new AppError('BAD_REQUEST', `cron "${expression}" never runs`);
}

/** The next `count` cron times strictly after `after` (no random delay). */
export function cronRuns(expression: string, zone: string, after: number, count: number): number[] {
  return cronOf(expression, zone)
    .nextRuns(count, new Date(after))
    .map((d) => d.getTime());
}

/**
 * When the schedule runs next after `after`: its cron time plus a random share of its delay, drawn once and
 * stored, so that podup and the wake-up timer agree on it.
 */
export function nextRunAt(
  s: Pick<ScheduleRecord, 'cron' | 'zone' | 'randomDelayMs' | 'paused'>,
  after: number,
  random: () => number,
): number | null {
  if (s.paused) return null;
  const next = cronRuns(s.cron, s.zone, after, 1)[0];
  if (next === undefined) return null;
  return next + Math.floor(random() * s.randomDelayMs);
}
