/** Per-unit results and the timestamped log of each task (what the engine reports through TaskJournal). */
import type { Database, Statement } from 'better-sqlite3';
import type {
  Clock,
  DependentRecord,
  RolloutRole,
  TaskJournal,
  TaskJournalStore,
  TaskUnitOutcome,
  TaskLogRow,
  TaskUnitRow,
  UnitLastResult,
  UnitResultPatch,
} from '../domain/ports/index.js';
import type { LogLevel, Step, UnitResultStatus } from '../domain/tasks/task.js';

const COLUMNS: Record<keyof UnitResultPatch, string> = {
  status: 'status',
  image: 'image',
  digestBefore: 'digest_before',
  digestAfter: 'digest_after',
  imageIdBefore: 'image_id_before',
  imageIdAfter: 'image_id_after',
  reason: 'reason',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  role: 'role',
  position: 'position',
  health: 'health',
  dependents: 'dependents',
};

function parseDependents(v: unknown): DependentRecord[] {
  try {
    const parsed = JSON.parse(typeof v === 'string' ? v : '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as DependentRecord[]) : [];
  } catch {
    return [];
  }
}

/** Log messages are bounded: a runaway pull or journal must not fill the disk. */
const MAX_MESSAGE = 16 * 1024;

export class SqliteTaskJournalStore implements TaskJournalStore {
  private readonly logStmt: Statement;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {
    this.logStmt = db.prepare(
      'INSERT INTO task_logs (task_id, ts, level, step, unit, message, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
  }

  log(
    taskId: string,
    level: LogLevel,
    step: Step,
    message: string,
    unit?: string,
    durationMs?: number,
  ): number {
    const text = message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}… (truncated)` : message;
    return Number(
      this.logStmt.run(taskId, this.clock.now(), level, step, unit ?? null, text, durationMs ?? null)
        .lastInsertRowid,
    );
  }

  upsertUnit(taskId: string, unit: string, patch: UnitResultPatch): void {
    const entries = Object.entries(patch).filter(([, v]) => v !== undefined) as Array<
      [keyof UnitResultPatch, unknown]
    >;
    const sets = entries.map(([k]) => `${COLUMNS[k]} = excluded.${COLUMNS[k]}`);
    const cols = entries.map(([k]) => COLUMNS[k]);
    const status = patch.status ?? 'pending';
    this.db
      .prepare(
        `INSERT INTO task_units (task_id, unit, ${['status', ...cols.filter((c) => c !== 'status')].join(', ')})
         VALUES (?, ?, ${['?', ...cols.filter((c) => c !== 'status').map(() => '?')].join(', ')})
         ON CONFLICT (task_id, unit) DO ${sets.length ? `UPDATE SET ${sets.join(', ')}` : 'NOTHING'}`,
      )
      .run(
        taskId,
        unit,
        status,
        ...entries
          .filter(([k]) => k !== 'status')
          .map(([k, v]) => (k === 'dependents' ? JSON.stringify(v) : v)),
      );
  }

  /** The TaskJournal the engine writes to for one task. */
  journalFor(taskId: string): TaskJournal {
    return {
      log: (level, step, message, extra) => {
        this.log(taskId, level, step, message, extra?.unit, extra?.durationMs);
      },
      unit: (unit, patch) => this.upsertUnit(taskId, unit, patch),
    };
  }

  /**
   * The newest result of every unit that any task touched. The units are walked one index seek each (a
   * recursive skip over task_units_finished), and each unit's newest finish is its last entry there: a few
   * hundred seeks whatever the history holds, where a max() per row read the whole table per unit.
   */
  lastResults(): UnitLastResult[] {
    return this.db
      .prepare(
        `WITH RECURSIVE touched(unit) AS (
           SELECT min(unit) FROM task_units WHERE finished_at IS NOT NULL
           UNION ALL
           SELECT (SELECT min(unit) FROM task_units WHERE finished_at IS NOT NULL AND unit > touched.unit)
           FROM touched WHERE touched.unit IS NOT NULL
         )
         SELECT tu.unit, tu.status, tu.task_id AS taskId, tu.finished_at AS finishedAt
         FROM touched JOIN task_units tu ON tu.unit = touched.unit
         WHERE tu.finished_at = (SELECT max(finished_at) FROM task_units WHERE unit = touched.unit AND finished_at IS NOT NULL)`,
      )
      .all() as UnitLastResult[];
  }

  /** Image ids units of `image` ran before a task moved them on successfully. */
  supersededImages(image: string): string[] {
    return this.db
      .prepare(
        `SELECT DISTINCT image_id_before FROM task_units
         WHERE image = ? AND status = 'succeeded' AND image_id_before IS NOT NULL AND image_id_before != image_id_after`,
      )
      .pluck()
      .all(image) as string[];
  }

  units(taskId: string): TaskUnitRow[] {
    return (
      this.db.prepare('SELECT * FROM task_units WHERE task_id = ? ORDER BY unit').all(taskId) as Array<
        Record<string, unknown>
      >
    ).map((r) => ({
      unit: r.unit as string,
      status: r.status as UnitResultStatus,
      image: r.image as string | null,
      digestBefore: r.digest_before as string | null,
      digestAfter: r.digest_after as string | null,
      imageIdBefore: r.image_id_before as string | null,
      imageIdAfter: r.image_id_after as string | null,
      reason: r.reason as string | null,
      startedAt: r.started_at as number | null,
      finishedAt: r.finished_at as number | null,
      role: (r.role as RolloutRole | null) ?? null,
      position: (r.position as number | null) ?? null,
      health: (r.health as string | null) ?? null,
      dependents: parseDependents(r.dependents),
    }));
  }

  outcomesOf(taskIds: readonly string[]): Map<string, TaskUnitOutcome[]> {
    const out = new Map<string, TaskUnitOutcome[]>();
    if (taskIds.length === 0) return out;
    const rows = this.db
      .prepare(
        'SELECT task_id, unit, status, reason FROM task_units WHERE task_id IN (SELECT value FROM json_each(?)) ORDER BY task_id, unit',
      )
      .all(JSON.stringify(taskIds)) as Array<{
      task_id: string;
      unit: string;
      status: UnitResultStatus;
      reason: string | null;
    }>;
    for (const r of rows) {
      const list = out.get(r.task_id) ?? [];
      list.push({ unit: r.unit, status: r.status, reason: r.reason });
      out.set(r.task_id, list);
    }
    return out;
  }

  journalsOf(taskIds: readonly string[]): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (taskIds.length === 0) return out;
    const rows = this.db
      .prepare(
        `SELECT task_id, message FROM task_logs WHERE task_id IN (SELECT value FROM json_each(?)) AND step = 'diagnose' ORDER BY id`,
      )
      .all(JSON.stringify(taskIds)) as Array<{ task_id: string; message: string }>;
    for (const r of rows) {
      const list = out.get(r.task_id) ?? [];
      list.push(r.message);
      out.set(r.task_id, list);
    }
    return out;
  }

  /** Log lines after `afterId`, oldest first. */
  logs(taskId: string, afterId = 0, limit = 1000): TaskLogRow[] {
    return (
      this.db
        .prepare('SELECT * FROM task_logs WHERE task_id = ? AND id > ? ORDER BY id LIMIT ?')
        .all(taskId, afterId, limit) as Array<Record<string, unknown>>
    ).map((r) => ({
      id: r.id as number,
      ts: r.ts as number,
      level: r.level as LogLevel,
      step: r.step as Step,
      unit: r.unit as string | null,
      message: r.message as string,
      durationMs: r.duration_ms as number | null,
    }));
  }
}
