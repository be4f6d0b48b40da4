/**
 * Retention: old events and delivery ids, and rate-limit rows that no longer limit anything.
 * Used by: podup prune
 */
import type { Stores } from './stores.js';

export interface PruneCounts {
  events: number;
  deliveries: number;
  rateLimits: number;
}

export interface PruneResult {
  cutoff: string;
  dryRun: boolean;
  removed: PruneCounts;
  vacuumed: boolean;
  dbBytesBefore: number;
  dbBytesAfter: number;
}

const dbBytes = (stores: Stores): number =>
  (stores.db.pragma('page_count', { simple: true }) as number) *
  (stores.db.pragma('page_size', { simple: true }) as number);

export function prune(stores: Stores, now: number, olderThanMs: number, dryRun: boolean): PruneResult {
  const cutoff = now - olderThanMs;
  const before = dbBytes(stores);
  const removed: PruneCounts = dryRun
    ? {
        events: stores.events.countOlderThan(cutoff),
        deliveries: stores.deliveries.countOlderThan(cutoff),
        rateLimits: stores.rateLimits.countExpired(now),
      }
    : stores.db.transaction(() => ({
        events: stores.events.deleteOlderThan(cutoff),
        deliveries: stores.deliveries.deleteOlderThan(cutoff),
        rateLimits: stores.rateLimits.deleteExpired(now),
      }))();
  if (!dryRun) {
    stores.db.exec('VACUUM');
    stores.db.pragma('wal_checkpoint(TRUNCATE)');
  }
  return {
    cutoff: new Date(cutoff).toISOString(),
    dryRun,
    removed,
    vacuumed: !dryRun,
    dbBytesBefore: before,
    dbBytesAfter: dbBytes(stores),
  };
}
