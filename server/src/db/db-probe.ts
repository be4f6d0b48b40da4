import { accessSync, constants, statfsSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import type { Probe } from '../domain/ports/index.js';
import { AppError, errorMessage } from '../errors.js';
import { NEARLY_FULL_BYTES, storageFault } from './storage-faults.js';

const MIN_FREE_BYTES = 16 << 20;

/** Writable = the write lock can be taken within a short wait, the directory accepts files, the disk has room. */
export function dbProbe(db: Database, stateDir: string, busyTimeoutMs = 5000): Probe {
  return {
    async check(timeoutMs: number) {
      const hint = `check that ${stateDir} is on a writable, non-full file system and that no other process holds the database lock`;
      try {
        try {
          accessSync(stateDir, constants.W_OK);
        } catch (e) {
          throw storageFault('read-only', stateDir, stateDir, e);
        }
        const fs = statfsSync(stateDir);
        const free = fs.bavail * fs.bsize;
        if (free < NEARLY_FULL_BYTES) throw storageFault('full', stateDir, stateDir);
        if (free < MIN_FREE_BYTES) {
          throw new AppError('DATABASE_ERROR', `only ${Math.round(free / 1024)} KiB free in ${stateDir}`, {
            hint,
          });
        }
        // The probe must not stall the event loop behind another writer for the full busy timeout.
        db.pragma(`busy_timeout = ${Math.min(timeoutMs, 250)}`);
        try {
          db.prepare('BEGIN IMMEDIATE').run();
          db.prepare('ROLLBACK').run();
        } finally {
          db.pragma(`busy_timeout = ${busyTimeoutMs}`);
        }
        return `SQLite ${db.prepare('SELECT sqlite_version()').pluck().get() as string}, writable, ${Math.round(free / (1 << 20))} MiB free`;
      } catch (e) {
        if (e instanceof AppError) throw e;
        throw new AppError('DATABASE_ERROR', `database not writable: ${errorMessage(e)}`, { cause: e, hint });
      }
    },
  };
}
