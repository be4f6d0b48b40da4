/**
 * Schedules: create, edit, pause, resume, delete. Each change and its event-log row commit together, and the
 * scheduler is told (its timer and the service manager's wake-up timer move with it).
 * Used by: GET/POST /api/schedules, PUT/DELETE /api/schedules/:name, POST /api/schedules/:name/pause|resume,
 * podup schedules [add|rm|pause|resume]
 */
import type { Clock, Stores, UnitOfWork } from '../domain/ports/index.js';
import { parseAge } from '../domain/policies/unit-policy.js';
import {
  checkScheduleName,
  cronRuns,
  nextRunAt,
  validateCron,
  type ScheduleAction,
  type ScheduleRecord,
} from '../domain/schedules/schedule.js';
import type { TaskStatus } from '../domain/tasks/task.js';
import { toServiceUnit } from '../domain/units/unit-name.js';
import { AppError } from '../errors.js';
import { decidedRow, recorded, type AuditFields, type Origin } from './origin.js';

export interface ScheduleInput {
  name?: string | undefined;
  cron: string;
  /** IANA zone; UTC when not given (shown with every schedule, never implied). */
  zone?: string | undefined;
  action: ScheduleAction;
  /** null or empty: every unit podup manages. */
  units?: readonly string[] | null | undefined;
  /** Up to this long after each cron time, drawn anew for each run ("0", "5m"). */
  randomDelay?: string | undefined;
  paused?: boolean | undefined;
}

export interface ScheduleView {
  schedule: ScheduleRecord;
  lastTaskStatus: TaskStatus | null;
}

export type ScheduleEdit = Partial<Omit<ScheduleInput, 'name'>>;

const MAX_DELAY_MS = 86_400_000;

export class SchedulesService {
  constructor(
    private readonly deps: {
      stores: Pick<Stores, 'schedules' | 'tasks'>;
      writes: UnitOfWork;
      clock: Clock;
      random: () => number;
      /** The scheduler, told of every change. */
      changed: () => void;
    },
  ) {}

  list(): ScheduleRecord[] {
    return this.deps.stores.schedules.list();
  }

  /** Each schedule with the status of its last run's task now. */
  views(): ScheduleView[] {
    return this.list().map((schedule) => this.view(schedule));
  }

  view(schedule: ScheduleRecord): ScheduleView {
    const task = schedule.lastTaskId ? this.deps.stores.tasks.get(schedule.lastTaskId) : undefined;
    return { schedule, lastTaskStatus: task?.status ?? null };
  }

  get(name: string): ScheduleRecord {
    const s = this.deps.stores.schedules.get(name);
    if (!s)
      throw new AppError('NOT_FOUND', `no schedule ${name.slice(0, 64)}`, { hint: 'see podup schedules' });
    return s;
  }

  /** The next runs of an expression (the panel's preview and cron validation). */
  preview(cron: string, zone: string, count = 5): number[] {
    validateCron(cron, zone);
    return cronRuns(cron, zone, this.deps.clock.now(), count);
  }

  private normalise(s: ScheduleRecord): ScheduleRecord {
    validateCron(s.cron, s.zone);
    if (s.units !== null) {
      const units = s.units.map((u) => {
        const unit = toServiceUnit(u);
        if (!unit)
          throw new AppError('INVALID_UNIT', `"${u.slice(0, 100)}" is not a valid systemd service name`);
        return unit;
      });
      s = { ...s, units: units.length ? [...new Set(units)] : null };
    }
    return { ...s, nextRunAt: nextRunAt(s, this.deps.clock.now(), this.deps.random) };
  }

  private delay(text: string | undefined, current = 0): number {
    if (text === undefined) return current;
    let ms: number;
    try {
      ms = parseAge(text);
    } catch (e) {
      throw new AppError('BAD_REQUEST', `random delay: ${(e as Error).message}`);
    }
    if (ms > MAX_DELAY_MS) throw new AppError('BAD_REQUEST', 'random delay: at most 1d');
    return ms;
  }

  private async commit<T>(
    origin: Origin,
    decided: AuditFields,
    status: number,
    write: (s: Stores) => T,
  ): Promise<T> {
    const now = this.deps.clock.now();
    const r = await this.deps.writes.run((s) => {
      const v = write(s);
      if (origin.request) s.events.insert(decidedRow(origin.request, decided, status, now));
      return v;
    });
    recorded(origin.request, decided);
    this.deps.changed();
    return r;
  }

  async create(input: ScheduleInput, origin: Origin): Promise<ScheduleRecord> {
    const now = this.deps.clock.now();
    const existing = new Set(this.list().map((s) => s.name));
    let name = input.name;
    for (let n = 1; name === undefined; n++)
      if (!existing.has(`${input.action}-${n}`)) name = `${input.action}-${n}`;
    checkScheduleName(name);
    if (existing.has(name))
      throw new AppError('CONFLICT', `schedule ${name} exists; edit it or pick another name`);
    const schedule = this.normalise({
      name,
      cron: input.cron.trim(),
      zone: input.zone ?? 'UTC',
      action: input.action,
      units: input.units?.length ? [...input.units] : null,
      randomDelayMs: this.delay(input.randomDelay),
      paused: input.paused ?? false,
      nextRunAt: null,
      runningSince: null,
      runningOwner: null,
      lastRunAt: null,
      lastStatus: null,
      lastSummary: null,
      lastTaskId: null,
      createdAt: now,
      updatedAt: now,
    });
    await this.commit(origin, { outcome: 'ok', reason: `schedule ${name} created` }, 201, (s) =>
      s.schedules.create(schedule),
    );
    return schedule;
  }

  async edit(name: string, edit: ScheduleEdit, origin: Origin): Promise<ScheduleRecord> {
    const current = this.get(name);
    const schedule = this.normalise({
      ...current,
      cron: edit.cron?.trim() ?? current.cron,
      zone: edit.zone ?? current.zone,
      action: edit.action ?? current.action,
      units: edit.units === undefined ? current.units : edit.units?.length ? [...edit.units] : null,
      randomDelayMs: this.delay(edit.randomDelay, current.randomDelayMs),
      paused: edit.paused ?? current.paused,
      updatedAt: this.deps.clock.now(),
    });
    const what =
      edit.paused === undefined || Object.keys(edit).length > 1
        ? 'edited'
        : edit.paused
          ? 'paused'
          : 'resumed';
    await this.commit(origin, { outcome: 'ok', reason: `schedule ${name} ${what}` }, 200, (s) => {
      if (!s.schedules.update(schedule)) throw new AppError('NOT_FOUND', `no schedule ${name.slice(0, 64)}`);
    });
    return schedule;
  }

  pause(name: string, origin: Origin): Promise<ScheduleRecord> {
    return this.edit(name, { paused: true }, origin);
  }

  resume(name: string, origin: Origin): Promise<ScheduleRecord> {
    return this.edit(name, { paused: false }, origin);
  }

  async remove(name: string, origin: Origin): Promise<void> {
    this.get(name);
    await this.commit(origin, { outcome: 'ok', reason: `schedule ${name} deleted` }, 200, (s) => {
      if (!s.schedules.delete(name)) throw new AppError('NOT_FOUND', `no schedule ${name.slice(0, 64)}`);
    });
  }
}
