/**
 * The task list and overview at scale give the same answers as the plain queries they replaced: text search
 * through the trigram index (or LIKE where it cannot help), counts kept by triggers, the newest result per unit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from '../domain/ports/index.js';
import { queuedTask, type TaskRecord } from '../domain/tasks/task.js';
import { openDatabase, type Database } from './database.js';
import { createStores } from './stores.js';

const T0 = Date.UTC(2026, 5, 15, 12, 0, 0);
const MIN = 60_000;

let dir: string;
let db: Database;
let stores: Stores;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-task-queries-'));
  db = openDatabase({ stateDir: dir, dbPath: join(dir, 'podup.db') });
  ({ stores } = createStores(db));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

let n: number;
beforeEach(() => {
  n = 0;
});

function task(over: Partial<TaskRecord> = {}): TaskRecord {
  const t = T0 + n * 1000;
  const record = queuedTask({
    id: `tsk_${String(n++).padStart(6, '0')}`,
    kind: 'image-update',
    status: 'queued',
    image: 'ghcr.io/acme/web:stable',
    units: null,
    trigger: 'webhook',
    delivery: null,
    caller: 'github',
    reason: 'package published',
    createdAt: t,
    updatedAt: t,
    startedAt: null,
    finishedAt: null,
    notBefore: null,
    ...over,
  });
  stores.tasks.create(record);
  return record;
}

const search = (text: string, limit = 50) => stores.tasks.list({ text, limit }).map((t) => t.id);

describe('text search', () => {
  it('finds a substring of any searched column, case-insensitively, newest first', () => {
    const a = task({ image: 'ghcr.io/acme/Billing-API:2' });
    const b = task({ units: ['billing-worker.service'] });
    const c = task({ reason: 'retry of billing' });
    task({ caller: 'cli:alice' });
    expect(search('billing')).toEqual([c.id, b.id, a.id]);
    expect(search('BILLING-api')).toEqual([a.id]);
    expect(search('alice')).toHaveLength(1);
    expect(search(a.id.slice(4))).toEqual([a.id]);
    // Quotes and LIKE wildcards are text, not syntax.
    const quoted = task({ reason: 'say "100%_done"' });
    expect(search('"100%_')).toEqual([quoted.id]);
    expect(search('100%')).toEqual([quoted.id]);
    expect(search('nothing like it')).toEqual([]);
  });

  it('finds terms shorter than a trigram with LIKE', () => {
    const a = task({ caller: 'x9' });
    task();
    expect(search('x9')).toEqual([a.id]);
    expect(search('%')).toEqual([]);
  });

  it('follows updates and deletes: a summary written at the end is found, a pruned task is not', () => {
    const t = task();
    stores.tasks.finish(t.id, 'failed', 'pull failed: manifest unknown', T0 + MIN);
    expect(search('manifest unknown')).toEqual([t.id]);
    stores.tasks.finish(t.id, 'failed', 'something else', T0 + MIN);
    expect(search('manifest unknown')).toEqual([]);
    db.prepare('DELETE FROM tasks WHERE id = ?').run(t.id);
    expect(search('something else')).toEqual([]);
  });

  it('answers a term held by thousands of tasks from the newest ones, with the cursor and other filters', () => {
    db.transaction(() => {
      for (let i = 0; i < 2100; i++) task({ status: i % 3 ? 'succeeded' : 'failed', finishedAt: T0 });
    })();
    const first = stores.tasks.list({ text: 'acme', limit: 50 });
    expect(first).toHaveLength(50);
    expect(first[0]?.id).toBe('tsk_002099');
    const next = stores.tasks.list({
      text: 'acme',
      status: 'failed',
      beforeCreated: { createdAt: first[49]!.createdAt, id: first[49]!.id },
      limit: 3,
    });
    expect(next.map((t) => t.id)).toEqual(['tsk_002049', 'tsk_002046', 'tsk_002043']);
  });
});

describe('overview counts', () => {
  it('equal a count over the tasks after inserts, status changes, retries and deletes', () => {
    const since = T0 + 10 * MIN + 30_000;
    const brute = () => {
      const c = (sql: string, ...p: unknown[]) =>
        db
          .prepare(sql)
          .pluck()
          .get(...p) as number;
      const ended = (s: string) =>
        c('SELECT count(*) FROM tasks WHERE status = ? AND finished_at >= ?', s, since);
      return {
        queued: c("SELECT count(*) FROM tasks WHERE status = 'queued'"),
        running: c("SELECT count(*) FROM tasks WHERE status = 'running'"),
        awaitingApproval: c("SELECT count(*) FROM tasks WHERE status = 'awaiting-approval'"),
        deferred: c("SELECT count(*) FROM tasks WHERE status = 'deferred'"),
        succeeded24h: ended('succeeded'),
        failed24h: ended('failed'),
        rolledBack24h: ended('rolled-back'),
      };
    };
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(task().id);
    const statuses = ['succeeded', 'failed', 'rolled-back', 'cancelled'] as const;
    ids.forEach((id, i) => {
      if (i % 4 === 3) return;
      const t = stores.tasks.claim(id, 'me', T0, T0 + MIN);
      expect(t?.status).toBe('running');
      if (i % 4 === 2) return;
      // Finished across the since boundary, some in its very minute.
      stores.tasks.finish(id, statuses[i % statuses.length]!, 'done', T0 + 10 * MIN + i * 2000);
    });
    stores.tasks.interrupt(ids[2]!, true, T0 + 11 * MIN);
    stores.tasks.interrupt(ids[6]!, false, T0 + 11 * MIN);
    stores.tasks.cancelQueued(ids[3]!, 'no', T0 + 12 * MIN);
    // Waiting on a policy: counted whatever their age, like queued tasks.
    const park = (i: number, status: 'awaiting-approval' | 'deferred') => {
      const held = stores.tasks.claim(ids[i]!, 'me', T0, T0 + MIN);
      expect(held?.status).toBe('running');
      const base = { units: ['web.service'], digest: null, expiresAt: null, summary: 'waits' };
      expect(stores.tasks.park(ids[i]!, 'me', { ...base, status, notBefore: T0 + 60 * MIN }, T0 + MIN)).toBe(
        true,
      );
    };
    park(7, 'awaiting-approval');
    park(11, 'deferred');
    park(15, 'deferred');
    db.prepare('DELETE FROM tasks WHERE id IN (?, ?)').run(ids[0], ids[1]);
    expect(stores.tasks.counts(since)).toEqual(brute());
    expect(stores.tasks.counts(0)).toEqual({ ...brute(), ...countsSince(0) });

    function countsSince(s: number) {
      const c = (status: string) =>
        db
          .prepare('SELECT count(*) FROM tasks WHERE status = ? AND finished_at >= ?')
          .pluck()
          .get(status, s) as number;
      return { succeeded24h: c('succeeded'), failed24h: c('failed'), rolledBack24h: c('rolled-back') };
    }
  });
});

describe('the newest result per unit', () => {
  it('is the unit row of the task that finished last on it', () => {
    const finish = (id: string, unit: string, at: number, status: 'succeeded' | 'failed') =>
      stores.journals.upsertUnit(id, unit, { status, finishedAt: at });
    finish(task().id, 'web.service', T0, 'succeeded');
    const last = task().id;
    finish(last, 'web.service', T0 + MIN, 'failed');
    finish(last, 'db.service', T0 + MIN, 'succeeded');
    stores.journals.upsertUnit(task().id, 'web.service', { status: 'running' });
    const results = stores.journals.lastResults().sort((a, b) => a.unit.localeCompare(b.unit));
    expect(results).toEqual([
      { unit: 'db.service', status: 'succeeded', taskId: last, finishedAt: T0 + MIN },
      { unit: 'web.service', status: 'failed', taskId: last, finishedAt: T0 + MIN },
    ]);
  });
});

describe('task list rows (issue 13)', () => {
  it('count() matches what list() walks, with the same filters, the cursor aside, up to its bound', () => {
    for (let i = 0; i < 30; i++) task({ status: i % 3 === 0 ? 'failed' : 'succeeded' });
    expect(stores.tasks.count({ limit: 1 }, 1000)).toBe(30);
    expect(stores.tasks.count({ status: 'failed', limit: 1 }, 1000)).toBe(10);
    const first = stores.tasks.list({ status: 'failed', limit: 3 });
    const last = first.at(-1)!;
    expect(
      stores.tasks.count(
        { status: 'failed', beforeCreated: { createdAt: last.createdAt, id: last.id }, limit: 1 },
        1000,
      ),
    ).toBe(10);
    // It stops counting at its bound.
    expect(stores.tasks.count({ limit: 1 }, 21)).toBe(21);
    expect(stores.tasks.count({ status: 'failed', limit: 1 }, 21)).toBe(10);
  });

  it('outcomesOf() and journalsOf() read a page of tasks at once, by task', () => {
    const a = task({ status: 'failed' });
    const b = task();
    stores.journals.upsertUnit(a.id, 'web.service', { status: 'rolled-back', reason: 'health check failed' });
    stores.journals.upsertUnit(a.id, 'api.service', { status: 'succeeded' });
    stores.journals.log(
      a.id,
      'info',
      'diagnose',
      'journal of web.service:\nStarting\nweb: fatal: no config',
      'web.service',
    );
    stores.journals.log(a.id, 'info', 'task', 'done');
    const outcomes = stores.journals.outcomesOf([a.id, b.id]);
    expect(outcomes.get(a.id)).toEqual([
      { unit: 'api.service', status: 'succeeded', reason: null },
      { unit: 'web.service', status: 'rolled-back', reason: 'health check failed' },
    ]);
    expect(outcomes.has(b.id)).toBe(false);
    expect(stores.journals.journalsOf([a.id, b.id])).toEqual(
      new Map([[a.id, ['journal of web.service:\nStarting\nweb: fatal: no config']]]),
    );
    expect(stores.journals.outcomesOf([]).size).toBe(0);
  });
});
