/**
 * Puts a backup back as the state database. Refused while podup runs or could start (its socket listening):
 * podup would go on writing to the database moved aside, or start on half a file. The backup must pass
 * SQLite's integrity check and carry a schema this podup knows (an older one is migrated at the next start);
 * the database it replaces is kept beside it.
 * Used by: podup restore
 */
import type { Clock, DatabaseInfo, StateCopies, UnitManager } from '../domain/ports/index.js';
import { AppError, errorMessage } from '../errors.js';

/** The units `podup setup` installs (systemd/): while either is active, podup runs or starts on a request. */
const PODUP_UNITS = ['podup.service', 'podup.socket'] as const;
const RUNNING = new Set(['active', 'activating', 'deactivating', 'reloading']);

export interface RestoreResult {
  file: string;
  restored: DatabaseInfo;
  dbPath: string;
  /** The database that was there before, kept; undefined when there was none. */
  aside: string | undefined;
  /** The schema was older: podup migrates it at its next start. */
  migratesTo: number | undefined;
  /** Why systemd was not asked (no manager reachable), if so. */
  unitsUnchecked: string | undefined;
}

export interface RestoreDeps {
  copies: StateCopies;
  unitManager: Pick<UnitManager, 'state'>;
  clock: Clock;
  /** How the operator stops podup in this scope, for the refusal's hint ("systemctl --user"). */
  systemctl: string;
}

export class RestoreService {
  constructor(private readonly deps: RestoreDeps) {}

  async restore(file: string): Promise<RestoreResult> {
    const { copies, clock } = this.deps;
    const restored = copies.inspect(file);
    if (restored.integrity !== 'ok')
      throw new AppError('DATABASE_ERROR', `${file} fails its integrity check: ${restored.integrity}`, {
        hint: 'restore an older backup',
      });
    if (restored.schema > copies.schemaVersion)
      throw new AppError(
        'DATABASE_ERROR',
        `${file} has schema ${restored.schema}, newer than this podup knows (${copies.schemaVersion})`,
        { hint: 'restore it with the podup version that made it (or a newer one)' },
      );

    const unitsUnchecked = await this.refuseWhileRunning();
    const stamp = new Date(clock.now()).toISOString().replace(/[:.]/g, '-');
    const { aside } = copies.replaceWith(file, stamp);
    return {
      file,
      restored,
      dbPath: copies.dbPath,
      aside,
      migratesTo: restored.schema < copies.schemaVersion ? copies.schemaVersion : undefined,
      unitsUnchecked,
    };
  }

  /** Throws CONFLICT while podup has the database open or its units are active; returns why systemd was not asked. */
  private async refuseWhileRunning(): Promise<string | undefined> {
    const { copies, unitManager, systemctl } = this.deps;
    let active: string[] = [];
    let unchecked: string | undefined;
    try {
      const states = await Promise.all(
        PODUP_UNITS.map(async (u) => [u, (await unitManager.state(u)).activeState] as const),
      );
      active = states.filter(([, s]) => RUNNING.has(s)).map(([u]) => u);
    } catch (e) {
      unchecked = errorMessage(e);
    }
    const holders = copies.openedBy();
    if (active.length === 0 && holders.length === 0) return unchecked;
    const why = [
      ...(active.length > 0 ? [`${active.join(' and ')} ${active.length > 1 ? 'are' : 'is'} active`] : []),
      ...(holders.length > 0 ? [`process ${holders.join(', ')} has ${copies.dbPath} open`] : []),
    ].join('; ');
    throw new AppError('CONFLICT', `podup is running (${why}): a restore now would lose what it writes`, {
      hint: `stop podup and its socket first: ${systemctl} stop podup.socket podup.service (or the podup serve you started), then restore, then ${systemctl} start podup.socket`,
    });
  }
}
