/**
 * The write batcher's fsync off the event loop (write-batcher.ts, `Durability`): SQLite commits a batch
 * without syncing its write-ahead log, and the log file is then synced with fdatasync on libuv's thread pool.
 * Each batch gets its own fdatasync, started right after its commit, so a sync never waits for an earlier
 * one (the kernel orders them; each covers every write before it started) and a busy host costs one
 * thread-pool hop per batch, not a queue of them. Only for PODUP_DB_SYNC=full: with "normal" nothing waits
 * for the disk, as before.
 *
 * The log is synced through a descriptor of its own, opened at the first sync: the file SQLite writes, even
 * should its path be replaced (which storage-health.ts catches after each commit and refuses).
 */
import { closeSync, fdatasync, openSync } from 'node:fs';
import type { Database, Statement } from 'better-sqlite3';
import type { Durability } from './write-batcher.js';

export class WalSync implements Durability {
  private fd: number | undefined;
  private running = 0;
  private closing = false;
  private readonly normal: Statement;
  private readonly full: Statement;

  constructor(
    db: Database,
    private readonly walPath: string,
  ) {
    this.normal = db.prepare('PRAGMA synchronous = NORMAL');
    this.full = db.prepare('PRAGMA synchronous = FULL');
  }

  unsynced<T>(commit: () => T): T {
    this.normal.run();
    try {
      return commit();
    } finally {
      // Every other writer on the connection (the runner, retention, migrations) keeps FULL.
      this.full.run();
    }
  }

  synced(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let fd: number;
      try {
        fd = this.fd ??= openSync(this.walPath, 'r');
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      this.running++;
      fdatasync(fd, (err) => {
        this.running--;
        if (this.closing && this.running === 0) this.release();
        if (err) reject(err);
        else resolve();
      });
    });
  }

  /** Closes the descriptor once no sync uses it any more. */
  close(): void {
    this.closing = true;
    if (this.running === 0) this.release();
  }

  private release(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
