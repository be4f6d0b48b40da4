import type { Database, Statement } from 'better-sqlite3';
import {
  DELIVERY_ROUTE_PREFIXES,
  PANEL_TRAFFIC_PREFIXES,
  PANEL_TRAFFIC_ROUTES,
  READ_METHODS,
} from '../contract/traffic.js';
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
  count: r.count ?? 1,
  actor: r.actor,
});

/** Query key -> column, for the equality filters. */
const COLUMNS: ReadonlyArray<[keyof EventQuery, string]> = [
  ['route', 'route'],
  ['outcome', 'outcome'],
  ['event', 'event'],
  ['delivery', 'delivery'],
  ['image', 'image'],
  ['taskId', 'task_id'],
  ['actor', 'actor'],
  ['status', 'status'],
];

/**
 * The filters event_facets answers (migration 0011), in the order one is chosen to walk its index: the most
 * selective first. Delivery and task have their own index on events.
 */
const FACETS = ['image', 'event', 'status', 'outcome', 'route'] as const;
type Facet = (typeof FACETS)[number];

const MINUTE_MS = 60_000;

interface Conditions {
  where: string[];
  params: unknown[];
}

/**
 * The conditions of a query on columns of `row` (events), leaving out `skip`; the bounds on the id (cursor, and
 * each time bound turned into one with a seek on events_ts) on `id`, which may be the walked index. ts never
 * decreases as ids grow (insert() keeps it so): the rows past the id found are exactly those outside the bound.
 */
function conditions(query: EventQuery, row: string, id: string, skip?: Facet): Conditions {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [key, column] of COLUMNS) {
    const value = query[key];
    if (value === undefined || key === skip) continue;
    where.push(`${row}.${column} = ?`);
    params.push(value);
  }
  if (query.since !== undefined) {
    where.push(`${row}.ts >= ?`, `${id} >= (SELECT id FROM events WHERE ts >= ? ORDER BY ts, id LIMIT 1)`);
    params.push(query.since, query.since);
  }
  if (query.until !== undefined) {
    where.push(
      `${row}.ts < ?`,
      `${id} <= (SELECT id FROM events WHERE ts < ? ORDER BY ts DESC, id DESC LIMIT 1)`,
    );
    params.push(query.until, query.until);
  }
  if (query.deliveriesOnly) {
    where.push(deliveryCondition(row));
    params.push(...DELIVERY_PARAMS);
  }
  if (query.beforeId !== undefined) {
    where.push(`${id} < ?`);
    params.push(query.beforeId);
  }
  return { where, params };
}

/** contract/traffic.ts's isDelivery in SQL, with its lists as parameters (DELIVERY_PARAMS, in this order). */
const deliveryCondition = (row: string): string => {
  const startsWith = `(substr(${row}.route, 1, length(?)) = ?)`;
  const any = (n: number, one: string) => `(${Array.from({ length: n }, () => one).join(' OR ')})`;
  return `(${any(DELIVERY_ROUTE_PREFIXES.length, startsWith)} OR (${row}.route NOT IN (${PANEL_TRAFFIC_ROUTES.map(() => '?').join(', ')})
    AND NOT ${any(PANEL_TRAFFIC_PREFIXES.length, startsWith)} AND ${row}.method NOT IN (${READ_METHODS.map(() => '?').join(', ')})))`;
};
const DELIVERY_PARAMS: readonly string[] = [
  ...DELIVERY_ROUTE_PREFIXES.flatMap((p) => [p, p]),
  ...PANEL_TRAFFIC_ROUTES,
  ...PANEL_TRAFFIC_PREFIXES.flatMap((p) => [p, p]),
  ...READ_METHODS,
];

const whereOf = (c: Conditions): string => (c.where.length ? `WHERE ${c.where.join(' AND ')}` : '');

