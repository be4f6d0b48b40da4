/**
 * Retention: what `podup prune` and the server's housekeeping remove, counted or deleted with the same
 * selections. Never a queued or running task, and never the newest task of a unit: its unit rows hold the
 * image the unit ran before, which a rollback or a resumed task needs. Also the size cap's shedding and the
 * sizes podup doctor shows.
 */
import { statSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type {
  DatabaseSizes,
  RetentionCounts,
  RetentionCutoffs,
  RetentionStore,
  Sheddable,
} from '../domain/ports/index.js';
import { HOUR_SPAN, MINUTE_SPAN } from './request-count-store.js';

const FINISHED = `('succeeded', 'failed', 'rolled-back', 'cancelled', 'skipped', 'interrupted')`;

/**
 * Task ids that may go: finished before the cutoff (every finished task has finished_at, so tasks_finished
 * finds them and a round with nothing due reads nothing), and not the newest task of any unit they touched:
 * each of their units has a newer task, one seek on task_units_newest per unit.
 */
const PRUNABLE_TASKS = `
  SELECT id FROM tasks t
  WHERE finished_at < @tasks AND +status IN ${FINISHED}
    AND NOT EXISTS (
      SELECT 1 FROM task_units tu
      WHERE tu.task_id = t.id
        AND NOT EXISTS (
          SELECT 1 FROM task_units newer
          WHERE newer.unit = tu.unit AND (newer.task_created_at, newer.task_id) > (t.created_at, t.id)
        )
    )`;

/** `key` names the rows for a bounded delete (the primary key; tables without rowid have no other). */
const SELECTIONS: Record<keyof RetentionCounts, { from: string; where: string; key: string }> = {
  events: { from: 'events', where: 'ts < @events', key: 'id' },
  requestCounts: {
    from: 'request_counts',
    where: 'bucket < @events',
    key: '(bucket, span, route, method, status)',
  },
  deliveries: { from: 'deliveries', where: 'received_at < @events', key: 'delivery' },
  rateLimits: { from: 'rate_limits', where: 'tat <= @now', key: '(scope, key)' },
  sessions: { from: 'sessions', where: 'expires_at <= @now', key: 'id_hash' },
  units: { from: 'units', where: 'present = 0 AND last_seen < @units', key: 'unit' },
  taskLogs: { from: 'task_logs', where: 'task_id IN (SELECT id FROM prune_tasks)', key: 'id' },
  tasks: { from: 'tasks', where: 'id IN (SELECT id FROM prune_tasks)', key: 'id' },
  notifications: {
    from: 'notifications',
    where: `created_at < @events AND id NOT IN (SELECT notification_id FROM notify_deliveries WHERE status = 'pending')`,
    key: 'id',
  },
  // An Idempotency-Key answers retries for a day.
  idempotencyKeys: {
    from: 'idempotency_keys',
    where: 'created_at < @now - 86400000',
    key: '(actor, key)',
  },
};

/** Order of deletion: a task's log and unit rows before the task itself. */
const ORDER: Array<keyof RetentionCounts> = [
  'events',
  'requestCounts',
  'deliveries',
  'rateLimits',
  'sessions',
  'units',
  'taskLogs',
  'tasks',
  'notifications',
  'idempotencyKeys',
];

/** The oldest rows of each kind the size cap may drop. */
const SHEDDING: Record<Sheddable, string> = {
  'request-counts': `DELETE FROM request_counts WHERE (bucket, span, route, method, status) IN
    (SELECT bucket, span, route, method, status FROM request_counts ORDER BY bucket LIMIT ?)`,
  'folded-events': `DELETE FROM events WHERE id IN
    (SELECT id FROM events WHERE count IS NOT NULL ORDER BY ts LIMIT ?)`,
  events: 'DELETE FROM events WHERE id IN (SELECT id FROM events ORDER BY id LIMIT ?)',
};

const paramsFor = (where: string, cutoffs: RetentionCutoffs): Record<string, number> =>
  Object.fromEntries(Object.entries(cutoffs).filter(([name]) => where.includes(`@${name}`)));

export class SqliteRetentionStore implements RetentionStore {
  constructor(private readonly db: Database) {}

  /** The task ids to remove (at most `limit`), in a temporary table the other selections refer to. */
  private selectTasks(cutoffs: RetentionCutoffs, limit = -1): void {
    this.db.exec('CREATE TEMP TABLE IF NOT EXISTS prune_tasks (id TEXT PRIMARY KEY) WITHOUT ROWID');
    this.db.exec('DELETE FROM prune_tasks');
    this.db
      .prepare(`INSERT INTO prune_tasks ${PRUNABLE_TASKS} LIMIT @limit`)
      .run({ tasks: cutoffs.tasks, limit });
  }

  private each(
    cutoffs: RetentionCutoffs,
    verb: (selection: { from: string; where: string; key: string }, params: Record<string, number>) => number,
    taskLimit?: number,
  ): RetentionCounts {
    this.selectTasks(cutoffs, taskLimit);
    const counts = {} as RetentionCounts;
    for (const key of ORDER) counts[key] = verb(SELECTIONS[key], paramsFor(SELECTIONS[key].where, cutoffs));
    return counts;
  }

  /** The per-minute event counts retention keeps in step with the events (not reported: derived). */
  private dropEventCounts(cutoffs: RetentionCutoffs): void {
    this.db
      .prepare('DELETE FROM event_counts WHERE minute < ?')
      .run(Math.floor(cutoffs.events / MINUTE_SPAN));
  }

  /**
   * The filter copies of events that are gone (db/migrations/0006): those below the oldest event, and any above
   * the newest, whose ids the next events will take again. A copy of a row dropped from the middle (a folded
   * row shed) joins no event and goes once it is below the oldest.
   */
  private dropFacets(): void {
    this.db.exec('DELETE FROM event_facets WHERE id < (SELECT coalesce(min(id), 9e18) FROM events)');
    this.db.exec('DELETE FROM event_facets WHERE id > (SELECT coalesce(max(id), 0) FROM events)');
  }

  count(cutoffs: RetentionCutoffs): RetentionCounts {
    return this.db.transaction(() =>
      this.each(
        cutoffs,
        ({ from, where }, params) =>
          (this.db.prepare(`SELECT count(*) FROM ${from} WHERE ${where}`).pluck().get(params) as number) ?? 0,
      ),
    )();
  }

  remove(cutoffs: RetentionCutoffs): RetentionCounts {
    return this.db.transaction(() => {
      const counts = this.each(cutoffs, ({ from, where }, params) =>
        from === 'events'
          ? this.removeEvents(cutoffs.events)
          : this.db.prepare(`DELETE FROM ${from} WHERE ${where}`).run(params).changes,
      );
      this.db.exec('DELETE FROM task_units WHERE task_id IN (SELECT id FROM prune_tasks)');
      this.dropEventCounts(cutoffs);
      this.dropFacets();
      this.db.exec(
        'DELETE FROM notify_deliveries WHERE notification_id NOT IN (SELECT id FROM notifications)',
      );
      return counts;
    })();
  }

  /**
   * Events before `cutoff`. When most of the log goes (a flood pruned at last), the rows that stay are copied
   * aside and the table emptied at once, which frees its pages and those of its indexes instead of deleting a
   * million entries from each.
   */
  private removeEvents(cutoff: number): number {
    const due = this.db.prepare('SELECT count(*) FROM events WHERE ts < ?').pluck().get(cutoff) as number;
    const stay = this.db.prepare('SELECT count(*) FROM events WHERE ts >= ?').pluck().get(cutoff) as number;
    if (due < 10_000 || stay * 4 > due)
      return this.db.prepare('DELETE FROM events WHERE ts < ?').run(cutoff).changes;
    // In the database file, not in temporary storage (in memory: database.ts): the rows kept may be many.
    this.db.prepare('CREATE TABLE prune_kept_events AS SELECT * FROM events WHERE ts >= ?').run(cutoff);
    // No WHERE and no delete trigger: SQLite drops the pages instead of deleting row by row.
    this.db.exec('DELETE FROM events');
    this.db.exec('INSERT INTO events SELECT * FROM prune_kept_events ORDER BY id');
    this.db.exec('DROP TABLE prune_kept_events');
    // The filter copies likewise, else dropFacets would delete their million entries one by one. Only up to
    // where the copy had got: the rows after it are still to be counted into event_counts by copyFacets.
    const through = this.db.prepare('SELECT coalesce(max(id), 0) FROM event_facets').pluck().get() as number;
    this.db.exec('DELETE FROM event_facets');
    this.db
      .prepare(
        `INSERT INTO event_facets (id, outcome, route, status, event, image)
         SELECT id, outcome, route, status, event, image FROM events WHERE id <= ? ORDER BY id`,
      )
      .run(through);
    return due;
  }

  removeSome(cutoffs: RetentionCutoffs, maxRows: number): RetentionCounts {
    return this.db.transaction(() => {
      const counts = this.each(
        cutoffs,
        ({ from, where, key }, params) => {
          // Every log line of the tasks chosen goes (at most maxRows tasks): a task never loses part of its log.
          const limit = from === 'task_logs' ? -1 : maxRows;
          const columns = key.replace(/[()]/g, '');
          return this.db
            .prepare(
              `DELETE FROM ${from} WHERE ${key} IN (SELECT ${columns} FROM ${from} WHERE ${where} LIMIT @limit)`,
            )
            .run({ ...params, limit }).changes;
        },
        maxRows,
      );
      this.db.exec('DELETE FROM task_units WHERE task_id IN (SELECT id FROM prune_tasks)');
      this.dropEventCounts(cutoffs);
      this.dropFacets();
      return counts;
    })();
  }

  rollUpRequestCounts(before: number): number {
    return this.db.transaction(() => {
      const params = { before, minute: MINUTE_SPAN, hour: HOUR_SPAN };
      this.db
        .prepare(
          `INSERT INTO request_counts (bucket, span, route, method, status, count)
           SELECT bucket - bucket % @hour, @hour, route, method, status, sum(count) FROM request_counts
           WHERE span = @minute AND bucket < @before
           GROUP BY bucket - bucket % @hour, route, method, status
           ON CONFLICT (bucket, span, route, method, status) DO UPDATE SET count = count + excluded.count`,
        )
        .run(params);
      return this.db
        .prepare('DELETE FROM request_counts WHERE span = @minute AND bucket < @before')
        .run({ before, minute: MINUTE_SPAN }).changes;
    })();
  }

  shed(what: Sheddable, maxRows: number): number {
    return this.db.transaction(() => {
      const n = this.db.prepare(SHEDDING[what]).run(maxRows).changes;
      if (what !== 'request-counts') this.dropFacets();
      return n;
    })();
  }

  /** VACUUM copies the whole database into temporary storage: on disk, not in memory (database.ts). */
  compact(): void {
    const temp = this.db.pragma('temp_store', { simple: true }) as number;
    this.db.pragma('temp_store = FILE');
    try {
      this.db.exec('VACUUM');
    } finally {
      this.db.pragma(`temp_store = ${temp}`);
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  sizeBytes(): number {
    return this.pages('page_count') * this.pages('page_size');
  }

  usedBytes(): number {
    return (this.pages('page_count') - this.pages('freelist_count')) * this.pages('page_size');
  }

  sizes(): DatabaseSizes {
    const rows = (table: string) => this.db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    let walBytes = 0;
    try {
      walBytes = statSync(`${this.db.name}-wal`).size;
    } catch {
      /* no WAL file (checkpointed and removed, or an in-memory database) */
    }
    return {
      fileBytes: this.sizeBytes(),
      usedBytes: this.usedBytes(),
      walBytes,
      rows: {
        events: rows('events'),
        tasks: rows('tasks'),
        taskLogs: rows('task_logs'),
        requestCounts: rows('request_counts'),
        rateLimits: rows('rate_limits'),
      },
    };
  }

  private pages(pragma: 'page_count' | 'page_size' | 'freelist_count'): number {
    return this.db.pragma(pragma, { simple: true }) as number;
  }
}
