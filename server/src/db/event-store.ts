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
 * Column filters accepted by list(): query key -> SQL condition and how many times it takes the value. Each
 * equality has an index ending in the rowid (migrations 0001 and 0006), so a filtered page newest first walks
 * one index range. A time bound also becomes a bound on the id, found with one seek on events_ts: ts never
 * decreases as ids grow (insert() keeps it so), so the rows past that id are exactly those outside the bound,
 * and the walk starts at the right row instead of skipping every newer one.
 */
const FILTERS: ReadonlyArray<[keyof EventQuery, string, number]> = [
  ['route', 'route = ?', 1],
  ['outcome', 'outcome = ?', 1],
  ['event', 'event = ?', 1],
  ['delivery', 'delivery = ?', 1],
  ['image', 'image = ?', 1],
  ['taskId', 'task_id = ?', 1],
  ['status', 'status = ?', 1],
  ['since', 'ts >= ? AND id >= (SELECT id FROM events WHERE ts >= ? ORDER BY ts, id LIMIT 1)', 2],
  ['until', 'ts < ? AND id <= (SELECT id FROM events WHERE ts < ? ORDER BY ts DESC, id DESC LIMIT 1)', 2],
  ['beforeId', 'id < ?', 1],
];

const MINUTE_MS = 60_000;

export class SqliteEventStore implements EventStore {
  private readonly insertStmt: Statement;
  private readonly addStmt: Statement;
  private readonly countStmt: Statement;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO events (ts, request_id, route, method, status, delivery, event, action, image, outcome,
         reason, task_id, source, duration_ms, count)
       VALUES (max(@ts, coalesce((SELECT ts FROM events ORDER BY id DESC LIMIT 1), @ts)), @requestId, @route,
         @method, @status, @delivery, @event, @action, @image, @outcome, @reason, @taskId, @source, @durationMs,
         @count)`,
    );
    this.addStmt = db.prepare('UPDATE events SET count = count + ? WHERE id = ?');
    this.countStmt = db.prepare(
      `INSERT INTO event_counts (minute, rows) VALUES (?, 1) ON CONFLICT (minute) DO UPDATE SET rows = rows + 1`,
    );
  }

  /**
   * A row's time is at least the previous row's (a clock stepped back records the last time until it catches
   * up): the log's order by id is its order in time, which the time filters rely on. The row counts for its
   * minute in event_counts (migration 0006).
   */
  insert(row: EventRow): number {
    const id = Number(this.insertStmt.run({ ...row, count: row.count ?? null }).lastInsertRowid);
    this.countStmt.run(Math.floor(row.ts / MINUTE_MS));
    return id;
  }

  addToCount(id: number, n: number): void {
    this.addStmt.run(n, id);
  }

  /** Newest first. */
  list(query: EventQuery): StoredEvent[] {
    const where: string[] = [];
    const params: unknown[] = [];
    for (const [key, sql, uses] of FILTERS) {
      const value = query[key];
      if (value !== undefined) {
        where.push(sql);
        for (let i = 0; i < uses; i++) params.push(value);
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
