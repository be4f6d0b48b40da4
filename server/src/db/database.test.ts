import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { openDatabase, type Database } from './database.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';

let dir: string;
const open: Database[] = [];
const track = (db: Database): Database => {
  open.push(db);
  return db;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-db-test-'));
});
afterEach(() => {
  for (const db of open.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const userVersion = (db: Database): number => db.pragma('user_version', { simple: true }) as number;
/** The tables of the current schema (*_search_* are the full-text indexes' own). */
const SCHEMA_TABLES = [
  'api_tokens',
  'deliveries',
  'digests',
  'event_counts',
  'event_facets',
  'events',
  'idempotency_keys',
  'meta',
  'notifications',
  'notify_channels',
  'notify_deliveries',
  'rate_limits',
  'request_counts',
  'schedules',
  'sessions',
  'skipped_versions',
  'task_logs',
  'task_summaries_search',
  'task_summaries_search_config',
  'task_summaries_search_data',
  'task_summaries_search_docsize',
  'task_summaries_search_idx',
  'task_tallies',
  'task_units',
  'tasks',
  'tasks_search',
  'tasks_search_config',
  'tasks_search_data',
  'tasks_search_docsize',
  'tasks_search_idx',
  'unit_checks',
  'unit_leases',
  'unit_policies',
  'units',
];

const tables = (db: Database): string[] =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);

function appError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return e as AppError;
  }
  throw new Error('expected an AppError');
}

describe('migrate', () => {
  it('creates the schema and sets user_version to the number of migrations', () => {
    const db = track(new BetterSqlite3(':memory:'));
    expect(userVersion(db)).toBe(0);
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(tables(db)).toEqual(SCHEMA_TABLES);
  });

  it('is idempotent: a second run changes nothing and keeps the data', () => {
    const db = track(new BetterSqlite3(':memory:'));
    migrate(db);
    db.prepare("INSERT INTO rate_limits (scope, key, tat) VALUES ('image', 'ghcr.io/a/b', 5)").run();
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(migrate(db)).toBe(MIGRATIONS.length);
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT count(*) AS n FROM rate_limits').get()).toEqual({ n: 1 });
  });

  it('applies only the pending migrations, in order', () => {
    const db = track(new BetterSqlite3(':memory:'));
    const steps = ['CREATE TABLE a (x)', 'CREATE TABLE b (y)', 'ALTER TABLE a ADD COLUMN z'];
    expect(migrate(db, steps.slice(0, 1))).toBe(1);
    expect(userVersion(db)).toBe(1);
    expect(migrate(db, steps)).toBe(3);
    expect(userVersion(db)).toBe(3);
    expect(tables(db)).toEqual(['a', 'b']);
    expect((db.prepare('PRAGMA table_info(a)').all() as { name: string }[]).map((c) => c.name)).toEqual([
      'x',
      'z',
    ]);
  });

  it('rolls back a failing migration entirely and keeps the earlier version', () => {
    const db = track(new BetterSqlite3(':memory:'));
    expect(() => migrate(db, ['CREATE TABLE a (x)', 'CREATE TABLE b (y); THIS IS NOT SQL'])).toThrow();
    expect(userVersion(db)).toBe(1);
    expect(tables(db)).toEqual(['a']);
  });

  it('refuses a database written by a newer podup', () => {
    const db = track(new BetterSqlite3(':memory:'));
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    const err = appError(() => migrate(db));
    expect(err.code).toBe('DATABASE_ERROR');
    expect(err.message).toContain(`version ${MIGRATIONS.length + 1}`);
    expect(err.hint).toBeTruthy();
    expect(userVersion(db)).toBe(MIGRATIONS.length + 1);
  });
});

