/**
 * Retention: events and delivery ids, finished tasks with their logs, units gone for long, expired sessions
 * and rate-limit rows; then the file is compacted. Never a queued or running task, never the newest task of
 * a unit (its rollback image).
 * Used by: podup prune, POST /api/maintenance/prune (the server's own timer: use-cases/housekeeping.ts)
 */
import type { Clock, RetentionCounts, Stores } from '../domain/ports/index.js';

const DAY_MS = 86_400_000;

/** The periods of `podup prune` without flags, which the server also applies by itself every hour. */
export const DEFAULT_RETENTION = {
  eventsOlderThanMs: 30 * DAY_MS,
  tasksOlderThanMs: 90 * DAY_MS,
  unitsOlderThanMs: 30 * DAY_MS,
} as const;

export interface PruneInput {
  /** Events and delivery ids older than this. */
  eventsOlderThanMs: number;
  /** Finished tasks that ended longer ago than this. */
  tasksOlderThanMs: number;
  /** Units discovery has not seen for this long. */
  unitsOlderThanMs: number;
  dryRun: boolean;
}

export interface PruneResult {
  dryRun: boolean;
  cutoffs: { events: number; tasks: number; units: number };
  removed: RetentionCounts;
  compacted: boolean;
  bytesBefore: number;
  bytesAfter: number;
}

export class PruneService {
  constructor(private readonly deps: { stores: Pick<Stores, 'retention'>; clock: Clock }) {}

  prune(input: PruneInput): PruneResult {
    const { retention } = this.deps.stores;
    const now = this.deps.clock.now();
    const cutoffs = {
      events: now - input.eventsOlderThanMs,
      tasks: now - input.tasksOlderThanMs,
      units: now - input.unitsOlderThanMs,
      now,
    };
    const bytesBefore = retention.sizeBytes();
    // One large transaction and a VACUUM: not a request-path write (db/README.md).
    const removed = input.dryRun ? retention.count(cutoffs) : retention.remove(cutoffs);
    if (!input.dryRun) retention.compact();
    return {
      dryRun: input.dryRun,
      cutoffs: { events: cutoffs.events, tasks: cutoffs.tasks, units: cutoffs.units },
      removed,
      compacted: !input.dryRun,
      bytesBefore,
      bytesAfter: retention.sizeBytes(),
    };
  }
}
