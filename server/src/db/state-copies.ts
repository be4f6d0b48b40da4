/**
 * StateCopies over SQLite files: the online backup API for a copy of the live database while other
 * connections write, PRAGMA integrity_check and user_version to judge a copy, and the kernel's lock table
 * (/proc/locks) to see who has the live database open: every SQLite connection in WAL mode holds a read lock
 * on the database file and on its -shm for as long as it is open.
 */
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { DatabaseInfo, StateCopies } from '../domain/ports/index.js';
import { AppError, errnoCode, errorMessage } from '../errors.js';
import { MIGRATIONS } from './migrations/index.js';

/** All remaining pages in one step: one read transaction, so the copy is of one moment and never restarts. */
const ALL_PAGES = 0x7fffffff;

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const count = (db: BetterSqlite3.Database, table: string): number =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

function readInfo(db: BetterSqlite3.Database, file: string): DatabaseInfo {
  const problems = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map(
    (r) => r.integrity_check,
  );
  const tables = new Set(
    (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map(
      (r) => r.name,
    ),
  );
  if (!tables.has('events') || !tables.has('tasks')) {
    throw new AppError(
      'DATABASE_ERROR',
      `${file} is an SQLite database, but not podup's (no events or tasks)`,
    );
  }
  return {
    integrity: problems.join('; ') || 'ok',
    schema: db.pragma('user_version', { simple: true }) as number,
    events: count(db, 'events'),
    tasks: count(db, 'tasks'),
    bytes: statSync(file).size,
  };
}

/** "major:minor:inode" as /proc/locks writes it (device numbers in hex). */
function lockKey(path: string): string | undefined {
  try {
    const { dev, ino } = statSync(path);
    const major = Math.floor(dev / 256) & 0xfff;
    const minor = (dev & 0xff) | (Math.floor(dev / 4096) & ~0xff);
    return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${ino}`;
  } catch {
    return undefined;
  }
}

export class SqliteStateCopies implements StateCopies {
  readonly schemaVersion = MIGRATIONS.length;

  constructor(
    readonly dbPath: string,
    private readonly locks = '/proc/locks',
  ) {}

  async backupTo(file: string): Promise<DatabaseInfo> {
    if (!existsSync(this.dbPath)) {
      throw new AppError('DATABASE_ERROR', `no podup database at ${this.dbPath}`, {
        hint: 'name the state directory of the podup to back up (podup --state-dir DIR backup FILE)',
      });
    }
    const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
    // No migrations here: the copy is of the database as the running server has it.
    const source = new BetterSqlite3(this.dbPath, { fileMustExist: true });
    try {
      source.pragma('busy_timeout = 5000');
      await source.backup(tmp, { progress: () => ALL_PAGES });
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new AppError(
        'DATABASE_ERROR',
        `backup of ${this.dbPath} into ${file} failed: ${errorMessage(e)}`,
        {
          cause: e,
          hint: errnoCode(e) === 'EACCES' ? `check that ${dirname(file)} is writable` : undefined,
        },
      );
    } finally {
      source.close();
    }
    try {
      chmodSync(tmp, 0o600);
      const copy = new BetterSqlite3(tmp);
      let info: DatabaseInfo;
      try {
        // One file, no -wal beside it: the copy can be moved and restored as it is.
        copy.pragma('journal_mode = DELETE');
        info = readInfo(copy, tmp);
      } finally {
        copy.close();
      }
      fsyncPath(tmp);
      renameSync(tmp, file);
      fsyncPath(dirname(file));
      return info;
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  inspect(file: string): DatabaseInfo {
    let db: BetterSqlite3.Database;
    try {
      db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    } catch (e) {
      throw new AppError('DATABASE_ERROR', `cannot open ${file}: ${errorMessage(e)}`, { cause: e });
    }
    try {
      return readInfo(db, file);
    } catch (e) {
      if (e instanceof AppError) throw e;
      throw new AppError('DATABASE_ERROR', `${file} is not a usable SQLite database: ${errorMessage(e)}`, {
        cause: e,
      });
    } finally {
      db.close();
    }
  }

  openedBy(): number[] {
    const keys = new Set(
      [this.dbPath, `${this.dbPath}-shm`, `${this.dbPath}-wal`].map(lockKey).filter((k) => k !== undefined),
    );
    if (keys.size === 0) return [];
    const pids = new Set<number>();
    for (const line of readFileSync(this.locks, 'utf8').split('\n')) {
      // "1: POSIX  ADVISORY  READ 24893 fe:00:2163217 128 128" (blocked waiters are marked "->")
      const fields = line.replace(/->/, '').trim().split(/\s+/);
      const pid = Number(fields[4]);
      if (fields[5] && keys.has(fields[5]) && pid !== process.pid) pids.add(pid);
    }
    return [...pids].sort((a, b) => a - b);
  }

  replaceWith(file: string, stamp: string): { aside: string | undefined } {
    const tmp = `${this.dbPath}.restore-${stamp}.tmp`;
    const aside = `${this.dbPath}.before-restore-${stamp}`;
    const live = existsSync(this.dbPath);
    const mode = live ? statSync(this.dbPath).mode & 0o777 : 0o640;
    try {
      copyFileSync(file, tmp);
      chmodSync(tmp, mode);
      fsyncPath(tmp);
      // The -wal and -shm keep their names' relation to the database, so the set aside stays openable as one.
      for (const suffix of ['', '-wal', '-shm']) {
        if (existsSync(`${this.dbPath}${suffix}`)) renameSync(`${this.dbPath}${suffix}`, `${aside}${suffix}`);
      }
      renameSync(tmp, this.dbPath);
      fsyncPath(dirname(this.dbPath));
      return { aside: live ? aside : undefined };
    } finally {
      rmSync(tmp, { force: true });
    }
  }
}
