/** Idempotency keys of task-creating requests: the first answer per credential and key (see its migration). */
import type { Database } from 'better-sqlite3';
import type { IdempotencyRecord, IdempotencyStore } from '../domain/ports/index.js';

export class SqliteIdempotencyStore implements IdempotencyStore {
  constructor(private readonly db: Database) {}

  find(actor: string, key: string, notBefore: number): IdempotencyRecord | undefined {
    return this.db
      .prepare(
        `SELECT fingerprint, result, created_at AS createdAt FROM idempotency_keys
         WHERE actor = ? AND key = ? AND created_at >= ?`,
      )
      .get(actor, key, notBefore) as IdempotencyRecord | undefined;
  }

  save(actor: string, key: string, record: IdempotencyRecord): void {
    this.db
      .prepare(
        `INSERT INTO idempotency_keys (actor, key, fingerprint, result, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (actor, key) DO UPDATE SET fingerprint = excluded.fingerprint, result = excluded.result,
           created_at = excluded.created_at`,
      )
      .run(actor, key, record.fingerprint, record.result, record.createdAt);
  }
}
