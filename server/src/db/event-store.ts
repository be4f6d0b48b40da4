import type { Database, Statement } from 'better-sqlite3';
import type { EventQuery, EventRow, Outcome, StoredEvent } from '../domain/events/event.js';
import type { EventStore } from '../domain/ports/index.js';

interface EventDbRow {
  id: number;
  ts: number;
  request_id: string;
  route: string;
  method: string;
  status: number;
  delivery: string | null;
  event: string | null;
  action: string | null;
  image: string | null;
  outcome: string;
  reason: string | null;
  task_id: string | null;
  source: string | null;
  duration_ms: number | null;
  count: number | null;
}

const fromDb = (r: EventDbRow): StoredEvent => ({
  id: r.id,
  ts: r.ts,
  requestId: r.request_id,
  route: r.route,
  method: r.method,
  status: r.status,
  delivery: r.delivery,
  event: r.event,
  action: r.action,
  image: r.image,
  outcome: r.outcome as Outcome,
  reason: r.reason,
  taskId: r.task_id,
  source: r.source,
  durationMs: r.duration_ms,
  count: r.count ?? 1,
});

/**
 * Column filters accepted by list(): query key -> SQL condition. Each equality has an index ending in the rowid
 * (migrations 0001 and 0006), so a filtered page newest first walks one index range.
 */
const FILTERS: ReadonlyArray<[keyof EventQuery, string]> = [
  ['route', 'route = ?'],
  ['outcome', 'outcome = ?'],
  ['event', 'event = ?'],
  ['delivery', 'delivery = ?'],
  ['image', 'image = ?'],
  ['taskId', 'task_id = ?'],
  ['status', 'status = ?'],
  ['since', 'ts >= ?'],
  ['until', 'ts < ?'],
  ['beforeId', 'id < ?'],
];

const MINUTE_MS = 60_000;

export class SqliteEventStore implements EventStore {
  private readonly insertStmt: Statement;
  private readonly addStmt: Statement;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO events (ts, request_id, route, method, status, delivery, event, action, image, outcome,
         reason, task_id, source, duration_ms, count)
       VALUES (@ts, @requestId, @route, @method, @status, @delivery, @event, @action, @image, @outcome,
         @reason, @taskId, @source, @durationMs, @count)`,
    );
    this.addStmt = db.prepare('UPDATE events SET count = count + ? WHERE id = ?');
  }

  insert(row: EventRow): number {
    return Number(this.insertStmt.run({ ...row, count: row.count ?? null }).lastInsertRowid);
  }

  addToCount(id: number, n: number): void {
    this.addStmt.run(n, id);
  }

  /** Newest first. */
  list(query: EventQuery): StoredEvent[] {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [key, sql] of FILTERS) {
      const value = query[key];
      if (value !== undefined) {
        where.push(sql);
        params.push(value);
      }
    }
    const sql = `SELECT * FROM events ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, query.limit) as EventDbRow[]).map(fromDb);
  }

  /** Whole minutes from event_counts (kept by a trigger), the first, partial minute from the rows themselves. */
  countSince(since: number): number {
    const firstWhole = Math.ceil(since / MINUTE_MS);
    const whole = this.db
      .prepare('SELECT coalesce(sum(rows), 0) FROM event_counts WHERE minute >= ?')
      .pluck()
      .get(firstWhole) as number;
    const partial = this.db
      .prepare('SELECT count(*) FROM events WHERE ts >= ? AND ts < ?')
      .pluck()
      .get(since, firstWhole * MINUTE_MS) as number;
    return whole + partial;
  }
}
