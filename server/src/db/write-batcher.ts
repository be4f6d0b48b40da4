/**
 * Group commit. Writes queued during one turn of the event loop share one transaction and one fsync, and
 * each caller's promise settles only after that commit, so a reply is never sent for a write that a crash
 * could still lose. Each write runs in its own savepoint: one failing write does not undo its neighbours.
 * Measured reason: docs/benchmarks.md and ../shared/research/perf-notes.md (a commit per request costs
 * about three times everything else on the webhook path).
 */
import type { Database } from 'better-sqlite3';

interface Pending<Tx> {
  op: (tx: Tx) => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

export class WriteBatcher<Tx> {
  private queue: Pending<Tx>[] = [];
  private scheduled = false;
  private readonly commitBatch: (batch: Pending<Tx>[]) => Settled[];

  constructor(
    db: Database,
    private readonly tx: Tx,
    private readonly maxBatch = 1000,
  ) {
    const inSavepoint = db.transaction((op: (tx: Tx) => unknown) => op(this.tx));
    const outer = db.transaction((batch: Pending<Tx>[]): Settled[] =>
      batch.map((item) => {
        try {
          return { ok: true, value: inSavepoint(item.op) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    );
    this.commitBatch = (batch) => outer.immediate(batch);
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
      try {
        settled = this.commitBatch(batch);
      } catch (error) {
        for (const item of batch) item.reject(error);
        continue;
      }
      batch.forEach((item, i) => {
        const s = settled[i];
        if (s?.ok) item.resolve(s.value);
        else item.reject(s?.error);
      });
    }
  }

  get pending(): number {
    return this.queue.length;
  }
}
