/**
 * What the event log keeps of a request that no use case recorded (reads, refusals, errors, the few changes no
 * use case records): a count for a read that succeeded, a folded row for a refusal, a row for the rest
 * (domain/events/request-disposition.ts). A read does not wait for anything; a request that may have changed
 * something is answered only once its row is durable. Counts and folded counts wait in memory for flush().
 * Used by: the HTTP layer's reply hook and long-lived streams, the housekeeping timer (flush)
 */
import type { EventRow } from '../domain/events/event.js';
import { dispositionOf } from '../domain/events/request-disposition.js';
import { RequestCounter } from '../domain/events/request-counter.js';
import { MANY, RejectionFolds, type Fold } from '../domain/events/rejection-folds.js';
import type { Clock, Log, UnitOfWork } from '../domain/ports/index.js';
import { isStorageFault } from '../errors.js';
import { eventRow, type RequestTrace } from './origin.js';

export class AuditService {
  private readonly counter = new RequestCounter();
  private readonly folds = new RejectionFolds();
  /**
   * Set while the database is over its size cap (use-cases/housekeeping.ts): refusals are counted instead of
   * folded into rows, so noise stops taking space before anything else does.
   */
  overCap = false;

  constructor(private readonly deps: { writes: UnitOfWork; clock: Clock; log: Log }) {}

  /**
   * Records the request once; resolves when what it wrote committed. A failed write is logged (a disk fault is
   * logged once per interval by the stores, not once per request), and the reply still goes out.
   */
  async record(trace: RequestTrace, status: number): Promise<void> {
    if (trace.recorded) return;
    trace.recorded = true;
    const now = this.deps.clock.now();
    const disposition = dispositionOf(trace.method, status, trace.fields.reason !== undefined);
    if (disposition === 'counted' || (disposition === 'folded' && this.overCap)) {
      this.counter.add(trace.route, trace.method, status, now);
      return;
    }
    if (disposition === 'stored') {
      await this.write(trace, eventRow(trace, status, now));
      return;
    }
    const hit = this.folds.hit(trace.source, trace.method, trace.route, status, trace.fields.reason, now);
    if (!hit.first) return;
    const id = await this.write(trace, foldedRow(trace, status, now, hit.fold));
    if (id === undefined) this.folds.failed(hit.fold);
    else this.folds.stored(hit.fold, id);
  }

  /** Writes what waits in memory: request counts, and the counts of folded rows. */
  async flush(): Promise<void> {
    const counts = this.counter.take();
    const increments = this.folds.take();
    if (counts.length === 0 && increments.length === 0) return;
    await this.deps.writes
      .run((s) => {
        s.requestCounts.add(counts);
        for (const { id, n } of increments) s.events.addToCount(id, n);
      })
      .catch((err: unknown) => {
        if (!isStorageFault(err)) this.deps.log.error({ err }, 'request counts write failed');
      });
  }

  private async write(trace: RequestTrace, row: EventRow): Promise<number | undefined> {
    return this.deps.writes
      .run((s) => s.events.insert(row))
      .catch((err: unknown) => {
        if (!isStorageFault(err)) this.deps.log.error({ err, requestId: trace.id }, 'event log write failed');
        return undefined;
      });
  }
}

/** The first refusal of its kind this minute; past the minute's bound it stands for many sources and routes. */
function foldedRow(trace: RequestTrace, status: number, now: number, fold: Fold): EventRow {
  const row = { ...eventRow(trace, status, now), count: 1 };
  if (!fold.overflow) return row;
  return {
    ...row,
    route: MANY,
    source: MANY,
    reason: `more sources and routes were refused this minute than the log keeps apart; the first: ${trace.method} ${trace.route.slice(0, 100)}`,
  };
}