describe('openDatabase', () => {
  it('creates the state dir (one level), the database, WAL mode and the schema', () => {
    const stateDir = join(dir, 'state');
    const db = track(openDatabase({ stateDir, dbPath: join(stateDir, 'podup.db') }));
    expect(statSync(stateDir).isDirectory()).toBe(true);
    // created 0750: never writable by the group, nothing for others (whatever the umask adds)
    expect(statSync(stateDir).mode & 0o027).toBe(0);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(tables(db)).toEqual(SCHEMA_TABLES);
  });

  it('honours sync: normal', () => {
    const db = track(openDatabase({ stateDir: dir, dbPath: join(dir, 'p.db'), sync: 'normal' }));
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
  });

  it('reopening an existing database migrates nothing and keeps its rows', () => {
    const dbPath = join(dir, 'p.db');
    const first = openDatabase({ stateDir: dir, dbPath });
    first.prepare("INSERT INTO rate_limits (scope, key, tat) VALUES ('image', 'k', 1)").run();
    first.close();
    const again = track(openDatabase({ stateDir: dir, dbPath }));
    expect(userVersion(again)).toBe(MIGRATIONS.length);
    expect(again.prepare('SELECT tat FROM rate_limits').pluck().get()).toBe(1);
  });

  it('throws STATE_DIR_UNUSABLE with a hint naming the dir when the parent is missing', () => {
    const stateDir = join(dir, 'missing-parent', 'state');
    const err = appError(() => openDatabase({ stateDir, dbPath: join(stateDir, 'podup.db') }));
    expect(err.code).toBe('STATE_DIR_UNUSABLE');
    expect(err.message).toContain(stateDir);
    expect(err.message).toContain('ENOENT');
    expect(err.hint).toContain(stateDir);
  });

  it('throws STATE_DIR_UNUSABLE when the state dir is a file', () => {
    const stateDir = join(dir, 'a-file');
    writeFileSync(stateDir, 'x');
    const err = appError(() => openDatabase({ stateDir, dbPath: join(stateDir, 'podup.db') }));
    expect(err.code).toBe('STATE_DIR_UNUSABLE');
    expect(err.message).toContain('not a directory');
    expect(err.hint).toContain(stateDir);
  });

  it('read-only: does not create the dir or the database', () => {
    const missingDir = join(dir, 'nope');
    expect(
      appError(() => openDatabase({ stateDir: missingDir, dbPath: join(missingDir, 'p.db'), readonly: true }))
        .code,
    ).toBe('STATE_DIR_UNUSABLE');
    expect(() => statSync(missingDir)).toThrow();

    const noDb = appError(() =>
      openDatabase({ stateDir: dir, dbPath: join(dir, 'absent.db'), readonly: true }),
    );
    expect(noDb.code).toBe('STATE_DIR_UNUSABLE');
    expect(noDb.hint).toContain('podup serve');
    expect(() => statSync(join(dir, 'absent.db'))).toThrow();
  });

  it('read-only connection cannot write', () => {
    const dbPath = join(dir, 'p.db');
    track(openDatabase({ stateDir: dir, dbPath }));
    const ro = track(openDatabase({ stateDir: dir, dbPath, readonly: true }));
    expect(() => ro.prepare("INSERT INTO rate_limits (scope, key, tat) VALUES ('a', 'b', 1)").run()).toThrow(
      /readonly/,
    );
  });

  it('wraps a file that is not a database into STATE_DIR_UNUSABLE', () => {
    const dbPath = join(dir, 'garbage.db');
    writeFileSync(dbPath, 'this is definitely not an SQLite database file, just some text'.repeat(20));
    const err = appError(() => openDatabase({ stateDir: dir, dbPath }));
    expect(err.code).toBe('STATE_DIR_UNUSABLE');
    expect(err.message).toContain(dbPath);
  });

  it('passes through a newer-schema DATABASE_ERROR and closes the connection', () => {
    const dbPath = join(dir, 'newer.db');
    const raw = new BetterSqlite3(dbPath);
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    raw.close();
    expect(appError(() => openDatabase({ stateDir: dir, dbPath })).code).toBe('DATABASE_ERROR');
  });

  it('creates only one missing level (a typo in PODUP_STATE_DIR is not papered over)', () => {
    mkdirSync(join(dir, 'parent'));
    const stateDir = join(dir, 'parent', 'state');
    track(openDatabase({ stateDir, dbPath: join(stateDir, 'podup.db') }));
    expect(statSync(stateDir).isDirectory()).toBe(true);
  });
});
