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
  actor: string | null;
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
  actor: r.actor,
});

/** Column filters accepted by list(): query key -> SQL condition. */
const FILTERS: ReadonlyArray<[keyof EventQuery, string]> = [
  ['route', 'route = ?'],
  ['outcome', 'outcome = ?'],
  ['event', 'event = ?'],
  ['delivery', 'delivery = ?'],
  ['image', 'image = ?'],
  ['taskId', 'task_id = ?'],
  ['actor', 'actor = ?'],
  ['status', 'status = ?'],
  ['since', 'ts >= ?'],
  ['until', 'ts < ?'],
  ['beforeId', 'id < ?'],
];

export class SqliteEventStore implements EventStore {
  private readonly insertStmt: Statement;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO events (ts, request_id, route, method, status, delivery, event, action, image, outcome,
         reason, task_id, source, duration_ms, actor)
       VALUES (@ts, @requestId, @route, @method, @status, @delivery, @event, @action, @image, @outcome,
         @reason, @taskId, @source, @durationMs, @actor)`,
    );
  }

  insert(row: EventRow): void {
    this.insertStmt.run(row);
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

  countSince(since: number): number {
    return (this.db.prepare('SELECT count(*) AS n FROM events WHERE ts >= ?').get(since) as { n: number }).n;
  }
}
