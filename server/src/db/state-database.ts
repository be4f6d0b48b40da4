/**
 * The state database as podup holds it for its whole life. Opened at start, or, when the disk refuses (full,
 * read-only, failing), as soon as it allows: meanwhile every store call and write is refused with the disk's
 * fault (a 503) instead of podup exiting, and the next call after a short wait tries again. The stores and the
 * unit of work handed out here stay the same objects across that late open, so use cases built once at start
 * need not know. Every write is checked by the disk's health (db/storage-health.ts): refused once the
 * database was deleted, and checked after each commit that it went into the files at the paths.
 */
import type { Database } from 'better-sqlite3';
import type { Clock, Log, Probe, Stores, TaskJournal, UnitOfWork } from '../domain/ports/index.js';
import { isStorageFault } from '../errors.js';
import { openDatabase, type OpenOptions } from './database.js';
import { dbProbe } from './db-probe.js';
import { StorageHealth } from './storage-health.js';
import { createStores, STORE_PROTOTYPES } from './stores.js';
import { WalSync } from './wal-sync.js';
import { WriteBatcher } from './write-batcher.js';

/** How long a failed open is answered from memory before the next call tries again. */
const REOPEN_AFTER_MS = 1000;
/** Written when /readyz asks while the disk is known to refuse writes: the one way to see it recover. */
const PROBE_KEY = 'storage-probe';

interface Opened {
  db: Database;
  stores: Stores;
  batcher: WriteBatcher<Stores>;
  durability: WalSync | undefined;
}

type Method = (...args: unknown[]) => unknown;

export interface StateDatabaseOptions extends OpenOptions {
  clock: Clock;
  log: Log;
}

export class StateDatabase {
  readonly health: StorageHealth;
  readonly stores: Stores;
  readonly writes: UnitOfWork;
  private opened: Opened | undefined;
  private openError: unknown;
  private nextOpenAt = 0;
  private closed = false;

  /** Throws what is not the disk's fault (a missing state dir, a newer schema): that needs the operator. */
  constructor(private readonly options: StateDatabaseOptions) {
    this.health = new StorageHealth({
      stateDir: options.stateDir,
      dbPath: options.dbPath,
      clock: options.clock,
      log: options.log,
    });
    this.open();
    if (!this.opened && !isStorageFault(this.openError)) throw this.openError;
    if (!this.opened) this.health.failed(this.openError);
    this.stores = this.standIns();
    this.writes = {
      run: async <T>(op: (stores: Stores) => T): Promise<T> => {
        let opened: Opened;
        try {
          this.health.assertUsable();
          opened = this.current();
        } catch (e) {
          throw this.health.failed(e);
        }
        return opened.batcher.run(op);
      },
      flush: () => this.opened?.batcher.flush(),
    };
  }

  /**
   * Runs `op`'s store calls as one transaction, outside the write batcher: the task runner's end of a task and
   * its outbox rows (a named exception, server/README.md). A disk fault is its 503, as for every store call.
   */
  atomically<T>(op: () => T): T {
    return this.guard(() => this.current().db.transaction(op).immediate());
  }

  /** The connection, once open (tests and podup doctor read it directly). */
  get db(): Database {
    return this.current().db;
  }

  /** /readyz: the disk's fault first, then whether the database takes the write lock and the disk has room. */
  probe(): Probe {
    return {
      check: async (timeoutMs) => {
        const { db } = this.current();
        this.health.verifyFiles();
        if (this.health.fault)
          await this.writes.run((s) => s.meta.set(PROBE_KEY, String(this.options.clock.now())));
        return dbProbe(db, this.options.stateDir).check(timeoutMs);
      },
    };
  }

  /** Resolves once every write committed so far is durable and acknowledged (the fsync off the event loop). */
  async durable(): Promise<void> {
    await this.opened?.batcher.durable();
  }

  close(): void {
    this.closed = true;
    const o = this.opened;
    this.opened = undefined;
    if (!o) return;
    o.batcher.flush();
    o.db.close();
    o.durability?.close();
  }

  private open(): void {
    try {
      const db = openDatabase(this.options);
      this.health.remember();
      const { stores } = createStores(db, this.options.clock);
      // PODUP_DB_SYNC=full: the batcher's commits are synced off the event loop before anyone is told
      // (wal-sync.ts); with "normal" SQLite syncs only at checkpoints, as configured.
      const durability =
        this.options.sync === 'normal' ? undefined : new WalSync(db, `${this.options.dbPath}-wal`);
      const batcher = new WriteBatcher(
        db,
        stores,
        undefined,
        {
          before: () => this.health.assertUsable(),
          after: () => this.health.verifyFiles(),
          failed: (err) => this.health.failed(err),
          succeeded: () => this.health.succeeded(),
        },
        durability,
      );
      this.opened = { db, stores, batcher, durability };
      this.openError = undefined;
    } catch (e) {
      this.openError = e;
      this.nextOpenAt = this.options.clock.now() + REOPEN_AFTER_MS;
    }
  }

  private current(): Opened {
    if (this.opened) return this.opened;
    if (this.closed) throw new Error('the state database is closed');
    if (this.options.clock.now() >= this.nextOpenAt) this.open();
    // The fault stays until a write commits: a database that opens on a full disk still refuses writes.
    if (this.opened) return this.opened;
    throw this.health.failed(this.openError);
  }

  /** Stores that reach the open database's stores at each call, with each disk fault as its 503. */
  private standIns(): Stores {
    const call = (store: keyof Stores, name: string, args: unknown[]): unknown => {
      this.health.assertUsable();
      const target = this.current().stores[store] as unknown as Record<string, Method>;
      try {
        return target[name]?.(...args);
      } catch (e) {
        throw this.health.failed(e);
      }
    };
    const guardedJournal = (journal: TaskJournal): TaskJournal => ({
      log: (...args) => this.guard(() => journal.log(...args)),
      unit: (...args) => this.guard(() => journal.unit(...args)),
    });
    const stores: Record<string, Record<string, Method>> = {};
    for (const [store, proto] of Object.entries(STORE_PROTOTYPES) as Array<[keyof Stores, object]>) {
      const methods: Record<string, Method> = {};
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (
          name === 'constructor' ||
          typeof Object.getOwnPropertyDescriptor(proto, name)?.value !== 'function'
        )
          continue;
        methods[name] = (...args) => call(store, name, args);
      }
      stores[store] = methods;
    }
    const journals = stores.journals as Record<string, Method>;
    journals.journalFor = (...args) => guardedJournal(call('journals', 'journalFor', args) as TaskJournal);
    const tasks = stores.tasks as Record<string, Method>;
    // A claim commits podup to run a task: make sure its row went where it will be kept.
    for (const name of ['claimNext', 'claim']) {
      tasks[name] = (...args) => {
        const task = call('tasks', name, args);
        if (task) this.health.verifyFiles();
        return task;
      };
    }
    return stores as unknown as Stores;
  }

  private guard<T>(fn: () => T): T {
    this.health.assertUsable();
    try {
      return fn();
    } catch (e) {
      throw this.health.failed(e);
    }
  }
}
