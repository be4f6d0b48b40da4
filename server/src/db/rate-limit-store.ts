import type { RateLimitStore } from '../domain/ports/index.js';
import type { Database, Statement } from 'better-sqlite3';

/** GCRA state (theoretical arrival time, unix ms) per scope and key; see domain/rate-limits/gcra.ts. */
export class SqliteRateLimitStore implements RateLimitStore {
  private readonly getStmt: Statement;
  private readonly setStmt: Statement;

  constructor(private readonly db: Database) {
    this.getStmt = db.prepare('SELECT tat FROM rate_limits WHERE scope = ? AND key = ?').pluck();
    this.setStmt = db.prepare(
      'INSERT INTO rate_limits (scope, key, tat) VALUES (?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET tat = excluded.tat',
    );
  }

  tat(scope: string, key: string): number | undefined {
    return this.getStmt.get(scope, key) as number | undefined;
  }

  setTat(scope: string, key: string, tat: number): void {
    this.setStmt.run(scope, key, tat);
  }

  trim(scope: string, keep: number, now: number): number {
    const expired = this.db
      .prepare('DELETE FROM rate_limits WHERE scope = ? AND tat <= ?')
      .run(scope, now).changes;
    const over =
      (this.db.prepare('SELECT count(*) FROM rate_limits WHERE scope = ?').pluck().get(scope) as number) -
      keep;
    if (over <= 0) return expired;
    const soonest = this.db
      .prepare(
        'DELETE FROM rate_limits WHERE scope = ? AND key IN (SELECT key FROM rate_limits WHERE scope = ? ORDER BY tat LIMIT ?)',
      )
      .run(scope, scope, over).changes;
    return expired + soonest;
  }
}
