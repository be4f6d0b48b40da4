/**
 * The panel's queries at scale are answered from an index (migrations 0011-0013), not by scanning the event log
 * or the tasks: each test runs a store method, catches the SQL and parameters it sent, and asks SQLite for the
 * plan of exactly that. Without statistics (podup never runs ANALYZE) the plan is what production gets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from '../domain/ports/index.js';
import { openDatabase, type Database } from './database.js';
import { createStores } from './stores.js';

let dir: string;
let db: Database;
let stores: Stores;
let sent: Array<{ sql: string; args: unknown[] }>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-plans-test-'));
  db = openDatabase({ stateDir: dir, dbPath: join(dir, 'podup.db') });
  sent = [];
  // Every statement records what it ran with, so the plan is asked for the very SQL and parameters.
  const prepare = db.prepare.bind(db);
  db.prepare = ((sql: string) => {
    const statement = prepare(sql);
    for (const method of ['all', 'get', 'run'] as const) {
      const run: (...args: unknown[]) => unknown = statement[method].bind(statement);
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        sent.push({ sql, args });
        return run(...args);
      };
    }
    return statement;
  }) as typeof db.prepare;
  ({ stores } = createStores(db));
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The plan of the last statement run by `call` whose SQL matches `sql`, one line per step. */
function planOf(call: () => unknown, sql: RegExp): string {
  sent = [];
  call();
  const last = sent.filter((s) => sql.test(s.sql)).at(-1);
  if (!last) throw new Error(`no statement matching ${sql} ran`);
  const explain = db.prepare(`EXPLAIN QUERY PLAN ${last.sql}`) as Statement<unknown[]>;
  return (explain.all(...last.args) as Array<{ detail: string }>).map((p) => p.detail).join('\n');
}

const LIST_TASKS = /^SELECT t\.\* FROM/;

