/**
 * A database written before migrations 0010-0014 keeps its rows and gets every derived structure filled from
 * them: per-minute event and delivery counts, task tallies, the tasks' search index and task_units' created_at.
 */
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';
import { createStores } from './stores.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const open: BetterSqlite3.Database[] = [];
afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

describe('upgrading a database of release 4', () => {
  it('fills the counts, tallies and search index from the rows already there', () => {
    const db = new BetterSqlite3(':memory:');
    open.push(db);
    migrate(db, MIGRATIONS.slice(0, 4));
    const event = db.prepare(
      `INSERT INTO events (ts, request_id, route, method, status, outcome) VALUES (?, ?, '/healthz', 'GET', 200, 'ok')`,
    );
    for (let i = 0; i < 5; i++) event.run(T0 + i * 20_000, `r${i}`);
    const delivery = db.prepare(
      `INSERT INTO events (ts, request_id, route, method, status, outcome)
       VALUES (?, ?, '/webhooks/github', 'POST', 202, 'accepted')`,
    );
    for (let i = 0; i < 3; i++) delivery.run(T0 + i * 30_000, `d${i}`);
    const task = db.prepare(
      `INSERT INTO tasks (id, kind, status, image, trigger, caller, created_at, updated_at, finished_at, summary)
       VALUES (?, 'image-update', ?, 'ghcr.io/acme/web:1', 'webhook', 'github', ?, ?, ?, ?)`,
    );
    task.run('tsk_old', 'succeeded', T0, T0, T0 + 1000, 'moved web.service onto sha256:abc');
    task.run('tsk_new', 'queued', T0 + 5000, T0 + 5000, null, null);
    db.prepare(
      `INSERT INTO task_units (task_id, unit, status) VALUES ('tsk_old', 'web.service', 'succeeded')`,
    ).run();

    migrate(db);
    const { stores } = createStores(db);
    expect(stores.events.countSince(T0)).toBe(8);
    // Migration 0014: the overview counts the deliveries among them.
    expect(stores.events.countSince(T0, true)).toBe(3);
    expect(stores.tasks.counts(T0)).toMatchObject({ queued: 1, succeeded24h: 1 });
    expect(stores.tasks.list({ text: 'sha256:abc', limit: 10 }).map((t) => t.id)).toEqual(['tsk_old']);
    expect(stores.tasks.list({ unit: 'web.service', limit: 10 }).map((t) => t.id)).toEqual(['tsk_old']);
    // A task created after the upgrade goes after the ones before it.
    stores.tasks.create({
      ...stores.tasks.get('tsk_new')!,
      id: 'tsk_after',
      createdAt: T0 + 9000,
      reason: 'published after the upgrade',
    });
    expect(stores.tasks.list({ text: 'after the upgrade', limit: 10 }).map((t) => t.id)).toEqual([
      'tsk_after',
    ]);
    expect(db.prepare('SELECT search_row FROM tasks ORDER BY search_row').pluck().all()).toEqual([1, 2, 3]);
  });
});
