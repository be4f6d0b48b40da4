/** All stores over one connection, and the IntakeTx view the webhook intake runs against. */
import type { Database } from 'better-sqlite3';
import type { Clock, IntakeTx } from '../domain/ports.js';
import { DeliveryStore } from './delivery-store.js';
import { EventStore } from './event-store.js';
import { LeaseStore } from './lease-store.js';
import { RateLimitStore } from './rate-limit-store.js';
import { SessionStore } from './session-store.js';
import { TaskJournalStore } from './task-journal-store.js';
import { TaskStore } from './task-store.js';
import { UnitStore } from './unit-store.js';
import { WriteBatcher } from './write-batcher.js';

export interface Stores {
  db: Database;
  events: EventStore;
  deliveries: DeliveryStore;
  tasks: TaskStore;
  rateLimits: RateLimitStore;
  journals: TaskJournalStore;
  leases: LeaseStore;
  units: UnitStore;
  sessions: SessionStore;
  /** Group-committed writes; the only way request handlers write. */
  writes: WriteBatcher<IntakeTx>;
}

export function createStores(db: Database, clock: Clock = { now: () => Date.now() }): Stores {
  const events = new EventStore(db);
  const deliveries = new DeliveryStore(db);
  const tasks = new TaskStore(db);
  const rateLimits = new RateLimitStore(db);
  const tx: IntakeTx = {
    findDelivery: (d) => deliveries.find(d),
    saveDelivery: (r) => deliveries.save(r),
    rateTat: (s, k) => rateLimits.tat(s, k),
    setRateTat: (s, k, t) => rateLimits.setTat(s, k, t),
    findQueuedTask: (image, units) => tasks.findQueued(image, units),
    createTask: (t) => tasks.create(t),
    recordEvent: (row) => events.insert(row),
  };
  return {
    db,
    events,
    deliveries,
    tasks,
    rateLimits,
    journals: new TaskJournalStore(db, clock),
    leases: new LeaseStore(db),
    units: new UnitStore(db),
    sessions: new SessionStore(db),
    writes: new WriteBatcher(db, tx),
  };
}
