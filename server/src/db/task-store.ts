import type { Database, Statement } from 'better-sqlite3';
import type { RunningTask, TaskCounts, TaskListQuery, TaskPark, TaskStore } from '../domain/ports/index.js';
import { sameUnits, type TaskRecord, type TaskSource, type TaskStatus } from '../domain/tasks/task.js';

interface TaskDbRow {
  id: string;
  kind: string;
  status: string;
  image: string | null;
  units: string | null;
  trigger: string;
  delivery: string | null;
  actor: string | null;
  caller: string | null;
  reason: string | null;
  created_at: number;
  updated_at: number;
  started_at: number | null;
  finished_at: number | null;
  not_before: number | null;
  attempts: number;
  summary: string | null;
  retry_of: string | null;
  lease_owner: string | null;
  lease_expires: number | null;
  stop_requested: string | null;
  digest: string | null;
  force: number;
  expires_at: number | null;
  approved_by: string | null;
  source: string | null;
}

export const taskFromDb = (r: TaskDbRow): TaskRecord => ({
  id: r.id,
  kind: r.kind as TaskRecord['kind'],
  status: r.status as TaskRecord['status'],
  image: r.image,
  units: r.units === null ? null : (JSON.parse(r.units) as string[]),
  trigger: r.trigger as TaskRecord['trigger'],
  delivery: r.delivery,
  actor: r.actor,
  caller: r.caller,
  reason: r.reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  notBefore: r.not_before,
  attempts: r.attempts,
  summary: r.summary,
  retryOf: r.retry_of,
  stopRequested: r.stop_requested as TaskRecord['stopRequested'],
  digest: r.digest,
  force: r.force === 1,
  expiresAt: r.expires_at,
  approvedBy: r.approved_by,
  source: r.source === null ? null : (JSON.parse(r.source) as TaskSource),
});

/** The outcomes the overview counts. */
const ENDED = `('succeeded', 'failed', 'rolled-back')`;
/** Not finished: counted whatever their age. */
const WAITING = `('queued', 'running', 'awaiting-approval', 'deferred')`;

/**
 * Queued tasks of one image, oldest first; must be answered from tasks_image_queued (see its migration). Named:
 * with tasks_image beside it (every task of the image) the planner may otherwise walk an image's whole history
 * on every accepted delivery.
 */
export const QUEUED_FOR_IMAGE_SQL = `SELECT id, units FROM tasks INDEXED BY tasks_image_queued WHERE status = 'queued' AND image = ? ORDER BY created_at`;

/**
 * Up to this many tasks matching a search term are looked up by row; more, and the term is common enough that
 * walking the newest tasks meets a page of them within a few thousand rows (docs/benchmarks.md).
 */
const SEARCH_FEW = 2000;

const MINUTE_MS = 60_000;

/**
 * The row an UPDATE ... RETURNING claimed. Read with all(), never get(): the autocommit happens when the
 * statement runs to its end, and get() stops at the first row and drops the error of that end. On a full
 * disk get() returned the row of a claim SQLite had rolled back, and the runner ran it again and again.
 */
function claimed(rows: unknown[]): TaskRecord | undefined {
  const row = rows[0] as TaskDbRow | undefined;
  return row && taskFromDb(row);
}

export class SqliteTaskStore implements TaskStore {
  private readonly insertStmt: Statement;
  private readonly searchRows: Statement;
  private readonly queuedForImage: Statement;
  private readonly byId: Statement;
  private sourceStmt: Statement | undefined;

  constructor(private readonly db: Database) {
    this.insertStmt = db.prepare(
      // search_row numbers the task for the search indexes (migration 0013): the next one, as the insert runs.
      `INSERT INTO tasks (id, kind, status, image, units, trigger, delivery, actor, caller, reason, created_at,
         updated_at, started_at, finished_at, not_before, attempts, summary, retry_of, stop_requested, digest, force,
         expires_at, approved_by, source, search_row)
       VALUES (@id, @kind, @status, @image, @units, @trigger, @delivery, @actor, @caller, @reason, @createdAt,
         @updatedAt, @startedAt, @finishedAt, @notBefore, @attempts, @summary, @retryOf, @stopRequested, @digest,
         @force, @expiresAt, @approvedBy, @source, (SELECT coalesce(max(search_row), 0) + 1 FROM tasks))`,
    );
    this.queuedForImage = db.prepare(QUEUED_FOR_IMAGE_SQL);
    this.byId = db.prepare('SELECT * FROM tasks WHERE id = ?');
    this.searchRows = db
      .prepare(
        `SELECT rowid FROM tasks_search WHERE tasks_search MATCH @term
         UNION SELECT rowid FROM task_summaries_search WHERE task_summaries_search MATCH @term
         LIMIT @limit`,
      )
      .pluck();
  }

