import type { Database, Statement } from 'better-sqlite3';
import type { RequestCount } from '../domain/events/request-counter.js';
import type { RequestCountStore } from '../domain/ports/index.js';

export const MINUTE_SPAN = 60_000;
export const HOUR_SPAN = 3_600_000;

/** Requests counted instead of stored, per minute; retention folds minutes older than a day into hours. */
export class SqliteRequestCountStore implements RequestCountStore {
  private readonly addStmt: Statement;

  constructor(private readonly db: Database) {
    this.addStmt = db.prepare(
      `INSERT INTO request_counts (bucket, span, route, method, status, count)
       VALUES (@bucket, ${MINUTE_SPAN}, @route, @method, @status, @count)
       ON CONFLICT (bucket, span, route, method, status) DO UPDATE SET count = count + excluded.count`,
    );
  }

  add(counts: readonly RequestCount[]): void {
    for (const c of counts) this.addStmt.run(c);
  }

  totals(since: number, limit: number): Array<Omit<RequestCount, 'bucket'>> {
    return this.db
      .prepare(
        `SELECT route, method, status, sum(count) AS count FROM request_counts WHERE bucket >= ?
         GROUP BY route, method, status ORDER BY count DESC LIMIT ?`,
      )
      .all(since, limit) as Array<Omit<RequestCount, 'bucket'>>;
  }
}
