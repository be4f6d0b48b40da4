/** Persisted schedules; a run is claimed with one UPDATE, so that two runs of one schedule never overlap. */
import type { Database } from 'better-sqlite3';
import type { ScheduleRun, ScheduleStore } from '../domain/ports/index.js';
import type { ScheduleAction, ScheduleRecord } from '../domain/schedules/schedule.js';

interface ScheduleRow {
  name: string;
  cron: string;
  zone: string;
  action: string;
  units: string | null;
  random_delay_ms: number;
  paused: number;
  next_run_at: number | null;
  running_since: number | null;
  running_owner: string | null;
  last_run_at: number | null;
  last_status: string | null;
  last_summary: string | null;
  last_task_id: string | null;
  created_at: number;
  updated_at: number;
}

const fromDb = (r: ScheduleRow): ScheduleRecord => ({
  name: r.name,
  cron: r.cron,
  zone: r.zone,
  action: r.action as ScheduleAction,
  units: r.units === null ? null : (JSON.parse(r.units) as string[]),
  randomDelayMs: r.random_delay_ms,
  paused: r.paused === 1,
  nextRunAt: r.next_run_at,
  runningSince: r.running_since,
  runningOwner: r.running_owner,
  lastRunAt: r.last_run_at,
  lastStatus: r.last_status as ScheduleRecord['lastStatus'],
  lastSummary: r.last_summary,
  lastTaskId: r.last_task_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toDb = (s: ScheduleRecord) => ({
  ...s,
  units: s.units === null ? null : JSON.stringify(s.units),
  paused: s.paused ? 1 : 0,
});

export class SqliteScheduleStore implements ScheduleStore {
  constructor(private readonly db: Database) {}

  list(): ScheduleRecord[] {
    return (this.db.prepare('SELECT * FROM schedules ORDER BY name').all() as ScheduleRow[]).map(fromDb);
  }

  get(name: string): ScheduleRecord | undefined {
    const r = this.db.prepare('SELECT * FROM schedules WHERE name = ?').get(name) as ScheduleRow | undefined;
    return r && fromDb(r);
  }

  create(s: ScheduleRecord): void {
    this.db
      .prepare(
        `INSERT INTO schedules (name, cron, zone, action, units, random_delay_ms, paused, next_run_at, running_since,
           running_owner, last_run_at, last_status, last_summary, last_task_id, created_at, updated_at)
         VALUES (@name, @cron, @zone, @action, @units, @randomDelayMs, @paused, @nextRunAt, @runningSince,
           @runningOwner, @lastRunAt, @lastStatus, @lastSummary, @lastTaskId, @createdAt, @updatedAt)`,
      )
      .run(toDb(s));
  }

  update(s: ScheduleRecord): boolean {
    return (
      this.db
        .prepare(
          `UPDATE schedules SET cron = @cron, zone = @zone, action = @action, units = @units,
             random_delay_ms = @randomDelayMs, paused = @paused, next_run_at = @nextRunAt, updated_at = @updatedAt
           WHERE name = @name`,
        )
        .run(toDb(s)).changes === 1
    );
  }

  delete(name: string): boolean {
    return this.db.prepare('DELETE FROM schedules WHERE name = ?').run(name).changes === 1;
  }

  claim(
    name: string,
    owner: string,
    now: number,
    nextRunAt: number | null,
    options: { due: boolean; staleBefore: number },
  ): ScheduleRecord | undefined {
    const rows = this.db
      .prepare(
        `UPDATE schedules SET running_since = @now, running_owner = @owner, next_run_at = @nextRunAt
         WHERE name = @name AND (running_since IS NULL OR running_since < @staleBefore)
           AND (@due = 0 OR (paused = 0 AND next_run_at IS NOT NULL AND next_run_at <= @now))
         RETURNING *`,
      )
      .all({ name, owner, now, nextRunAt, due: options.due ? 1 : 0, staleBefore: options.staleBefore });
    const r = rows[0] as ScheduleRow | undefined;
    return r && fromDb(r);
  }

  finish(name: string, owner: string, run: ScheduleRun, now: number): void {
    this.db
      .prepare(
        `UPDATE schedules SET running_since = NULL, running_owner = NULL, last_run_at = @now, last_status = @status,
           last_summary = @summary, last_task_id = @taskId
         WHERE name = @name AND running_owner = @owner`,
      )
      .run({ name, owner, now, ...run, summary: run.summary.slice(0, 2000) });
  }

  nextRun(): number | null {
    return (
      (this.db
        .prepare('SELECT min(next_run_at) FROM schedules WHERE paused = 0 AND next_run_at IS NOT NULL')
        .pluck()
        .get() as number | null) ?? null
    );
  }
}
