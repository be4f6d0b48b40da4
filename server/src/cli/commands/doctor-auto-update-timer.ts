/**
 * podup doctor's line on podman-auto-update.timer: it updates the same opted-in units as podup, outside podup's
 * unit leases and policies. A podup schedule (check or update) of every unit, or of a list naming every unit the
 * timer would update, replaces it; the line names it, or the command that adds one like the timer.
 */
import type { ContainerInfo } from '../../domain/ports/index.js';
import type { ScheduleRecord } from '../../domain/schedules/schedule.js';
import { AUTOUPDATE_LABEL, UNIT_LABEL } from '../../domain/units/discovery.js';
import type { DoctorLine } from './doctor.js';

/** The units podman auto-update updates from a registry ("image" is podman's old name for "registry"). */
export function timerUnits(containers: readonly ContainerInfo[]): string[] {
  const units = new Set<string>();
  for (const c of containers) {
    const policy = c.labels[AUTOUPDATE_LABEL];
    const unit = c.labels[UNIT_LABEL];
    if (unit && (policy === 'registry' || policy === 'image')) units.add(unit);
  }
  return [...units].sort();
}

/** Schedules that look at every unit the timer updates: all units, or a list with each of them. */
export function coveringSchedules(
  schedules: readonly ScheduleRecord[],
  /** null: not known (Podman did not answer); only an all-units schedule then surely covers them. */
  units: readonly string[] | null,
): ScheduleRecord[] {
  return schedules.filter(
    (s) =>
      !s.paused &&
      (s.action === 'check' || s.action === 'update') &&
      (s.units === null || (units !== null && units.length > 0 && units.every((u) => s.units?.includes(u)))),
  );
}

/** podman-auto-update.timer: OnCalendar=daily, RandomizedDelaySec=900. */
export const LIKE_THE_TIMER = 'podup schedules add --cron "0 0 * * *" --action check --random-delay 15m';

export function autoUpdateTimerLine(
  timer: { unitFileState: string; activeState: string },
  scope: 'user' | 'system',
  schedules: readonly ScheduleRecord[],
  units: readonly string[] | null,
): DoctorLine {
  const check = 'podman-auto-update.timer';
  if (timer.unitFileState !== 'enabled' && timer.activeState !== 'active')
    return { check, level: 'ok', detail: `${timer.unitFileState || 'not installed'}, ${timer.activeState}` };
  const disable = `systemctl${scope === 'user' ? ' --user' : ''} disable --now podman-auto-update.timer`;
  const race =
    `${timer.unitFileState}, ${timer.activeState}: it also updates every unit with AutoUpdate=registry on its own ` +
    "schedule, racing podup and ignoring podup's update policies and unit leases";
  const covering = coveringSchedules(schedules, units);
  if (covering.length > 0)
    return {
      check,
      level: 'warn',
      detail: `${race}; podup schedule ${covering.map((s) => `${s.name} (${s.action} "${s.cron}" ${s.zone})`).join(', ')} covers the same units`,
      fix: `switch over: ${disable}`,
    };
  return {
    check,
    level: 'warn',
    detail: `${race}; no podup schedule covers the same units${units?.length ? ` (${units.join(', ')})` : ''}`,
    fix: `switch over: ${LIKE_THE_TIMER} (podman's timer runs daily at midnight, up to 15 minutes late), then ${disable}`,
  };
}
