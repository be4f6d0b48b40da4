/**
 * Group commit. Writes queued during one turn of the event loop share one transaction and one fsync, and
 * each caller's promise settles only after that commit, so a reply is never sent for a write that a crash
 * could still lose. Each write runs in its own savepoint: one failing write does not undo its neighbours.
 * Measured reason: docs/benchmarks.md and ../shared/research/perf-notes.md (a commit per request costs
 * about three times everything else on the webhook path).
 *
 * With a `durability` the fsync leaves the event loop: the batch commits without SQLite's own sync of the
 * write-ahead log (the connection's synchronous=FULL is lowered to NORMAL for that one commit), then the log
 * is synced on libuv's thread pool and only then are the callers told. The acknowledged rows are as durable
 * as with FULL (the log's frames up to the commit are on disk before anyone hears of it), while the next
 * requests are parsed, checked and written during the fsync instead of waiting behind it.
 */
import type { Database } from 'better-sqlite3';

interface Pending<Tx> {
  op: (tx: Tx) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

/** What the batcher asks of the state disk around each commit (db/storage-health.ts in podup). */
export interface CommitGuard {
  /** Throws when no write may be attempted (the database was deleted). */
  before(): void;
  /** Throws when the commit landed where it will not be kept (the files were deleted meanwhile). */
  after(): void;
  /** The error a caller is given for `err` (a disk fault becomes its 503). */
  failed(err: unknown): unknown;
  succeeded(): void;
}

/** Makes commits durable after SQLite committed them without syncing (db/wal-sync.ts). */
export interface Durability {
  /** Runs `commit` so that SQLite does not sync its write-ahead log at the commit. */
  unsynced<T>(commit: () => T): T;
  /** Resolves once every commit made so far is on disk. */
  synced(): Promise<void>;
}

const NO_GUARD: CommitGuard = {
  before() {},
  after() {},
  failed: (err) => err,
  succeeded() {},
};

export class WriteBatcher<Tx> {
  private queue: Pending<Tx>[] = [];
  /** Syncs of committed batches whose callers wait for them. */
  private readonly syncing = new Set<Promise<void>>();
  private scheduled = false;
  /** The error that rolled the current batch back as a whole, if one did. */
  private lostBy: unknown;
  private readonly commitBatch: (batch: Pending<Tx>[]) => Settled[];

  constructor(
    db: Database,
    private readonly tx: Tx,
    private readonly maxBatch = 1000,
    private readonly guard: CommitGuard = NO_GUARD,
    private readonly durability?: Durability,
  ) {
    const inSavepoint = db.transaction((op: (tx: Tx) => unknown) => op(this.tx));
    const outer = db.transaction((batch: Pending<Tx>[]): Settled[] =>
      batch.map((item) => {
        // SQLite may answer a full disk or an I/O error by rolling back the whole transaction. A later op
        // would then run in a transaction of its own and commit while the batch is reported failed.
        if (this.lostBy !== undefined) return { ok: false, error: this.lostBy };
        try {
          return { ok: true, value: inSavepoint(item.op) };
        } catch (error) {
          if (!db.inTransaction) this.lostBy = error;
          return { ok: false, error };
        }
      }),
    );
    this.commitBatch = durability
      ? (batch) => durability.unsynced(() => outer.immediate(batch))
      : (batch) => outer.immediate(batch);
  }

  /** Queue a write; resolves with its result once the batch holding it has committed. */
  run<T>(op: (tx: Tx) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ op, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commit everything queued now (also called on shutdown). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      let settled: Settled[];
      this.lostBy = undefined;
      try {
        this.guard.before();
        settled = this.commitBatch(batch);
        this.guard.after();
      } catch (error) {
        // Without a transaction left to commit, the commit's own error ("no transaction is active") says less.
        const refused = this.guard.failed(this.lostBy ?? error);
        for (const item of batch) item.reject(refused);
        continue;
      }
      const committed = settled.some((s) => s.ok);
      if (committed && this.durability) {
        const told = this.durability.synced().then(
          () => this.settle(batch, settled),
          (error: unknown) => {
            const refused = this.guard.failed(error);
            for (const item of batch) item.reject(refused);
          },
        );
        this.syncing.add(told);
        void told.finally(() => this.syncing.delete(told));
        continue;
      }
      this.settle(batch, settled);
    }
  }

  private settle(batch: Pending<Tx>[], settled: Settled[]): void {
    if (settled.some((s) => s.ok)) this.guard.succeeded();
    batch.forEach((item, i) => {
      const s = settled[i];
      if (s?.ok) item.resolve(s.value);
      else item.reject(this.guard.failed(s?.error));
    });
  }

  /** Resolves once every batch committed so far is on disk and its callers were told (shutdown waits). */
  async durable(): Promise<void> {
    while (this.syncing.size > 0) await Promise.all(this.syncing);
  }

  get pending(): number {
    return this.queue.length;
  }
}
