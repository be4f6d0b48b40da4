/**
 * The task store's claims on a real SQLite file whose commit fails when the statement ends, after its row was
 * produced: what a full disk does to an autocommitted UPDATE ... RETURNING (the WAL frames are written at the
 * end). A claim must fail then, not hand out the row of an update SQLite rolled back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../domain/tasks/task.js';
import { openDatabase, type Database } from './database.js';
import { SqliteTaskStore } from './task-store.js';

const T0 = 1_700_000_000_000;
const OWNER = 'host:1:a';

let dir: string;
let db: Database;
let store: SqliteTaskStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-task-store-test-'));
  db = openDatabase({ stateDir: dir, dbPath: join(dir, 'podup.db') });
  store = new SqliteTaskStore(db);
  store.create(task());
});

afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const task = (over: Partial<TaskRecord> = {}): TaskRecord => ({
  id: 'tsk_A',
  kind: 'image-update',
  status: 'queued',
  image: 'ghcr.io/acme/app:stable',
  units: null,
  trigger: 'webhook',
  actor: null,
  delivery: 'd-1',
  caller: null,
  reason: null,
  createdAt: T0,
  updatedAt: T0,
  startedAt: null,
  finishedAt: null,
  notBefore: null,
  attempts: 0,
  summary: null,
  retryOf: null,
  stopRequested: null,
  digest: null,
  force: false,
  expiresAt: null,
  approvedBy: null,
  source: null,
  ...over,
});

/**
 * Every commit that changed a task fails once the statement has run: a deferred foreign key that no row
 * satisfies is checked at commit, where a full disk fails too.
 */
function failCommitsOfTasks(): void {
  db.exec(`
    CREATE TEMP TABLE veto_parent (id INTEGER PRIMARY KEY);
    CREATE TEMP TABLE veto (parent INTEGER REFERENCES veto_parent (id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TEMP TRIGGER veto_tasks AFTER UPDATE ON main.tasks BEGIN INSERT INTO veto VALUES (1); END;
  `);
}

const statusOf = (id: string) => store.get(id);

describe('claims whose commit fails', () => {
  it('claimNext throws, and the task stays queued with its attempts', () => {
    failCommitsOfTasks();
    expect(() => store.claimNext(OWNER, T0, T0 + 30_000)).toThrow(/FOREIGN KEY/);
    expect(statusOf('tsk_A')).toMatchObject({ status: 'queued', attempts: 0, startedAt: null });
  });

  it('claim of a named task throws the same way', () => {
    failCommitsOfTasks();
    expect(() => store.claim('tsk_A', OWNER, T0, T0 + 30_000)).toThrow(/FOREIGN KEY/);
    expect(statusOf('tsk_A')?.status).toBe('queued');
  });

  it('claims as before once commits succeed again', () => {
    failCommitsOfTasks();
    expect(() => store.claimNext(OWNER, T0, T0 + 30_000)).toThrow();
    db.exec('DROP TRIGGER temp.veto_tasks');
    expect(store.claimNext(OWNER, T0, T0 + 30_000)).toMatchObject({
      id: 'tsk_A',
      status: 'running',
      attempts: 1,
    });
    expect(statusOf('tsk_A')?.status).toBe('running');
  });
});

describe('unclaim', () => {
  it('hands a claimed task back to the queue with the attempt undone', () => {
    store.claimNext(OWNER, T0, T0 + 30_000);
    expect(store.unclaim('tsk_A', OWNER, T0 + 5)).toBe(true);
    expect(statusOf('tsk_A')).toMatchObject({
      status: 'queued',
      attempts: 0,
      startedAt: null,
      updatedAt: T0 + 5,
    });
    expect(store.running()).toEqual([]);
    expect(store.claimNext(OWNER, T0 + 10, T0 + 30_000)?.attempts).toBe(1);
  });

  it('leaves a task alone that another owner holds, or that is not running', () => {
    store.claimNext(OWNER, T0, T0 + 30_000);
    expect(store.unclaim('tsk_A', 'host:2:b', T0)).toBe(false);
    expect(statusOf('tsk_A')?.status).toBe('running');
    store.finish('tsk_A', 'succeeded', 'done', T0 + 1);
    expect(store.unclaim('tsk_A', OWNER, T0 + 2)).toBe(false);
    expect(statusOf('tsk_A')?.status).toBe('succeeded');
  });

  it('keeps the start of an earlier attempt', () => {
    store.create(task({ id: 'tsk_B', attempts: 1, startedAt: T0 - 100, createdAt: T0 + 1 }));
    store.claim('tsk_B', OWNER, T0, T0 + 30_000);
    store.unclaim('tsk_B', OWNER, T0 + 1);
    expect(statusOf('tsk_B')).toMatchObject({ status: 'queued', attempts: 1 });
    expect(statusOf('tsk_B')?.startedAt).not.toBeNull();
  });
});

describe('setSource', () => {
  const source = (commit: string) => ({ commit, commitUrl: null, page: null });
  const totalChanges = () => db.prepare('SELECT total_changes()').pluck().get() as number;

  it("a queued task takes a newer push's source; the same source again writes nothing", () => {
    store.create(task({ id: 'tsk_S' }));
    store.setSource('tsk_S', source('a'.repeat(40)));
    expect(store.get('tsk_S')?.source?.commit).toBe('a'.repeat(40));
    const before = totalChanges();
    store.setSource('tsk_S', source('a'.repeat(40)));
    expect(totalChanges()).toBe(before);
    store.setSource('tsk_S', source('b'.repeat(40)));
    expect(store.get('tsk_S')?.source?.commit).toBe('b'.repeat(40));
  });
});
