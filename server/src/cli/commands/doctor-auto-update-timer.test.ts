import { describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../domain/ports/index.js';
import type { ScheduleRecord } from '../../domain/schedules/schedule.js';
import { autoUpdateTimerLine, coveringSchedules, timerUnits } from './doctor-auto-update-timer.js';

const container = (unit: string, policy?: string): ContainerInfo => ({
  id: unit,
  names: [unit],
  image: 'ghcr.io/acme-corp/web:1',
  imageId: 'i',
  state: 'running',
  labels: { PODMAN_SYSTEMD_UNIT: unit, ...(policy ? { 'io.containers.autoupdate': policy } : {}) },
  startedAt: 0,
});

const schedule = (name: string, over: Partial<ScheduleRecord> = {}): ScheduleRecord => ({
  name,
  cron: '0 3 * * *',
  zone: 'UTC',
  action: 'check',
  units: null,
  randomDelayMs: 0,
  paused: false,
  nextRunAt: null,
  runningSince: null,
  runningOwner: null,
  lastRunAt: null,
  lastStatus: null,
  lastSummary: null,
  lastTaskId: null,
  createdAt: 0,
  updatedAt: 0,
  ...over,
});

const enabled = { unitFileState: 'enabled', activeState: 'active' };

describe("podup doctor's podman-auto-update.timer line", () => {
  it("the timer's units are those opting in to registry updates", () => {
    expect(
      timerUnits([
        container('b.service', 'registry'),
        container('a.service', 'image'),
        container('b.service', 'registry'),
        container('local.service', 'local'),
        container('plain.service'),
      ]),
    ).toEqual(['a.service', 'b.service']);
  });

  it('a schedule of every unit, or listing each unit the timer updates, covers it; a partial, paused or prune one does not', () => {
    const units = ['a.service', 'b.service'];
    const all = schedule('all');
    const exact = schedule('exact', { units: ['b.service', 'a.service'] });
    const more = schedule('more', { action: 'update', units: ['a.service', 'b.service', 'c.service'] });
    const partial = schedule('partial', { units: ['a.service'] });
    const paused = schedule('paused', { paused: true });
    const prune = schedule('prune', { action: 'prune' });
    const names = (s: ScheduleRecord[]) => s.map((x) => x.name);
    expect(names(coveringSchedules([all, exact, more, partial, paused, prune], units))).toEqual([
      'all',
      'exact',
      'more',
    ]);
    // Podman did not answer: only an all-units schedule surely covers them.
    expect(names(coveringSchedules([all, exact], null))).toEqual(['all']);
  });

  it('names the covering schedule, or gives the command that adds one like the timer', () => {
    const units = ['a.service', 'b.service'];
    expect(autoUpdateTimerLine(enabled, 'user', [schedule('opted', { units: [...units] })], units)).toEqual({
      check: 'podman-auto-update.timer',
      level: 'warn',
      detail:
        'enabled, active: it also updates every unit with AutoUpdate=registry on its own schedule, racing podup and ignoring podup\'s update policies and unit leases; podup schedule opted (check "0 3 * * *" UTC) covers the same units',
      fix: 'switch over: systemctl --user disable --now podman-auto-update.timer',
    });
    const none = autoUpdateTimerLine(
      enabled,
      'system',
      [schedule('partial', { units: ['a.service'] })],
      units,
    );
    expect(none.detail).toMatch(/; no podup schedule covers the same units \(a\.service, b\.service\)$/);
    expect(none.fix).toBe(
      'switch over: podup schedules add --cron "0 0 * * *" --action check --random-delay 15m (podman\'s timer runs daily at midnight, up to 15 minutes late), then systemctl disable --now podman-auto-update.timer',
    );
    expect(
      autoUpdateTimerLine({ unitFileState: 'disabled', activeState: 'inactive' }, 'user', [], units),
    ).toEqual({
      check: 'podman-auto-update.timer',
      level: 'ok',
      detail: 'disabled, inactive',
    });
  });
});
