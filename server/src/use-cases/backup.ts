/**
 * A consistent copy of the state database while podup serves: every event acknowledged before the backup
 * began is in it (one read transaction over the live database; writers go on meanwhile).
 * Used by: podup backup
 */
import type { Clock, DatabaseInfo, StateCopies } from '../domain/ports/index.js';
import { AppError } from '../errors.js';

export interface BackupResult extends DatabaseInfo {
  file: string;
  tookMs: number;
}

export class BackupService {
  constructor(private readonly deps: { copies: StateCopies; clock: Clock }) {}

  async backup(file: string): Promise<BackupResult> {
    const started = this.deps.clock.now();
    const info = await this.deps.copies.backupTo(file);
    // The copy is checked as restore will check it: a backup that would be refused is no backup.
    if (info.integrity !== 'ok')
      throw new AppError(
        'DATABASE_ERROR',
        `the copy in ${file} fails its integrity check: ${info.integrity}`,
        {
          hint: `podup doctor checks the live database (${this.deps.copies.dbPath})`,
        },
      );
    return { file, ...info, tookMs: this.deps.clock.now() - started };
  }
}
