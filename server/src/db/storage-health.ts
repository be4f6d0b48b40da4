/**
 * What podup knows about its state disk: the fault that refuses writes now (full, read-only, failing, or the
 * database deleted under it), logged when it starts, at most once per interval while it lasts, and when it
 * ends. A full, read-only or failing disk is fine again with the next committed write. A deleted database never
 * is: the connection still writes happily into the unlinked file, so every write is refused until a restart.
 */
import { statSync } from 'node:fs';
import type { Clock, Log } from '../domain/ports/index.js';
import { errorMessage, isStorageFault, type AppError } from '../errors.js';
import { faultKindOf, storageFault } from './storage-faults.js';

const LOG_EVERY_MS = 60_000;
/**
 * The log's fault ends with a commit at least this long after its last refused write. A nearly full disk
 * takes one small commit and refuses the next: that is one fault going on, not a new one (and two log lines)
 * each time.
 */
const SETTLE_MS = 5000;

/** A fault as the log tells it: from its first refused write to a commit after it settled. */
interface Episode {
  error: AppError;
  since: number;
  lastAt: number;
  loggedAt: number;
  /** Writes refused since the last log line (the first one has its own). */
  refused: number;
}

interface FileId {
  path: string;
  dev: number;
  ino: number;
}

export class StorageHealth {
  private current: AppError | undefined;
  private episode: Episode | undefined;
  private files: FileId[] = [];

  constructor(
    private readonly options: {
      stateDir: string;
      dbPath: string;
      clock: Clock;
      log: Log;
      logEveryMs?: number;
      settleMs?: number;
    },
  ) {}

  /**
   * Notes which files the connection just opened uses: the database, its write-ahead log and its shared
   * memory index. A path that later names another file (or none) means podup writes where no one will read.
   */
  remember(): void {
    const { dbPath } = this.options;
    this.files = [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].flatMap((path) => {
      const s = statSync(path, { throwIfNoEntry: false });
      return s ? [{ path, dev: s.dev, ino: s.ino }] : [];
    });
  }

  /** Throws (and keeps) STORAGE_DELETED once a file the connection uses is gone from its path or replaced. */
  verifyFiles(): void {
    this.assertUsable();
    for (const f of this.files) {
      let s;
      try {
        s = statSync(f.path, { throwIfNoEntry: false });
      } catch {
        continue; // unreadable is not deleted; a write that fails says what it is
      }
      if (!s || s.ino !== f.ino || s.dev !== f.dev) {
        throw this.failed(storageFault('deleted', f.path, this.options.stateDir));
      }
    }
  }

  /** Refuses everything once the database was deleted. */
  assertUsable(): void {
    if (this.current?.code === 'STORAGE_DELETED') throw this.current;
  }

  /** `err` as the disk fault it is (noted and logged), or unchanged when it is not the disk's. */
  failed(err: unknown): unknown {
    let fault: AppError;
    if (isStorageFault(err)) fault = err;
    else {
      const kind = faultKindOf(err, this.options.stateDir);
      if (kind === undefined) return err;
      fault = storageFault(kind, this.options.stateDir, this.options.stateDir, err);
    }
    this.note(fault);
    return fault;
  }

  /** A write was committed to the files podup opened: a full, read-only or failing disk is fine again. */
  succeeded(): void {
    if (this.current?.code === 'STORAGE_DELETED') return;
    this.current = undefined;
    const e = this.episode;
    const now = this.options.clock.now();
    if (!e || now - e.lastAt < (this.options.settleMs ?? SETTLE_MS)) return;
    this.episode = undefined;
    this.options.log.info(
      { stateDir: this.options.stateDir, downMs: e.lastAt - e.since, refused: e.refused },
      `storage writable again: ${this.options.stateDir}`,
    );
  }

  /** The fault that refuses writes now, if any. */
  get fault(): AppError | undefined {
    return this.current;
  }

  private note(error: AppError): void {
    if (this.current?.code === 'STORAGE_DELETED') return;
    this.current = error;
    const now = this.options.clock.now();
    const e = this.episode;
    if (e && e.error.code === error.code && e.error.message === error.message) {
      e.refused++;
      e.lastAt = now;
      if (now - e.loggedAt < (this.options.logEveryMs ?? LOG_EVERY_MS)) return;
      this.options.log.error(
        { code: error.code, sinceMs: now - e.since, refused: e.refused, hint: error.hint },
        `storage fault persists: ${error.message}`,
      );
      e.loggedAt = now;
      e.refused = 0;
      return;
    }
    this.episode = { error, since: now, lastAt: now, loggedAt: now, refused: 0 };
    this.options.log.error(
      {
        code: error.code,
        reason: error.cause === undefined ? undefined : errorMessage(error.cause),
        hint: error.hint,
      },
      `storage fault: ${error.message}`,
    );
  }
}
