/** Small server-wide values (the CSRF key, observations `podup doctor` reports) in the meta table. */
import { randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { MetaStore } from '../domain/ports/index.js';

export class SqliteMetaStore implements MetaStore {
  private readonly getStmt: Statement;
  private readonly setStmt: Statement;

  constructor(private readonly db: Database) {
    this.getStmt = db.prepare('SELECT value FROM meta WHERE key = ?').pluck();
    this.setStmt = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    );
  }

  get(key: string): string | undefined {
    return this.getStmt.get(key) as string | undefined;
  }

  set(key: string, value: string): void {
    this.setStmt.run(key, value);
  }

  secret(key: string): string {
    const existing = this.get(key);
    if (existing) return existing;
    this.db
      .prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)')
      .run(key, randomBytes(32).toString('base64url'));
    return this.get(key) as string;
  }
}
