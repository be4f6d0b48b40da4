/**
 * Copies of the state database: a consistent backup while podup serves, and a backup put back in place.
 * Implemented by db/state-copies.ts (SQLite's online backup API, the file system, the kernel's lock table).
 */

/** What a database file holds, as far as restoring it is concerned. */
export interface DatabaseInfo {
  /** PRAGMA integrity_check: "ok", or SQLite's first complaints. */
  integrity: string;
  /** PRAGMA user_version: the last migration applied. */
  schema: number;
  events: number;
  tasks: number;
  bytes: number;
}

export interface StateCopies {
  /** The live database. */
  readonly dbPath: string;
  /** The newest schema this podup knows (its last migration). */
  readonly schemaVersion: number;
  /**
   * Copies the live database into `file` in one read transaction (all or nothing, while other connections
   * write), as a file of its own (no -wal), readable by its owner only. Resolves with what the copy holds.
   */
  backupTo(file: string): Promise<DatabaseInfo>;
  /** Reads `file` without changing it; rejects with DATABASE_ERROR when it is not an SQLite database. */
  inspect(file: string): DatabaseInfo;
  /** The processes other than this one that have the live database open (SQLite's locks on it). */
  openedBy(): number[];
  /**
   * Puts a copy of `file` where the live database is, after moving the live one (with its -wal and -shm) aside
   * to `<dbPath>.before-restore-<stamp>`; returns that path (undefined when there was no live database).
   */
  replaceWith(file: string, stamp: string): { aside: string | undefined };
}
