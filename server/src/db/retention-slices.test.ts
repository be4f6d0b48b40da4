/**
 * What the server's housekeeping asks of the retention store: bounded slices that add up to `podup prune`,
 * request counts folded into hours, the size cap's shedding order, and the sizes podup doctor shows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../domain/events/event.js';
import type { RetentionCounts, Stores } from '../domain/ports/index.js';
import { queuedTask } from '../domain/tasks/task.js';
import { openDatabase, type Database } from './database.js';
import { createStores } from './stores.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 5, 15, 12, 30);
const OLD = NOW - 100 * DAY;

let dir: string;
let db: Database;
let stores: Stores;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-retention-slices-'));
  db = openDatabase({ stateDir: dir, dbPath: join(dir, 'podup.db') });
  ({ stores } = createStores(db, { now: () => NOW }));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const cutoffs = { events: NOW - 30 * DAY, tasks: NOW - 90 * DAY, units: NOW - 30 * DAY, now: NOW };
const count = (sql: string) => db.prepare(sql).pluck().get() as number;

const row = (over: Partial<EventRow> = {}): EventRow => ({
  ts: OLD,
  requestId: 'r',
  route: '/webhooks/github',
  method: 'POST',
  status: 202,
  delivery: null,
  event: null,
  action: null,
  image: null,
  outcome: 'accepted',
  reason: null,
  taskId: null,
  source: null,
  actor: null,
  durationMs: 1,
  ...over,
});

/** Finished tasks of one unit, oldest first, each with two log lines. */
function tasksOf(unit: string, n: number, at: number): void {
  for (let i = 0; i < n; i++) {
    const id = `tsk_${unit}_${String(i).padStart(4, '0')}`;
    const t = at + i * 1000;
    stores.tasks.create(
      queuedTask({
        id,
        kind: 'unit-update',
        status: 'succeeded',
        image: null,
        units: [unit],
        trigger: 'api',
        delivery: null,
        caller: null,
        reason: null,
        createdAt: t,
        updatedAt: t,
        startedAt: t,
        finishedAt: t,
        notBefore: null,
      }),
    );
    stores.journals.upsertUnit(id, unit, { status: 'succeeded', finishedAt: t });
    stores.journals.log(id, 'info', 'task', 'one');
    stores.journals.log(id, 'info', 'task', 'two');
  }
}

describe('removeSome', () => {
  it('removes at most maxRows of each kind per call, and in slices what prune removes at once', () => {
    db.transaction(() => {
      for (let i = 0; i < 250; i++) stores.events.insert(row({ requestId: `old-${i}` }));
      stores.events.insert(row({ ts: NOW, requestId: 'new' }));
      tasksOf('web.service', 30, OLD);
      tasksOf('db.service', 5, OLD);
    })();
    const expected = stores.retention.count(cutoffs);
    expect(expected).toMatchObject({ events: 250, tasks: 33, taskLogs: 66 });

    const total = {} as RetentionCounts;
    let calls = 0;
    for (;;) {
      const some = stores.retention.removeSome(cutoffs, 100);
      calls++;
      expect(some.events).toBeLessThanOrEqual(100);
      expect(some.tasks).toBeLessThanOrEqual(100);
      for (const [k, v] of Object.entries(some) as Array<[keyof RetentionCounts, number]>)
        total[k] = (total[k] ?? 0) + v;
      if (Object.values(some).every((n) => n === 0)) break;
    }
    expect(calls).toBe(4);
    expect(total).toEqual(expected);
    // A task's log goes with it, whole; each unit keeps its newest task (its rollback image).
    expect(count('SELECT count(*) FROM task_logs')).toBe(4);
    expect(db.prepare('SELECT id FROM tasks ORDER BY id').pluck().all()).toEqual([
      'tsk_db.service_0004',
      'tsk_web.service_0029',
    ]);
    expect(db.prepare('SELECT request_id FROM events').pluck().all()).toEqual(['new']);
  });

  it('leaves tasks that finished within the period', () => {
    tasksOf('web.service', 3, NOW - DAY);
    expect(Object.values(stores.retention.removeSome(cutoffs, 10)).every((n) => n === 0)).toBe(true);
    expect(count('SELECT count(*) FROM tasks')).toBe(3);
  });
});

