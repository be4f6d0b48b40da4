import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Stores } from '../domain/ports/index.js';
import { queuedTask, type TaskRecord } from '../domain/tasks/task.js';
import { openDatabase, type Database } from './database.js';
import { createStores } from './stores.js';

const DAY = 86_400_000;
const NOW = 1_700_000_000_000;
const OLD = NOW - 100 * DAY;

let dir: string;
let db: Database;
let stores: Stores;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-retention-test-'));
  db = openDatabase({ stateDir: dir, dbPath: join(dir, 'podup.db') });
  ({ stores } = createStores(db, { now: () => NOW }));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const cutoffs = { events: NOW - 30 * DAY, tasks: NOW - 90 * DAY, units: NOW - 30 * DAY, now: NOW };

function task(id: string, over: Partial<TaskRecord> = {}): TaskRecord {
  return queuedTask({
    id,
    kind: 'unit-update',
    status: 'succeeded',
    image: null,
    units: null,
    trigger: 'api',
    delivery: null,
    caller: null,
    reason: null,
    createdAt: OLD,
    updatedAt: OLD,
    startedAt: OLD,
    finishedAt: OLD,
    notBefore: null,
    ...over,
  });
}

/** A finished task that moved `unit`, with a log line. */
function moved(id: string, unit: string, at: number, status: TaskRecord['status'] = 'succeeded'): void {
  stores.tasks.create(task(id, { status, createdAt: at, updatedAt: at, finishedAt: at }));
  stores.journals.upsertUnit(id, unit, {
    status: 'succeeded',
    imageIdBefore: `img-before-${id}`,
    finishedAt: at,
  });
  stores.journals.log(id, 'info', 'task', 'done');
}

const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

describe('retention', () => {
  it('removes old events, delivery ids, expired rate-limit rows and sessions; keeps the rest', () => {
    const event = (ts: number) =>
      stores.events.insert({
        ts,
        requestId: `r${ts}`,
        route: '/healthz',
        method: 'GET',
        status: 200,
        delivery: null,
        event: null,
        action: null,
        image: null,
        outcome: 'ok',
        reason: null,
        taskId: null,
        source: null,
        durationMs: 1,
        actor: null,
      });
    event(OLD);
    event(NOW - DAY);
    const delivery = (id: string, at: number) =>
      stores.deliveries.save({
        delivery: id,
        receivedAt: at,
        event: 'ping',
        action: null,
        image: null,
        outcome: 'pong',
        reason: null,
        taskId: null,
      });
    delivery('old', OLD);
    delivery('new', NOW);
    stores.rateLimits.setTat('image', 'past', NOW - 1);
    stores.rateLimits.setTat('image', 'now', NOW);
    stores.rateLimits.setTat('image', 'future', NOW + 1);
    stores.sessions.create('token-1234567890abcdef', 'admin', NOW - 2 * DAY, DAY);
    stores.sessions.create('token-1234567890abcdef', 'admin', NOW, DAY);
    const note = (key: string, at: number) => ({
      event: 'failed' as const,
      dedupKey: key,
      time: new Date(at).toISOString(),
      severity: 'error' as const,
      title: key,
      text: key,
      taskId: null,
      link: null,
      units: [],
    });
    // Old and delivered: goes (with its delivery); old but still pending: stays; new: stays.
    stores.outbox.add(note('delivered-old', OLD), ['ch'], OLD);
    stores.outbox.delivered(1, 'ch', OLD + 1, 200);
    stores.outbox.add(note('pending-old', OLD), ['ch'], OLD);
    stores.outbox.add(note('new', NOW), ['ch'], NOW);
    stores.idempotency.save('bot', 'old', { fingerprint: 'f', result: '{}', createdAt: NOW - 2 * DAY });
    stores.idempotency.save('bot', 'new', { fingerprint: 'f', result: '{}', createdAt: NOW - 1000 });

    const expected = {
      events: 1,
      requestCounts: 0,
      deliveries: 1,
      rateLimits: 2,
      sessions: 1,
      tasks: 0,
      taskLogs: 0,
      units: 0,
      notifications: 1,
      idempotencyKeys: 1,
    };
    expect(stores.retention.count(cutoffs)).toEqual(expected);
    expect(count('events')).toBe(2);
    expect(stores.retention.remove(cutoffs)).toEqual(expected);
    expect(count('events')).toBe(1);
    expect(stores.deliveries.find('new')).toBeDefined();
    expect(stores.deliveries.find('old')).toBeUndefined();
    expect(stores.rateLimits.tat('image', 'future')).toBe(NOW + 1);
    expect(count('sessions')).toBe(1);
    expect(db.prepare('SELECT dedup_key FROM notifications ORDER BY id').pluck().all()).toEqual([
      'pending-old',
      'new',
    ]);
    expect(count('notify_deliveries')).toBe(2);
    expect(stores.idempotency.find('bot', 'new', 0)).toBeDefined();
    expect(stores.idempotency.find('bot', 'old', 0)).toBeUndefined();
  });

  it('removes finished tasks with their units and log, never a running one nor the newest task of a unit', () => {
    moved('tsk_web_1', 'web.service', OLD);
    moved('tsk_web_2', 'web.service', OLD + DAY);
    moved('tsk_db_1', 'db.service', OLD, 'failed');
    stores.tasks.create(task('tsk_running', { status: 'running', finishedAt: null }));
    stores.tasks.create(task('tsk_queued', { status: 'queued', finishedAt: null }));
    stores.tasks.create(task('tsk_recent', { createdAt: NOW, finishedAt: NOW, updatedAt: NOW }));
    stores.tasks.create(task('tsk_skipped_old'));

    const removed = stores.retention.remove(cutoffs);
    expect(removed).toMatchObject({ tasks: 2, taskLogs: 1 });
    const left = db.prepare('SELECT id FROM tasks ORDER BY id').pluck().all();
    // web_2 is web's newest (its rollback image), db_1 is db's only task.
    expect(left).toEqual(['tsk_db_1', 'tsk_queued', 'tsk_recent', 'tsk_running', 'tsk_web_2']);
    expect(db.prepare("SELECT count(*) FROM task_units WHERE task_id = 'tsk_web_1'").pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM task_logs WHERE task_id = 'tsk_web_1'").pluck().get()).toBe(0);
    expect(stores.journals.units('tsk_web_2')).toHaveLength(1);
  });

  it('removes units discovery has not seen for long, never present ones', () => {
    const unit = (name: string) => ({
      unit: name,
      image: 'ghcr.io/acme/app:1',
      imageKey: 'ghcr.io/acme/app:1',
      pinned: false,
      sources: ['podman' as const],
      policy: 'registry',
      containerId: null,
      imageId: null,
      runningDigest: null,
      containerState: null,
      problems: [],
      managed: true,
      unmanagedReason: null,
      podupLabels: {},
    });
    stores.units.replace([unit('gone.service'), unit('recent.service'), unit('here.service')], OLD);
    stores.units.replace([unit('recent.service'), unit('here.service')], NOW - DAY);
    stores.units.replace([unit('here.service')], NOW);
    expect(stores.retention.remove(cutoffs).units).toBe(1);
    expect(stores.units.all().map((u) => u.unit)).toEqual(['here.service', 'recent.service']);
  });

  it('compacts the file after removing', () => {
    expect(stores.retention.sizeBytes()).toBeGreaterThan(0);
    stores.retention.compact();
    expect(stores.retention.sizeBytes()).toBeGreaterThan(0);
  });
});
