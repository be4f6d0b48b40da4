/**
 * The write batcher's fsync off the event loop (write-batcher.ts, `Durability`): SQLite commits a batch
 * without syncing its write-ahead log, and the log file is then synced with fdatasync on libuv's thread pool.
 * One sync covers every commit made before it started, so commits that arrive while a sync runs share the
 * next one (at most one running and one waiting). Only for PODUP_DB_SYNC=full: with "normal" nothing waits
 * for the disk, as before.
 *
 * The log is synced through its path, opened for each sync: the storage health check after each commit
 * (storage-health.ts) has just made sure the path still names the file the connection writes.
 */
import { open } from 'node:fs/promises';
import type { Database, Statement } from 'better-sqlite3';
import type { Durability } from './write-batcher.js';

export class WalSync implements Durability {
  private running: Promise<void> | undefined;
  private waiting: Promise<void> | undefined;
  private readonly normal: Statement;
  private readonly full: Statement;

  constructor(
    db: Database,
    private readonly walPath: string,
    /** True once the connection was closed: its close checkpointed the log into the database and removed it. */
    private readonly closed: () => boolean,
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
    if (this.waiting) return this.waiting;
    const running = this.running;
    if (!running) return this.start();
    // The running sync may have started before this commit's frames were written: wait for the next one.
    const next = running.then(
      () => undefined,
      () => undefined,
    );
    this.waiting = next.then(() => {
      this.waiting = undefined;
      return this.start();
    });
    return this.waiting;
  }

  private start(): Promise<void> {
    const p = this.sync().finally(() => {
      if (this.running === p) this.running = undefined;
    });
    this.running = p;
    return p;
  }

  private async sync(): Promise<void> {
    let file;
    try {
      file = await open(this.walPath, 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' && this.closed()) return;
      throw e;
    }
    try {
      await file.datasync();
    } finally {
      await file.close();
    }
  }
}