  create(task: TaskRecord): void {
    this.insertStmt.run({
      ...task,
      units: task.units === null ? null : JSON.stringify(task.units),
      force: task.force ? 1 : 0,
      source: task.source === null ? null : JSON.stringify(task.source),
    });
  }

  setSource(id: string, source: TaskSource): void {
    // Only when it differs: the deliveries of one push all carry the same source, and an UPDATE that matches
    // no row writes nothing (otherwise every coalesced delivery would dirty its task's page).
    this.sourceStmt ??= this.db.prepare(
      `UPDATE tasks SET source = @source WHERE id = @id AND status = 'queued' AND source IS NOT @source`,
    );
    this.sourceStmt.run({ source: JSON.stringify(source), id });
  }

  get(id: string): TaskRecord | undefined {
    const row = this.byId.get(id) as TaskDbRow | undefined;
    return row && taskFromDb(row);
  }

  queuedFor(image: string, units: readonly string[] | null): string | undefined {
    // Only the two columns it needs: the intake asks this for nearly every delivery.
    return (this.queuedForImage.all(image) as Array<Pick<TaskDbRow, 'id' | 'units'>>).find((t) =>
      sameUnits(t.units === null ? null : (JSON.parse(t.units) as string[]), units),
    )?.id;
  }

  /**
   * Newest first; the cursor is the (createdAt, id) of the last task of the previous page. With a unit, the
   * walk goes down that unit's entries in task_units_newest (which carry their task's created_at), so a page
   * of a unit with thousands of tasks reads a page of rows, not all of them.
   */
  count(q: TaskListQuery, upTo: number): number {
    const { from, where, params } = this.filters({ ...q, beforeCreated: undefined });
    const sql = `SELECT count(*) FROM (SELECT 1 FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} LIMIT ?)`;
    return this.db
      .prepare(sql)
      .pluck()
      .get(...params, upTo) as number;
  }

  list(q: TaskListQuery): TaskRecord[] {
    const { from, where, params, order } = this.filters(q);
    const sql = `SELECT t.* FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${order} LIMIT ?`;
    return (this.db.prepare(sql).all(...params, q.limit) as TaskDbRow[]).map(taskFromDb);
  }

  private filters(q: TaskListQuery): { from: string; where: string[]; params: unknown[]; order: string } {
    const where: string[] = [];
    const params: unknown[] = [];
    const filter = (sql: string, value: unknown) => {
      if (value === undefined) return;
      where.push(sql);
      params.push(value);
    };
    filter('t.status = ?', q.status);
    const anyOf = (column: string, values: readonly string[] | undefined) => {
      if (!values?.length) return;
      where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      params.push(...values);
    };
    anyOf('t.kind', q.kind);
    anyOf('t.trigger', q.trigger);
    filter('t.image = ?', q.image);
    filter('tu.unit = ?', q.unit);
    const searched = q.text ? this.textFilter(q.text, where, params) : false;
    const [created, id] =
      q.unit === undefined ? ['t.created_at', 't.id'] : ['tu.task_created_at', 'tu.task_id'];
    if (q.beforeCreated) {
      // A row value: one range over (created_at, id) on whichever index serves the filters.
      where.push(`(${created}, ${id}) < (?, ?)`);
      params.push(q.beforeCreated.createdAt, q.beforeCreated.id);
    }
    // The few tasks a search named are read by row and sorted, whatever other index a filter offers.
    const tasks = searched && q.unit === undefined ? 'tasks t INDEXED BY tasks_search_row' : 'tasks t';
    const from = q.unit === undefined ? tasks : `task_units tu JOIN ${tasks} ON t.id = tu.task_id`;
    return { from, where, params, order: `${created} DESC, ${id} DESC` };
  }

