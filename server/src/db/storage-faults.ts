/**
 * Which errors of SQLite and the file system are the state disk's (full, read-only, failing, the database
 * deleted under podup), and the 503 each becomes: a stable code, a message naming the path, the fix.
 */
import { accessSync, constants, statfsSync } from 'node:fs';
import { AppError, errnoCode, errorMessage, type ErrorCode } from '../errors.js';

export type FaultKind = 'full' | 'read-only' | 'failed' | 'deleted';

const CODES: Record<FaultKind, ErrorCode> = {
  full: 'STORAGE_FULL',
  'read-only': 'STORAGE_READ_ONLY',
  failed: 'STORAGE_FAILED',
  deleted: 'STORAGE_DELETED',
};

/** Below this much free space an I/O error is taken for a full disk: a commit needs a few pages at least. */
export const NEARLY_FULL_BYTES = 256 * 1024;

/** SQLite turns ENOSPC into SQLITE_FULL only for a short write; growing the -shm or an fsync says I/O error. */
function fileSystemState(dir: string): 'full' | 'read-only' | undefined {
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return 'read-only';
    return undefined;
  }
  try {
    const fs = statfsSync(dir);
    return fs.bavail * fs.bsize < NEARLY_FULL_BYTES ? 'full' : undefined;
  } catch {
    return undefined;
  }
}

/** The kind of disk fault behind `err`, or undefined when it is not the disk's (a bug, a lock, bad SQL). */
export function faultKindOf(err: unknown, stateDir: string): FaultKind | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return 'full';
  if (code === 'SQLITE_READONLY_DBMOVED') return 'deleted';
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') return 'read-only';
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO') return fileSystemState(stateDir) ?? 'failed';
  // Also a missing file or a path that is no directory: only the disk's when the disk says so.
  if (code.startsWith('SQLITE_CANTOPEN')) return fileSystemState(stateDir);
  return undefined;
}

const RETRY_AFTER_SEC = 30;

/** The AppError of a disk fault; `path` is the state dir, or the file that was deleted. */
export function storageFault(kind: FaultKind, path: string, stateDir: string, cause?: unknown): AppError {
  const code = CODES[kind];
  switch (kind) {
    case 'full':
      return new AppError(code, `disk full: ${path}`, {
        cause,
        retryAfterSec: RETRY_AFTER_SEC,
        hint: `free space on the file system holding ${stateDir} (df -h ${stateDir}); podup refuses writes until then and resumes by itself, without a restart`,
      });
    case 'read-only':
      return new AppError(code, `read-only: ${path}`, {
        cause,
        retryAfterSec: RETRY_AFTER_SEC,
        hint: `make ${stateDir} writable for the user podup runs as (a file system remounted read-only after errors: see dmesg); podup resumes by itself, without a restart`,
      });
    case 'failed':
      return new AppError(code, `storage failing: ${path} (${errorMessage(cause)})`, {
        cause,
        retryAfterSec: RETRY_AFTER_SEC,
        hint: `check the disk holding ${stateDir} (dmesg, smartctl); podup retries by itself`,
      });
    case 'deleted':
      return new AppError(code, `database deleted: ${path}`, {
        cause,
        hint: `${path} was deleted or replaced while podup ran, so nothing written now could be kept: podup refuses writes. Put a backup of ${stateDir} back, or restart podup (systemctl restart podup) to start a new database there`,
      });
  }
}

/** `err` as a disk fault's AppError when it is one; otherwise unchanged. */
export function asStorageFault(err: unknown, stateDir: string): unknown {
  const kind = faultKindOf(err, stateDir);
  return kind === undefined ? err : storageFault(kind, stateDir, stateDir, err);
}
