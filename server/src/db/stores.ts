/** The SQLite stores over one connection, and the write batcher that is the request path's one writer. */
import type { Database } from 'better-sqlite3';
import type { Clock, Stores } from '../domain/ports/index.js';
import { SqliteDeliveryStore } from './delivery-store.js';
import { SqliteEventStore } from './event-store.js';
import { SqliteLeaseStore } from './lease-store.js';
import { SqliteMetaStore } from './meta-store.js';
import { SqliteRateLimitStore } from './rate-limit-store.js';
import { SqliteRequestCountStore } from './request-count-store.js';
import { SqliteRetentionStore } from './retention-store.js';
import { SqliteSessionStore } from './session-store.js';
import { SqliteTaskJournalStore } from './task-journal-store.js';
import { SqliteTaskStore } from './task-store.js';
import { SqliteUnitStore } from './unit-store.js';
import { WriteBatcher } from './write-batcher.js';

export interface SqliteState {
  db: Database;
  stores: Stores;
  /** Group-committed writes (UnitOfWork). */
  writes: WriteBatcher<Stores>;
}

export function createStores(db: Database, clock: Clock = { now: () => Date.now() }): SqliteState {
  const stores: Stores = {
    tasks: new SqliteTaskStore(db),
    leases: new SqliteLeaseStore(db),
    journals: new SqliteTaskJournalStore(db, clock),
    events: new SqliteEventStore(db),
    deliveries: new SqliteDeliveryStore(db),
    rateLimits: new SqliteRateLimitStore(db),
    requestCounts: new SqliteRequestCountStore(db),
    units: new SqliteUnitStore(db),
    sessions: new SqliteSessionStore(db),
    meta: new SqliteMetaStore(db),
    retention: new SqliteRetentionStore(db),
  };
  return { db, stores, writes: new WriteBatcher(db, stores) };
}