  /**
   * A substring of id, image, units, caller, reason or summary. A term of 3+ characters that few tasks hold is
   * found through the trigram indexes (tasks_search, task_summaries_search); one that many hold is found fastest by walking the newest
   * tasks with LIKE, which meets a page of matches early. Shorter terms have no trigram: LIKE. True when the
   * index named the rows.
   */
  private textFilter(text: string, where: string[], params: unknown[]): boolean {
    if ([...text].length >= 3) {
      const term = `"${text.replace(/"/g, '""')}"`;
      const rows = this.searchRows.all({ term, limit: SEARCH_FEW + 1 }) as number[];
      if (rows.length <= SEARCH_FEW) {
        where.push('t.search_row IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(rows));
        return true;
      }
    }
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const columns = ['t.id', 't.image', 't.units', 't.caller', 't.reason', 't.summary'];
    where.push(`(${columns.map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
    params.push(...columns.map(() => like));
    return false;
  }

  /**
   * Claims the oldest runnable queued task for `owner`: status running, lease until `leaseUntil`.
   * One UPDATE ... RETURNING, so two processes can never claim the same task.
   */
  claimNext(owner: string, now: number, leaseUntil: number): TaskRecord | undefined {
    // A read first: polling must not take the write lock (and wait behind another writer) when idle.
    const runnable = this.db
      .prepare(
        `SELECT 1 FROM tasks WHERE status IN ('queued', 'deferred') AND (not_before IS NULL OR not_before <= ?) LIMIT 1`,
      )
      .get(now);
    if (runnable === undefined) return undefined;
    return claimed(
      this.db
        .prepare(
          `UPDATE tasks SET status = 'running', lease_owner = ?, lease_expires = ?, started_at = ?, updated_at = ?,
             attempts = attempts + 1
           WHERE id = (SELECT id FROM tasks WHERE status IN ('queued', 'deferred')
                         AND (not_before IS NULL OR not_before <= ?)
                       ORDER BY created_at, id LIMIT 1)
           RETURNING *`,
        )
        .all(owner, leaseUntil, now, now, now),
    );
  }

  /** Claims one named queued task (podup trigger in-process runs exactly the task it created). */
  claim(id: string, owner: string, now: number, leaseUntil: number): TaskRecord | undefined {
    return claimed(
      this.db
        .prepare(
          `UPDATE tasks SET status = 'running', lease_owner = ?, lease_expires = ?, started_at = ?, updated_at = ?,
             attempts = attempts + 1
           WHERE id = ? AND status IN ('queued', 'deferred') RETURNING *`,
        )
        .all(owner, leaseUntil, now, now, id),
    );
  }

  /** Hands a claimed task back to the queue, the claim's attempt undone (it never started). */
  unclaim(id: string, owner: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE tasks SET status = 'queued', lease_owner = NULL, lease_expires = NULL, updated_at = ?,
             attempts = attempts - 1, started_at = CASE WHEN attempts > 1 THEN started_at END
           WHERE id = ? AND status = 'running' AND lease_owner = ?`,
        )
        .run(now, id, owner).changes === 1
    );
  }

