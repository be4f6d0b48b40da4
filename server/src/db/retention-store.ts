/**
 * Retention: what `podup prune` (and later the scheduler) removes, counted or deleted with the same
 * selections. Never a queued or running task, and never the newest task of a unit: its unit rows hold the
 * image the unit ran before, which a rollback or a resumed task needs.
 */
import type { Database } from 'better-sqlite3';
import type { RetentionCounts, RetentionCutoffs, RetentionStore } from '../domain/ports/index.js';

const FINISHED = `('succeeded', 'failed', 'rolled-back', 'cancelled', 'skipped', 'interrupted')`;

/** Task ids that may go: finished before the cutoff, and not the newest task of any unit. */
const PRUNABLE_TASKS = `
  SELECT id FROM tasks
  WHERE status IN ${FINISHED} AND coalesce(finished_at, updated_at) < @tasks
    AND id NOT IN (
      SELECT (SELECT tu.task_id FROM task_units tu JOIN tasks t ON t.id = tu.task_id
              WHERE tu.unit = u.unit ORDER BY t.created_at DESC, t.id DESC LIMIT 1)
      FROM (SELECT DISTINCT unit FROM task_units) u
    )`;

const SELECTIONS: Record<keyof RetentionCounts, { from: string; where: string }> = {
  events: { from: 'events', where: 'ts < @events' },
  deliveries: { from: 'deliveries', where: 'received_at < @events' },
  rateLimits: { from: 'rate_limits', where: 'tat <= @now' },
  sessions: { from: 'sessions', where: 'expires_at <= @now' },
  units: { from: 'units', where: 'present = 0 AND last_seen < @units' },
  taskLogs: { from: 'task_logs', where: 'task_id IN (SELECT id FROM prune_tasks)' },
  tasks: { from: 'tasks', where: 'id IN (SELECT id FROM prune_tasks)' },
  notifications: {
    from: 'notifications',
    where: `created_at < @events AND id NOT IN (SELECT notification_id FROM notify_deliveries WHERE status = 'pending')`,
  },
  // An Idempotency-Key answers retries for a day.
  idempotencyKeys: { from: 'idempotency_keys', where: 'created_at < @now - 86400000' },
};

/** Order of deletion: a task's log and unit rows before the task itself. */
const ORDER: Array<keyof RetentionCounts> = [
  'events',
  'deliveries',
  'rateLimits',
  'sessions',
  'units',
  'taskLogs',
  'tasks',
  'notifications',
  'idempotencyKeys',
];

export class SqliteRetentionStore implements RetentionStore {
  constructor(private readonly db: Database) {}

  /** The task ids to remove, in a temporary table the other selections refer to. */
  private selectTasks(cutoffs: RetentionCutoffs): void {
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS prune_tasks (id TEXT PRIMARY KEY) WITHOUT ROWID');
    this.db.exec('DELETE FROM prune_tasks');
    this.db.prepare(`INSERT INTO prune_tasks ${PRUNABLE_TASKS}`).run({ tasks: cutoffs.tasks });
  }

  private each(
    cutoffs: RetentionCutoffs,
    verb: (from: string, where: string, params: Record<string, number>) => number,
  ): RetentionCounts {
    this.selectTasks(cutoffs);
    const counts = {} as RetentionCounts;
    for (const key of ORDER) {
      const { from, where } = SELECTIONS[key];
      const params = Object.fromEntries(
        Object.entries(cutoffs).filter(([name]) => where.includes(`@${name}`)),
      ) as Record<string, number>;
      counts[key] = verb(from, where, params);
    }
    return counts;
  }

  count(cutoffs: RetentionCutoffs): RetentionCounts {
    return this.db.transaction(() =>
      this.each(
        cutoffs,
        (from, where, params) =>
          (this.db.prepare(`SELECT count(*) FROM ${from} WHERE ${where}`).pluck().get(params) as number) ?? 0,
      ),
    )();
  }

  remove(cutoffs: RetentionCutoffs): RetentionCounts {
    return this.db.transaction(() => {
      const counts = this.each(
        cutoffs,
        (from, where, params) => this.db.prepare(`DELETE FROM ${from} WHERE ${where}`).run(params).changes,
      );
      this.db.exec('DELETE FROM task_units WHERE task_id IN (SELECT id FROM prune_tasks)');
      this.db.exec(
        'DELETE FROM notify_deliveries WHERE notification_id NOT IN (SELECT id FROM notifications)',
      );
      return counts;
    })();
  }

  compact(): void {
    this.db.exec('VACUUM');
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  sizeBytes(): number {
    return (
      (this.db.pragma('page_count', { simple: true }) as number) *
      (this.db.pragma('page_size', { simple: true }) as number)
    );
  }
}
