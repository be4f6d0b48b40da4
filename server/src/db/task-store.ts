import type { Database, Statement } from 'better-sqlite3';
import { sameUnits, type TaskRecord } from '../domain/tasks/task.js';

interface TaskDbRow {
  id: string;
  kind: string;
  status: string;
  image: string | null;
  units: string | null;
  trigger: string;
  delivery: string | null;
  caller: string | null;
  reason: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
}

export const taskFromDb = (r: TaskDbRow): TaskRecord => ({
  id: r.id,
  kind: r.kind as TaskRecord['kind'],
  status: r.status as TaskRecord['status'],
  image: r.image,
  units: r.units === null ? null : (JSON.parse(r.units) as string[]),
  trigger: r.trigger as TaskRecord['trigger'],
  delivery: r.delivery,
  caller: r.caller,
  reason: r.reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** Queued tasks of one image, oldest first; must be answered from tasks_image_queued (see its migration). */
export const QUEUED_FOR_IMAGE_SQL = `SELECT * FROM tasks WHERE status = 'queued' AND image = ? ORDER BY created_at`;

export class TaskStore {
  private readonly insertStmt: Statement;
  private readonly queuedForImage: Statement;
  private readonly byId: Statement;

  constructor(db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO tasks (id, kind, status, image, units, trigger, delivery, caller, reason, created_at,
         updated_at, started_at, finished_at)
       VALUES (@id, @kind, @status, @image, @units, @trigger, @delivery, @caller, @reason, @createdAt,
         @updatedAt, @startedAt, @finishedAt)`,
    );
    this.queuedForImage = db.prepare(QUEUED_FOR_IMAGE_SQL);
    this.byId = db.prepare('SELECT * FROM tasks WHERE id = ?');
  }

  create(task: TaskRecord): void {
    this.insertStmt.run({ ...task, units: task.units === null ? null : JSON.stringify(task.units) });
  }

  get(id: string): TaskRecord | undefined {
    const row = this.byId.get(id) as TaskDbRow | undefined;
    return row && taskFromDb(row);
  }

  findQueued(image: string, units: readonly string[] | null): TaskRecord | undefined {
    return (this.queuedForImage.all(image) as TaskDbRow[])
      .map(taskFromDb)
      .find((t) => sameUnits(t.units, units));
  }
}
