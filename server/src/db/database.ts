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
        {
          hint: hintFor(dir),
        },
      );
    }
    try {
      // Not recursive: a missing parent usually means a typo in PODUP_STATE_DIR.
      mkdirSync(dir, { mode: 0o750 });
      return;
    } catch (e2) {
      throw new AppError(
        'STATE_DIR_UNUSABLE',
        `state directory ${dir} does not exist and cannot be created (${errnoCode(e2) ?? errorMessage(e2)})`,
        {
          hint: hintFor(dir),
        },
      );
    }
  }
  if (!isDir) {
    throw new AppError('STATE_DIR_UNUSABLE', `state directory ${dir} is not a directory`, {
      hint: hintFor(dir),
    });
  }
  if (create) {
    try {
      accessSync(dir, constants.W_OK);
    } catch (e) {
      // A disk fault, not a configuration error: podup serve waits for it (db/state-database.ts).
      throw storageFault('read-only', dir, dir, e);
    }
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
    throw openFailure(
      e,
      options.stateDir,
      () =>
        new AppError('STATE_DIR_UNUSABLE', `cannot open database ${options.dbPath}: ${errorMessage(e)}`, {
          cause: e,
          hint: readonly
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