  /** Extends the lease of a running task; false when the task is no longer ours. */
  renew(id: string, owner: string, leaseUntil: number, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE tasks SET lease_expires = ?, updated_at = ? WHERE id = ? AND status = 'running' AND lease_owner = ?`,
        )
        .run(leaseUntil, now, id, owner).changes === 1
    );
  }

  finish(id: string, status: TaskStatus, summary: string, now: number): void {
    this.db
      .prepare(
        `UPDATE tasks SET status = ?, summary = ?, finished_at = ?, updated_at = ?, lease_owner = NULL, lease_expires = NULL
         WHERE id = ?`,
      )
      .run(status, summary.slice(0, 2000), now, now, id);
  }

  /**
   * Queued and running now; ended since `since` by outcome. Whole minutes come from task_tallies (kept by
   * triggers), the first, partial minute from the tasks themselves (through tasks_finished: `+status` keeps
   * the planner from walking every task of a status instead).
   */
  counts(since: number): TaskCounts {
    const firstWhole = Math.ceil(since / MINUTE_MS);
    const rows = this.db
      .prepare(
        `SELECT status, sum(n) AS n FROM task_tallies
         WHERE status IN ${WAITING} OR (status IN ${ENDED} AND minute >= @firstWhole)
         GROUP BY status
         UNION ALL
         SELECT status, count(*) FROM tasks
         WHERE finished_at >= @since AND finished_at < @wholeFrom AND +status IN ${ENDED}
         GROUP BY status`,
      )
      .all({ firstWhole, since, wholeFrom: firstWhole * MINUTE_MS }) as Array<{ status: string; n: number }>;
    const n = (status: TaskStatus) =>
      rows.filter((r) => r.status === status).reduce((sum, r) => sum + r.n, 0);
    return {
      queued: n('queued'),
      running: n('running'),
      awaitingApproval: n('awaiting-approval'),
      deferred: n('deferred'),
      succeeded24h: n('succeeded'),
      failed24h: n('failed'),
      rolledBack24h: n('rolled-back'),
    };
  }

  /** Queued or running tasks exist (podup must not idle out). */
  hasPending(): boolean {
    return (
      this.db.prepare(`SELECT 1 FROM tasks WHERE status IN ('queued', 'running') LIMIT 1`).get() !== undefined
    );
  }

  running(): RunningTask[] {
    return (this.db.prepare(`SELECT * FROM tasks WHERE status = 'running'`).all() as TaskDbRow[]).map(
      (r) => ({
        task: taskFromDb(r),
        leaseOwner: r.lease_owner,
        leaseExpires: r.lease_expires,
      }),
    );
  }

  /** Marks a running task interrupted; re-queues it when it has runs left. */
  interrupt(id: string, requeue: boolean, now: number): void {
    this.db
      .prepare(
        `UPDATE tasks SET status = ?, lease_owner = NULL, lease_expires = NULL, updated_at = ?,
           finished_at = CASE WHEN ? THEN NULL ELSE ? END,
           summary = CASE WHEN ? THEN summary ELSE 'interrupted by a crash or restart of podup' END
         WHERE id = ?`,
      )
      .run(requeue ? 'queued' : 'interrupted', now, requeue ? 1 : 0, now, requeue ? 1 : 0, id);
  }

  requestStop(id: string, kind: 'stop' | 'force', now: number): void {
    this.db.prepare(`UPDATE tasks SET stop_requested = ?, updated_at = ? WHERE id = ?`).run(kind, now, id);
  }

  /** Cancels a task that has not started; false when it already runs or ended. */
  cancelQueued(id: string, summary: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE tasks SET status = 'cancelled', summary = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status = 'queued'`,
        )
        .run(summary, now, now, id).changes === 1
    );
  }

  /** A running task of `owner` waits on its policy now: its claim ends, the decision is kept. */
  park(id: string, owner: string, park: TaskPark, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE tasks SET status = @status, not_before = @notBefore, expires_at = @expiresAt, digest = @digest,
             summary = @summary, units = @units, approved_by = NULL, lease_owner = NULL, lease_expires = NULL,
             attempts = attempts - 1, started_at = NULL, updated_at = @now
           WHERE id = @id AND status = 'running' AND lease_owner = @owner`,
        )
        .run({
          ...park,
          units: JSON.stringify(park.units),
          summary: park.summary.slice(0, 2000),
          id,
          owner,
          now,
        }).changes === 1
    );
  }

  /** Waiting tasks (awaiting approval, deferred) that include `unit`. */
  waitingFor(unit: string): TaskRecord[] {
    const like = `%${JSON.stringify(unit).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return (
      this.db
        .prepare(
          `SELECT * FROM tasks WHERE status IN ('awaiting-approval', 'deferred') AND units LIKE ? ESCAPE '\\'
           ORDER BY created_at`,
        )
        .all(like) as TaskDbRow[]
    )
      .map(taskFromDb)
      .filter((t) => t.units?.includes(unit));
  }

  approve(id: string, by: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE tasks SET status = 'queued', approved_by = ?, expires_at = NULL, not_before = NULL, updated_at = ?
           WHERE id = ? AND status = 'awaiting-approval'`,
        )
        .run(by, now, id).changes === 1
    );
  }

  /** Ends a task that waits on its policy (rejected, replaced by a newer digest); false when it no longer waits. */
  cancelWaiting(id: string, summary: string, now: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE tasks SET status = 'cancelled', summary = ?, finished_at = ?, updated_at = ?
           WHERE id = ? AND status IN ('awaiting-approval', 'deferred')`,
        )
        .run(summary.slice(0, 2000), now, now, id).changes === 1
    );
  }

  /** Awaiting-approval tasks whose approval time ran out are cancelled; returns their ids. */
  expireApprovals(now: number): string[] {
    const due = this.db
      .prepare(`SELECT 1 FROM tasks WHERE status = 'awaiting-approval' AND expires_at <= ? LIMIT 1`)
      .get(now);
    if (due === undefined) return [];
    return this.db
      .prepare(
        `UPDATE tasks SET status = 'cancelled', summary = 'approval expired: nobody approved or rejected it in time',
           finished_at = ?, updated_at = ?
         WHERE status = 'awaiting-approval' AND expires_at <= ? RETURNING id`,
      )
      .pluck()
      .all(now, now, now) as string[];
  }

  /** The earliest time a waiting task needs podup: a deferral's end or an approval's expiry. */
  nextWake(): number | null {
    const r = this.db
      .prepare(
        `SELECT min(CASE WHEN status = 'deferred' THEN not_before ELSE expires_at END) FROM tasks
         WHERE status IN ('awaiting-approval', 'deferred')`,
      )
      .pluck()
      .get() as number | null;
    return r ?? null;
  }
}