export class SqliteEventStore implements EventStore {
  private readonly insertStmt: Statement;
  private readonly addStmt: Statement;
  private readonly copiedThrough: Statement;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      `INSERT INTO events (ts, request_id, route, method, status, delivery, event, action, image, outcome,
         reason, task_id, source, duration_ms, count, actor)
       VALUES (max(@ts, coalesce((SELECT ts FROM events ORDER BY id DESC LIMIT 1), @ts)), @requestId, @route,
         @method, @status, @delivery, @event, @action, @image, @outcome, @reason, @taskId, @source, @durationMs,
         @count, @actor)`,
    );
    this.addStmt = db.prepare('UPDATE events SET count = count + ? WHERE id = ?');
    this.copiedThrough = db.prepare('SELECT coalesce(max(id), 0) FROM event_facets').pluck();
  }

  /**
   * A row's time is at least the previous row's (a clock stepped back records the last time until it catches
   * up): the log's order by id is its order in time, which the time filters rely on. Nothing else is written
   * here: the filter index and the counts follow in bulk (copyFacets).
   */
  insert(row: EventRow): number {
    return Number(this.insertStmt.run({ ...row, count: row.count ?? null }).lastInsertRowid);
  }

  addToCount(id: number, n: number): void {
    this.addStmt.run(n, id);
  }

  /**
   * Newest first. A filter event_facets answers walks its index there for the rows copied so far, after the rows
   * written since, which are read from events (a few seconds of them).
   */
  list(query: EventQuery): StoredEvent[] {
    const facet = FACETS.find((f) => query[f] !== undefined);
    // Deliveries only, and no other facet: the deliveries' own index (a log of mostly panel traffic and probes
    // would otherwise be walked newest first until a page of deliveries turned up).
    const walk = facet ?? (query.deliveriesOnly ? 'delivery' : undefined);
    const direct = walk === undefined || query.delivery !== undefined || query.taskId !== undefined;
    if (direct) {
      const c = conditions(query, 'e', 'e.id');
      return this.rows(`SELECT e.* FROM events e ${whereOf(c)} ORDER BY e.id DESC LIMIT ?`, c, query.limit);
    }
    const through = this.copiedThrough.get() as number;
    const recent = conditions(query, 'e', 'e.id');
    recent.where.unshift('e.id > ?');
    recent.params.unshift(through);
    const rows = this.rows(
      `SELECT e.* FROM events e ${whereOf(recent)} ORDER BY e.id DESC LIMIT ?`,
      recent,
      query.limit,
    );
    if (rows.length >= query.limit) return rows;
    let copied: Conditions;
    if (walk === 'delivery') {
      copied = conditions({ ...query, deliveriesOnly: false }, 'e', 'f.id');
      copied.where.unshift('f.delivery = 1', 'f.id <= ?');
      copied.params.unshift(through);
    } else {
      copied = conditions(query, 'e', 'f.id', walk);
      copied.where.unshift(`f.${walk} = ?`, 'f.id <= ?');
      copied.params.unshift(query[walk], through);
    }
    const index = walk === 'delivery' ? 'event_facets_deliveries' : `event_facets_${walk}`;
    return rows.concat(
      this.rows(
        `SELECT e.* FROM event_facets f INDEXED BY ${index} JOIN events e ON e.id = f.id
         ${whereOf(copied)} ORDER BY f.id DESC LIMIT ?`,
        copied,
        query.limit - rows.length,
      ),
    );
  }

  private rows(sql: string, c: Conditions, limit: number): StoredEvent[] {
    return (this.db.prepare(sql).all(...c.params, limit) as EventDbRow[]).map(fromDb);
  }

  /**
   * Copies the filter columns of up to `maxRows` rows not copied yet into event_facets, in id order, and counts
   * them per minute. Returns the rows copied. Called by the server's housekeeping every few seconds.
   */
  copyFacets(maxRows: number): number {
    return this.db.transaction(() => {
      const through = this.copiedThrough.get() as number;
      const copied = this.db
        .prepare(
          `INSERT INTO event_facets (id, outcome, route, status, event, image, delivery)
           SELECT id, outcome, route, status, event, image, ${deliveryCondition('events')}
           FROM events WHERE id > ? ORDER BY id LIMIT ?`,
        )
        .run(...DELIVERY_PARAMS, through, maxRows).changes;
      if (copied === 0) return 0;
      this.db
        .prepare(
          `INSERT INTO event_counts (minute, rows, deliveries)
           SELECT CAST(e.ts / ${MINUTE_MS} AS INTEGER) AS m, count(*), sum(f.delivery)
           FROM event_facets f JOIN events e ON e.id = f.id WHERE f.id > ? GROUP BY m
           ON CONFLICT (minute) DO UPDATE SET rows = rows + excluded.rows,
             deliveries = deliveries + excluded.deliveries`,
        )
        .run(through);
      return copied;
    })();
  }

  /**
   * Whole minutes from event_counts, the first, partial minute from the rows copied, and the rows not copied
   * yet from events (a few seconds of them: walked by id, `+ts` keeps the planner off the day's range of
   * events_ts).
   */
  countSince(since: number, deliveriesOnly = false): number {
    const through = this.copiedThrough.get() as number;
    const firstWhole = Math.ceil(since / MINUTE_MS);
    const count = (sql: string, ...params: unknown[]) =>
      this.db
        .prepare(sql)
        .pluck()
        .get(...params) as number;
    const rows = (row: string) => (deliveriesOnly ? `AND ${deliveryCondition(row)}` : '');
    const params = deliveriesOnly ? DELIVERY_PARAMS : [];
    return (
      count(
        `SELECT coalesce(sum(${deliveriesOnly ? 'deliveries' : 'rows'}), 0) FROM event_counts WHERE minute >= ?`,
        firstWhole,
      ) +
      count(
        `SELECT count(*) FROM events WHERE ts >= ? AND ts < ? AND id <= ? ${rows('events')}`,
        since,
        firstWhole * MINUTE_MS,
        through,
        ...params,
      ) +
      count(
        `SELECT count(*) FROM events WHERE id > ? AND +ts >= ? ${rows('events')}`,
        through,
        since,
        ...params,
      )
    );
  }
}
