/**
 * Unit leases: the per-unit lock shared by every path that restarts units (webhook tasks, API, CLI,
 * scheduler), in any podup process. A lease has an owner and an expiry, so a crashed owner never blocks a
 * unit for longer than the lease.
 */
import type { Database } from 'better-sqlite3';
import type { AcquireResult, LeaseHolder, LeaseStore } from '../domain/ports/index.js';

export class SqliteLeaseStore implements LeaseStore {
  constructor(private readonly db: Database) {}

  /**
   * Takes all `units` for `taskId` or none. A lease held by another owner blocks unless it expired or
   * `isStale` says its owner is gone.
   */
  acquire(
    taskId: string,
    owner: string,
    units: readonly string[],
    now: number,
    expiresAt: number,
    isStale: (holder: LeaseHolder) => boolean,
  ): AcquireResult {
    return this.db
      .transaction((): AcquireResult => {
        const get = this.db.prepare(
          'SELECT unit, task_id AS taskId, owner, expires_at AS expiresAt FROM unit_leases WHERE unit = ?',
        );
        for (const unit of units) {
          const h = get.get(unit) as LeaseHolder | undefined;
          if (h && h.taskId !== taskId && h.expiresAt > now && !isStale(h)) return { ok: false, heldBy: h };
        }
        const put = this.db.prepare(
          `INSERT INTO unit_leases (unit, task_id, owner, expires_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (unit) DO UPDATE SET task_id = excluded.task_id, owner = excluded.owner, expires_at = excluded.expires_at`,
        );
        for (const unit of units) put.run(unit, taskId, owner, expiresAt);
        return { ok: true };
      })
      .immediate();
  }

  renew(taskId: string, owner: string, expiresAt: number): void {
    this.db
      .prepare('UPDATE unit_leases SET expires_at = ? WHERE task_id = ? AND owner = ?')
      .run(expiresAt, taskId, owner);
  }

  release(taskId: string): void {
    this.db.prepare('DELETE FROM unit_leases WHERE task_id = ?').run(taskId);
  }

  /** Drops leases whose owner is gone (crash) or that expired. */
  sweep(now: number, isStale: (holder: LeaseHolder) => boolean): LeaseHolder[] {
    const all = this.db
      .prepare('SELECT unit, task_id AS taskId, owner, expires_at AS expiresAt FROM unit_leases')
      .all() as LeaseHolder[];
    const dead = all.filter((h) => h.expiresAt <= now || isStale(h));
    const del = this.db.prepare('DELETE FROM unit_leases WHERE unit = ? AND owner = ?');
    for (const h of dead) del.run(h.unit, h.owner);
    return dead;
  }

  list(): LeaseHolder[] {
    return this.db
      .prepare('SELECT unit, task_id AS taskId, owner, expires_at AS expiresAt FROM unit_leases')
      .all() as LeaseHolder[];
  }
}
