/**
 * Opens the state database. WAL lets the CLI read while the server writes; busy_timeout covers the short
 * moments two writers (server and `podup prune`) meet. synchronous=FULL makes every acknowledged webhook
 * survive power loss, and the write batcher keeps that affordable by sharing one commit among requests.
 */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { AppError, errnoCode, errorMessage } from '../errors.js';
import { migrate } from './migrate.js';
import { faultKindOf, storageFault } from './storage-faults.js';

export type { Database } from 'better-sqlite3';

export interface OpenOptions {
  stateDir: string;
  dbPath: string;
  sync?: 'full' | 'normal';
  readonly?: boolean;
  busyTimeoutMs?: number;
}

const hintFor = (dir: string): string =>
  `create it with "mkdir -p ${dir}" (owned by the user podup runs as), or point PODUP_STATE_DIR at a writable directory`;

const DENIED = new Set(['EACCES', 'EPERM']);

/** What to do when the state dir exists but this user may not use it: podup's own user owns it. */
function permissionHint(dir: string): string {
  let owner = '';
  try {
    const st = statSync(dir);
    owner = ` (owner uid ${st.uid}, mode ${(st.mode & 0o777).toString(8)})`;
  } catch {
    /* the dir itself cannot be looked at: say what we can */
  }
  return (
    `${dir}${owner} is not accessible to uid ${process.getuid?.() ?? '?'}: run this as the user podup runs as ` +
    `(e.g. sudo -u <that user> podup ...), or give this user access (group membership, chmod g+rwx, or chown)`
  );
}

/** The hint for a state dir or database that failed with `code`: missing, or a matter of permissions. */
function hintForErrno(code: string | undefined, dir: string): string {
  return code !== undefined && DENIED.has(code) ? permissionHint(dir) : hintFor(dir);
}

/** Why `path` cannot be opened (for `mode`), as an errno code; undefined when nothing is in the way. */
function accessErrno(path: string, mode: number): string | undefined {
  try {
    accessSync(path, mode);
    return undefined;
  } catch (e) {
    return errnoCode(e);
  }
}

/**
 * For readers (the CLI): the database must exist already. Missing means podup has not run with this state dir;
 * present but unreadable is a matter of permissions, whatever stat says about existence.
 */
export function assertDatabaseReadable(stateDir: string, dbPath: string): void {
  const code = accessErrno(dbPath, constants.R_OK);
  if (code === undefined) return;
  if (DENIED.has(code)) {
    throw new AppError('STATE_DIR_UNUSABLE', `cannot read the podup database at ${dbPath} (${code})`, {
      hint: permissionHint(stateDir),
    });
  }
  throw new AppError('STATE_DIR_UNUSABLE', `no podup database at ${dbPath} (${code})`, {
    hint: 'podup has not run with this state directory: name the installed one (podup --state-dir DIR ..., or PODUP_STATE_DIR), or start podup once (podup serve)',
  });
}

function ensureStateDir(dir: string, create: boolean): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    const code = errnoCode(e);
    if (code !== 'ENOENT' || !create) {
      throw new AppError(
        'STATE_DIR_UNUSABLE',
        `state directory ${dir} is missing or unreadable (${code ?? errorMessage(e)})`,
        { hint: hintForErrno(code, dir) },
      );
    }
    try {
      // Not recursive: a missing parent usually means a typo in PODUP_STATE_DIR.
      mkdirSync(dir, { mode: 0o750 });
      return;
    } catch (e2) {
      const code2 = errnoCode(e2);
      throw new AppError(
        'STATE_DIR_UNUSABLE',
        `state directory ${dir} does not exist and cannot be created (${code2 ?? errorMessage(e2)})`,
        { hint: hintForErrno(code2, dir) },
      );
    }
  }
  if (!isDir) {
    throw new AppError('STATE_DIR_UNUSABLE', `state directory ${dir} is not a directory`, {
      hint: hintFor(dir),
    });
  }
  const denied = accessErrno(dir, create ? constants.R_OK | constants.W_OK | constants.X_OK : constants.X_OK);
  if (denied === 'EROFS' && create) {
    // A read-only file system is a disk fault, not a configuration error: podup serve waits for it
    // (db/state-database.ts). A permission problem is the operator's to fix: exit 78 with the fix.
    throw storageFault('read-only', dir, dir, new Error(denied));
  }
  if (denied !== undefined) {
    throw new AppError(
      'STATE_DIR_UNUSABLE',
      `state directory ${dir} is not ${create ? 'writable' : 'readable'} (${denied})`,
      { hint: hintForErrno(denied, dir) },
    );
  }
}

/** SQLite opens a file it may not write read-only without a word, and would then refuse every write. */
function ensureWritableFile(path: string, stateDir: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw storageFault('read-only', path, stateDir, e);
  }
}

/** A disk fault as its STORAGE_* error; anything else as `otherwise`. */
function openFailure(e: unknown, stateDir: string, otherwise: () => AppError): AppError {
  const kind = faultKindOf(e, stateDir);
  return kind ? storageFault(kind, stateDir, stateDir, e) : otherwise();
}

export function openDatabase(options: OpenOptions): Database {
  const readonly = options.readonly ?? false;
  ensureStateDir(options.stateDir, !readonly);
  if (!readonly) ensureWritableFile(options.dbPath, options.stateDir);
  let db: Database;
  try {
    db = new BetterSqlite3(options.dbPath, { readonly, fileMustExist: readonly });
  } catch (e) {
    // SQLite says only "unable to open database file": ask the file system why.
    const code = accessErrno(options.dbPath, readonly ? constants.R_OK : constants.R_OK | constants.W_OK);
    throw openFailure(
      e,
      options.stateDir,
      () =>
        new AppError('STATE_DIR_UNUSABLE', `cannot open database ${options.dbPath}: ${errorMessage(e)}`, {
          cause: e,
          hint:
            code !== undefined && DENIED.has(code)
              ? permissionHint(options.stateDir)
              : readonly
                ? 'start podup once (podup serve) to create it, or check PODUP_STATE_DIR'
                : hintFor(options.stateDir),
        }),
    );
  }
  try {
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
      // The write batcher's savepoint per write journals every page that write touches; past 64 KiB (an event
      // row and its indexes, a task and its search index) SQLite moves that journal to a temporary file, which
      // doubled the cost of an accepted delivery. Temporary storage in memory keeps it there (VACUUM switches
      // back to files for its copy of the database: retention-store.ts).
      db.pragma('temp_store = MEMORY');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    return db;
  } catch (e) {
    db.close();
    if (e instanceof AppError) throw e;
    throw openFailure(
      e,
      options.stateDir,
      () =>
        new AppError('STATE_DIR_UNUSABLE', `database ${options.dbPath} is not usable: ${errorMessage(e)}`, {
          cause: e,
          hint: `check that ${options.stateDir} is writable and not full, and that ${options.dbPath} is a podup database`,
        }),
    );
  }
}