describe('the event log, filtered', () => {
  const RECENT = /^SELECT e\.\* FROM events e WHERE e\.id > \?/;
  const COPIED = /^SELECT e\.\* FROM event_facets f/;

  it.each([
    ['image', { image: 'ghcr.io/acme/app:1' }],
    ['event', { event: 'package' }],
    ['status', { status: 401 }],
    ['outcome', { outcome: 'accepted' as const }],
    ['route', { route: '/webhooks/github' }],
  ])('by %s walks its index in event_facets newest first, after the rows not copied yet', (name, filter) => {
    for (const beforeId of [undefined, 500]) {
      const copied = planOf(() => stores.events.list({ ...filter, beforeId, limit: 101 }), COPIED);
      expect(copied).toMatch(
        new RegExp(`SEARCH f USING (COVERING )?INDEX event_facets_${name} \\(${name}=\\? AND rowid[<>]`),
      );
      expect(copied).toMatch(/SEARCH e USING INTEGER PRIMARY KEY \(rowid=\?\)/);
      expect(copied).not.toMatch(/TEMP B-TREE/);
      const recent = planOf(() => stores.events.list({ ...filter, beforeId, limit: 101 }), RECENT);
      expect(recent).toMatch(/SEARCH e USING INTEGER PRIMARY KEY \(rowid>\?/);
    }
  });

  it('bounds the walk by time: one seek on events_ts per bound', () => {
    const copied = planOf(() => stores.events.list({ image: 'x', since: 1, until: 2, limit: 101 }), COPIED);
    expect(copied).toMatch(
      /SEARCH f USING (COVERING )?INDEX event_facets_image \(image=\? AND rowid>\? AND rowid<\?\)/,
    );
    expect(copied).toMatch(/SEARCH events USING COVERING INDEX events_ts \(ts>\?\)/);
    expect(copied).toMatch(/SEARCH events USING COVERING INDEX events_ts \(ts<\?\)/);
    // The rows not copied yet are walked by id, not through a day's range of events_ts.
    const recent = planOf(() => stores.events.list({ image: 'x', since: 1, limit: 101 }), RECENT);
    expect(recent).toMatch(/SEARCH e USING INTEGER PRIMARY KEY \(rowid>\?/);
    const unfiltered = planOf(
      () => stores.events.list({ since: 1, limit: 101 }),
      /^SELECT e\.\* FROM events e/,
    );
    expect(unfiltered).toMatch(/SEARCH e USING INTEGER PRIMARY KEY \(rowid>\?/);
  });

  it.each([
    ['delivery', { delivery: 'd-1' }, 'events_delivery'],
    ['task', { taskId: 'tsk_A' }, 'events_task'],
  ])('by %s walks %s on events, also with another filter', (_name, filter, index) => {
    const plan = planOf(
      () => stores.events.list({ ...filter, outcome: 'accepted', beforeId: 500, limit: 101 }),
      /^SELECT e\.\* FROM events e/,
    );
    expect(plan).toMatch(new RegExp(`USING INDEX ${index}\\b`));
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('counts the rows of the last 24 hours from event_counts, the first minute and the rows not copied yet', () => {
    sent = [];
    stores.events.countSince(Date.now() - 86_400_000);
    const plans = sent
      .filter(({ sql }) => /count/.test(sql))
      .map(({ sql, args }) =>
        (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as Array<{ detail: string }>)
          .map((p) => p.detail)
          .join('\n'),
      );
    expect(plans).toHaveLength(3);
    expect(plans[0]).toMatch(/SEARCH event_counts USING INTEGER PRIMARY KEY \(rowid>\?\)/);
    expect(plans[1]).toMatch(/SEARCH events USING COVERING INDEX events_ts \(ts>\? AND ts<\?\)/);
    expect(plans[2]).toMatch(/SEARCH events USING INTEGER PRIMARY KEY \(rowid>\?\)/);
  });
});

describe('the task list, filtered', () => {
  it.each([
    ['image', { image: 'ghcr.io/acme/app:1' }, 'tasks_image'],
    ['kind', { kind: ['unit-update' as const] }, 'tasks_kind'],
    ['trigger', { trigger: ['retry' as const] }, 'tasks_trigger'],
    [
      'trigger and kinds (the panel\'s "Automatic")',
      { trigger: ['scheduler' as const], kind: ['image-update' as const, 'unit-update' as const] },
      'tasks_trigger',
    ],
    ['status', { status: 'failed' as const }, 'tasks_status'],
  ])('by %s walks %s newest first, also from a cursor', (_name, filter, index) => {
    for (const beforeCreated of [undefined, { createdAt: 1_700_000_000_000, id: 'tsk_Z' }]) {
      const plan = planOf(() => stores.tasks.list({ ...filter, beforeCreated, limit: 51 }), LIST_TASKS);
      expect(plan).toMatch(new RegExp(`USING INDEX ${index}\\b`));
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });

  it("by unit walks the unit's entries in task_units_newest, then each task by id, also from a cursor", () => {
    for (const beforeCreated of [undefined, { createdAt: 1_700_000_000_000, id: 'tsk_Z' }]) {
      for (const status of [undefined, 'failed' as const]) {
        const plan = planOf(
          () => stores.tasks.list({ unit: 'web.service', status, beforeCreated, limit: 51 }),
          LIST_TASKS,
        );
        expect(plan).toMatch(/SEARCH tu USING COVERING INDEX task_units_newest \(unit=\?/);
        expect(plan).toMatch(/SEARCH t USING PRIMARY KEY \(id=\?\)/);
        expect(plan).not.toMatch(/TEMP B-TREE/);
      }
    }
  });

  it('finds the tasks retention may remove from tasks_finished, one seek per unit to keep the newest', () => {
    const plan = planOf(
      () => stores.retention.removeSome({ events: 0, tasks: Date.now(), units: 0, now: Date.now() }, 100),
      /INSERT INTO prune_tasks/,
    );
    expect(plan).toMatch(/SEARCH t USING INDEX tasks_finished \(finished_at<\?\)/);
    expect(plan).toMatch(/SEARCH newer USING COVERING INDEX task_units_newest \(unit=\? AND /);
    expect(plan).not.toMatch(/SCAN/);
  });

  it('pages the unfiltered list with a range on tasks_created', () => {
    const plan = planOf(
      () => stores.tasks.list({ beforeCreated: { createdAt: 1_700_000_000_000, id: 'tsk_Z' }, limit: 51 }),
      LIST_TASKS,
    );
    expect(plan).toMatch(/SEARCH t USING INDEX tasks_created \(\(created_at,id\)<\(\?,\?\)\)/);
    expect(plan).not.toMatch(/TEMP B-TREE/);
  });

  it('searches text through the trigram index, then reads the few tasks it names by row', () => {
    sent = [];
    stores.tasks.list({ text: 'svc-13', limit: 51 });
    const fts = sent.find((s) => /tasks_search MATCH/.test(s.sql));
    expect(fts?.args[0]).toEqual({ term: '"svc-13"', limit: 2001 });
    const plan = planOf(() => stores.tasks.list({ text: 'svc-13', limit: 51 }), LIST_TASKS);
    expect(plan).toMatch(/SEARCH t USING INDEX tasks_search_row \(search_row=\?\)/);
    expect(plan).not.toMatch(/SCAN t\b/);
  });

  it('reads the newest result per unit with one seek per unit', () => {
    const plan = planOf(() => stores.journals.lastResults(), /WITH RECURSIVE/);
    expect(plan).toMatch(/SEARCH tu USING INDEX task_units_finished \(unit=\? AND finished_at=\?\)/);
    expect(plan).not.toMatch(/SCAN task_units|SCAN tu\b/);
  });

  it("counts the overview's tasks from task_tallies, and the first minute from tasks_finished", () => {
    const plan = planOf(() => stores.tasks.counts(Date.now() - 86_400_000), /task_tallies/);
    expect(plan).toMatch(/task_tallies/);
    expect(plan).toMatch(/SEARCH tasks USING INDEX tasks_finished \(finished_at>\? AND finished_at<\?\)/);
    expect(plan).not.toMatch(/SCAN tasks\b/);
  });
});
