/** The SQLite stores over one connection, and the write batcher that is the request path's one writer. */
import type { Database } from 'better-sqlite3';
import type { Clock, Stores } from '../domain/ports/index.js';
import { SqliteApiTokenStore } from './api-token-store.js';
import { SqliteChannelStore } from './channel-store.js';
import { SqliteDeliveryStore } from './delivery-store.js';
import { SqliteEventStore } from './event-store.js';
import { SqliteLeaseStore } from './lease-store.js';
import { SqliteDigestStore, SqliteUnitCheckStore } from './digest-store.js';
import { SqliteIdempotencyStore } from './idempotency-store.js';
import { SqliteMetaStore } from './meta-store.js';
import { SqliteOutboxStore } from './outbox-store.js';
import { SqlitePolicyStore } from './policy-store.js';
import { SqliteRateLimitStore } from './rate-limit-store.js';
import { SqliteRequestCountStore } from './request-count-store.js';
import { SqliteRetentionStore } from './retention-store.js';
import { SqliteScheduleStore } from './schedule-store.js';
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

/** Each store's prototype: the methods db/state-database.ts stands in for before the database is open. */
export const STORE_PROTOTYPES: Record<keyof Stores, object> = {
  tasks: SqliteTaskStore.prototype,
  leases: SqliteLeaseStore.prototype,
  journals: SqliteTaskJournalStore.prototype,
  events: SqliteEventStore.prototype,
  deliveries: SqliteDeliveryStore.prototype,
  rateLimits: SqliteRateLimitStore.prototype,
  requestCounts: SqliteRequestCountStore.prototype,
  units: SqliteUnitStore.prototype,
  sessions: SqliteSessionStore.prototype,
  meta: SqliteMetaStore.prototype,
  retention: SqliteRetentionStore.prototype,
  policies: SqlitePolicyStore.prototype,
  digests: SqliteDigestStore.prototype,
  checks: SqliteUnitCheckStore.prototype,
  schedules: SqliteScheduleStore.prototype,
  tokens: SqliteApiTokenStore.prototype,
  channels: SqliteChannelStore.prototype,
  outbox: SqliteOutboxStore.prototype,
  idempotency: SqliteIdempotencyStore.prototype,
};

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
    policies: new SqlitePolicyStore(db),
    digests: new SqliteDigestStore(db),
    checks: new SqliteUnitCheckStore(db),
    schedules: new SqliteScheduleStore(db),
    tokens: new SqliteApiTokenStore(db),
    channels: new SqliteChannelStore(db),
    outbox: new SqliteOutboxStore(db),
    idempotency: new SqliteIdempotencyStore(db),
  };
  return { db, stores, writes: new WriteBatcher(db, stores) };
}
