import type { Database } from 'better-sqlite3';
import { AppError } from '../errors.js';
import { MIGRATIONS } from './migrations/index.js';

/** PRAGMA user_version migrator: each pending migration runs in its own transaction. Returns the new version. */
export function migrate(db: Database, migrations: readonly string[] = MIGRATIONS): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new AppError(
      'DATABASE_ERROR',
      `database schema version ${current} is newer than this podup (${migrations.length})`,
      { hint: 'run the podup version that wrote this database, or restore a backup' },
    );
  }
  for (let v = current; v < migrations.length; v++) {
    const sql = migrations[v] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return migrations.length;
}
