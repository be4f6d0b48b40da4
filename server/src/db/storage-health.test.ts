import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStorageFault, type AppError } from '../errors.js';
import { StorageHealth } from './storage-health.js';

let dir: string;
let dbPath: string;
let now: number;
let lines: Array<{ level: string; fields: Record<string, unknown>; msg: string }>;
let health: StorageHealth;

const sqliteError = (code: string, message = code) => Object.assign(new Error(message), { code });
const log = (level: string) => (fields: object, msg: string) =>
  lines.push({ level, fields: fields as Record<string, unknown>, msg });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-health-test-'));
  dbPath = join(dir, 'podup.db');
  now = 1_000_000;
  lines = [];
  health = new StorageHealth({
    stateDir: dir,
    dbPath,
    clock: { now: () => now },
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    logEveryMs: 60_000,
    settleMs: 5000,
  });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function fault(err: unknown): AppError {
  const f = health.failed(err);
  expect(isStorageFault(f)).toBe(true);
  return f as AppError;
}

describe('which errors are the disk', () => {
  it('a full disk is STORAGE_FULL: "disk full: <dir>", the fix naming the dir, a Retry-After', () => {
    const f = fault(sqliteError('SQLITE_FULL', 'database or disk is full'));
    expect(f.code).toBe('STORAGE_FULL');
    expect(f.message).toBe(`disk full: ${dir}`);
    expect(f.hint).toContain(dir);
    expect(f.retryAfterSec).toBeGreaterThan(0);
    expect(health.fault).toBe(f);
  });

  it('a read-only database or file system is STORAGE_READ_ONLY', () => {
    expect(fault(sqliteError('SQLITE_READONLY')).message).toBe(`read-only: ${dir}`);
    expect(fault(sqliteError('EROFS')).code).toBe('STORAGE_READ_ONLY');
  });

  it('an I/O error on a disk with room and write access is STORAGE_FAILED, with the reason', () => {
    const f = fault(sqliteError('SQLITE_IOERR_FSYNC', 'disk I/O error'));
    expect(f.code).toBe('STORAGE_FAILED');
    expect(f.message).toBe(`storage failing: ${dir} (disk I/O error)`);
  });

  it('leaves everything else alone: constraints, locks, bugs', () => {
    for (const err of [
      sqliteError('SQLITE_CONSTRAINT_UNIQUE'),
      sqliteError('SQLITE_BUSY'),
      new Error('bug'),
    ]) {
      expect(health.failed(err)).toBe(err);
    }
    // A missing file or a wrong path, on a disk with room and write access.
    const cantOpen = sqliteError('SQLITE_CANTOPEN');
    expect(health.failed(cantOpen)).toBe(cantOpen);
    expect(health.fault).toBeUndefined();
    expect(lines).toEqual([]);
  });
});

describe('logging a fault', () => {
  it('once when it starts, once per interval while it lasts, once when it is over', () => {
    for (let i = 0; i < 100; i++) {
      health.failed(sqliteError('SQLITE_FULL'));
      now += 100;
    }
    expect(lines.map((l) => l.msg)).toEqual([`storage fault: disk full: ${dir}`]);
    expect(lines[0]?.level).toBe('error');
    expect(lines[0]?.fields.hint).toContain(dir);

    now += 60_000;
    health.failed(sqliteError('SQLITE_FULL'));
    expect(lines.at(-1)?.msg).toBe(`storage fault persists: disk full: ${dir}`);
    expect(lines.at(-1)?.fields.refused).toBe(100);

    now += 5000;
    health.succeeded();
    expect(health.fault).toBeUndefined();
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: `storage writable again: ${dir}` });
    expect(lines).toHaveLength(3);
  });

  it('a nearly full disk that takes a commit now and then is one fault, not a new one each time', () => {
    for (let i = 0; i < 20; i++) {
      health.failed(sqliteError('SQLITE_FULL'));
      now += 200;
      health.succeeded();
      // What is refused now is what /readyz reports, at once.
      expect(health.fault).toBeUndefined();
      now += 200;
    }
    expect(lines.map((l) => l.msg)).toEqual([`storage fault: disk full: ${dir}`]);
    now += 5000;
    health.succeeded();
    expect(lines.map((l) => l.msg)).toEqual([
      `storage fault: disk full: ${dir}`,
      `storage writable again: ${dir}`,
    ]);
  });

  it('another kind of fault is a new line', () => {
    health.failed(sqliteError('SQLITE_FULL'));
    health.failed(sqliteError('SQLITE_READONLY'));
    expect(lines.map((l) => l.msg)).toEqual([
      `storage fault: disk full: ${dir}`,
      `storage fault: read-only: ${dir}`,
    ]);
  });
});

describe('the files at their paths', () => {
  // Held open like the connection holds them: an unlinked file keeps its inode number while it is open.
  let fds: number[] = [];
  beforeEach(() => {
    fds = [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].map((f) => {
      writeFileSync(f, 'x');
      return openSync(f, 'r+');
    });
    health.remember();
  });
  afterEach(() => {
    for (const fd of fds) closeSync(fd);
  });

  it('all there: nothing to say', () => {
    expect(() => health.verifyFiles()).not.toThrow();
    expect(health.fault).toBeUndefined();
  });

  it.each(['', '-wal', '-shm'])('podup.db%s deleted: STORAGE_DELETED for good, logged once', (suffix) => {
    rmSync(`${dbPath}${suffix}`);
    let err: unknown;
    try {
      health.verifyFiles();
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'STORAGE_DELETED', message: `database deleted: ${dbPath}${suffix}` });
    expect((err as AppError).hint).toMatch(/restart podup/);
    // Sticky: a commit that works (into the unlinked file) does not make it right.
    health.succeeded();
    expect(() => health.assertUsable()).toThrow(/database deleted/);
    expect(() => health.verifyFiles()).toThrow(/database deleted/);
    health.failed(sqliteError('SQLITE_FULL'));
    expect(health.fault?.code).toBe('STORAGE_DELETED');
    expect(lines.filter((l) => l.msg.startsWith('storage fault'))).toHaveLength(1);
  });

  it('replaced by another file at the same path', () => {
    rmSync(dbPath);
    writeFileSync(dbPath, 'a new database');
    expect(() => health.verifyFiles()).toThrow(`database deleted: ${dbPath}`);
  });
});