describe('request counts', () => {
  it('are removed with the events, and minutes older than the cutoff fold into hours', () => {
    const minute = (at: number, n: number) =>
      stores.requestCounts.add([
        { bucket: at - (at % 60_000), route: '/healthz', method: 'GET', status: 200, count: n },
      ]);
    const hourStart = NOW - (NOW % HOUR) - 2 * DAY;
    minute(hourStart + 60_000, 3);
    minute(hourStart + 120_000, 4);
    minute(hourStart + HOUR + 60_000, 5);
    minute(NOW, 6);
    minute(OLD, 7);
    expect(stores.retention.rollUpRequestCounts(NOW - (NOW % HOUR) - DAY)).toBe(4);
    expect(db.prepare('SELECT bucket, span, count FROM request_counts ORDER BY bucket').all()).toEqual([
      { bucket: OLD - (OLD % HOUR), span: HOUR, count: 7 },
      { bucket: hourStart, span: HOUR, count: 7 },
      { bucket: hourStart + HOUR, span: HOUR, count: 5 },
      { bucket: NOW - (NOW % 60_000), span: 60_000, count: 6 },
    ]);
    // Folding twice adds to the hour instead of replacing it.
    minute(hourStart + 180_000, 1);
    stores.retention.rollUpRequestCounts(NOW - (NOW % HOUR) - DAY);
    expect(count(`SELECT count FROM request_counts WHERE bucket = ${hourStart}`)).toBe(8);
    expect(stores.retention.remove(cutoffs).requestCounts).toBe(1);
    expect(stores.requestCounts.totals(0, 10)).toEqual([
      { route: '/healthz', method: 'GET', status: 200, count: 19 },
    ]);
  });
});

describe('shedding', () => {
  it('drops the oldest of each kind: request counts, folded rows, any event', () => {
    db.transaction(() => {
      for (let i = 0; i < 5; i++) stores.events.insert(row({ ts: NOW - 10 + i, requestId: `e${i}` }));
      for (let i = 0; i < 3; i++)
        stores.events.insert(
          row({ ts: NOW + i, requestId: `f${i}`, status: 401, outcome: 'rejected', count: 4 }),
        );
      stores.requestCounts.add([
        { bucket: NOW - 120_000, route: '/a', method: 'GET', status: 200, count: 1 },
        { bucket: NOW - 60_000, route: '/b', method: 'GET', status: 200, count: 1 },
      ]);
    })();
    expect(stores.retention.shed('request-counts', 1)).toBe(1);
    expect(db.prepare('SELECT route FROM request_counts').pluck().all()).toEqual(['/b']);
    expect(stores.retention.shed('folded-events', 2)).toBe(2);
    expect(db.prepare('SELECT request_id FROM events WHERE count IS NOT NULL').pluck().all()).toEqual(['f2']);
    expect(stores.retention.shed('events', 2)).toBe(2);
    expect(db.prepare('SELECT request_id FROM events ORDER BY id').pluck().all()).toEqual([
      'e2',
      'e3',
      'e4',
      'f2',
    ]);
  });

  it('measures used pages, which deleting gives back before the file shrinks', () => {
    db.transaction(() => {
      for (let i = 0; i < 5000; i++)
        stores.events.insert(row({ requestId: `r${i}`, reason: 'x'.repeat(200) }));
    })();
    const full = stores.retention.usedBytes();
    stores.retention.shed('events', 5000);
    expect(stores.retention.usedBytes()).toBeLessThan(full / 4);
    expect(stores.retention.sizeBytes()).toBeGreaterThanOrEqual(full);
    const sizes = stores.retention.sizes();
    expect(sizes.rows).toEqual({ events: 0, tasks: 0, taskLogs: 0, requestCounts: 0, rateLimits: 0 });
    expect(sizes.walBytes).toBeGreaterThan(0);
  });
});
