/**
 * The server's own upkeep, on a timer and never inside a request: it writes the request counts that wait in
 * memory, indexes the events written since for the event log's filters (off the intake's path: migration
 * 0006), keeps the database under its size cap (PODUP_MAX_DB_SIZE) by dropping noise first, and runs
 * retention with the default periods once an hour. Deletes go in slices of about 20 ms (50 to 5,000 rows),
 * each its own transaction, with a pause between them in which requests are served; a round stops after its
 * time budget and the next round goes on. The file is not compacted here (VACUUM blocks for as long as it copies
 * the file): SQLite reuses freed pages before it grows the file, and `podup prune` compacts.
 * Used by: podup serve (started once it listens, stopped at shutdown)
 */
import type {
  Clock,
  Log,
  RetentionCounts,
  Sheddable,
  Sleep,
  Stores,
  UnitOfWork,
} from '../domain/ports/index.js';
import type { AuditService } from './audit.js';
import { DEFAULT_RETENTION } from './prune.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Request counts and folded counts reach the database this often. */
const FLUSH_EVERY_MS = 5_000;
const RETENTION_EVERY_MS = HOUR_MS;
/** Not in the first minute: socket activation starts podup for a request, which comes first. */
const FIRST_RETENTION_AFTER_MS = 60_000;
/**
 * Rows per slice, each slice one transaction: adjusted after every slice so that one takes about
 * SLICE_TARGET_MS (a busy disk or many indexes mean fewer rows), within these bounds.
 */
const SLICE_ROWS = { first: 500, min: 50, max: 5_000 };
const SLICE_TARGET_MS = 20;
const SLICE_GAP_MS = 10;
/** Slice work per round; what is left waits for the next round. */
const ROUND_BUDGET_MS = 2_000;
/** Once over the cap, drop down to this share of it, so that one burst does not shed on every round. */
const SHED_TO = 0.9;
/** Noise first, then the oldest of the log; tasks are never shed. */
const SHEDDING_ORDER: readonly Sheddable[] = ['request-counts', 'folded-events', 'events'];
const LAST_RETENTION = 'housekeeping:last-retention';

export interface HousekeepingRound {
  /** Used bytes after the round, and the cap. */
  usedBytes: number;
  maxBytes: number;
  shed: Record<Sheddable, number>;
  /** Set when retention ran (to the end, or until the round's budget ran out). */
  retention?: { removed: RetentionCounts; finished: boolean } | undefined;
}

export class Housekeeping {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private round: Promise<unknown> | undefined;
  private stopped = true;
  private startedAt = 0;
  private warnedFullAt = -Infinity;
  private sliceRows = SLICE_ROWS.first;

  constructor(
    private readonly deps: {
      stores: Pick<Stores, 'retention' | 'meta' | 'events'>;
      writes: UnitOfWork;
      audit: AuditService;
      clock: Clock;
      sleep: Sleep;
      log: Log;
      maxDbBytes: number;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.startedAt = this.deps.clock.now();
    this.schedule();
  }

  /** Ends the timer, waits for a round in progress, and writes what waits in memory. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
    await this.deps.audit.flush();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.round = this.tick()
        .catch((err: unknown) => this.deps.log.error({ err }, 'housekeeping failed'))
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, FLUSH_EVERY_MS);
    this.timer.unref();
  }

  /** One round: write the counts, index the new events, keep under the cap, run retention when it is due. */
  async tick(): Promise<HousekeepingRound> {
    const deadline = this.deps.clock.now() + ROUND_BUDGET_MS;
    await this.deps.audit.flush();
    await this.indexEvents(deadline);
    const shed = await this.keepUnderCap(deadline);
    const retention = this.retentionDue() ? await this.retain(deadline) : undefined;
    return {
      usedBytes: this.deps.stores.retention.usedBytes(),
      maxBytes: this.deps.maxDbBytes,
      shed,
      retention,
    };
  }

  /**
   * Over the cap, new refusals are only counted (AuditService.overCap) and the oldest noise goes, then the
   * oldest events, until the database is back under 90% of the cap. Deliveries are accepted all along.
   */
  private async keepUnderCap(deadline: number): Promise<Record<Sheddable, number>> {
    const { retention } = this.deps.stores;
    const { audit, maxDbBytes } = this.deps;
    const shed: Record<Sheddable, number> = { 'request-counts': 0, 'folded-events': 0, events: 0 };
    const target = maxDbBytes * SHED_TO;
    if (retention.usedBytes() >= maxDbBytes) audit.overCap = true;
    if (!audit.overCap) return shed;
    for (const what of SHEDDING_ORDER) {
      while (retention.usedBytes() > target && this.deps.clock.now() < deadline) {
        const rows = this.sliceRows;
        const n = this.slice(() => retention.shed(what, rows));
        shed[what] += n;
        if (n < rows) break;
        await this.deps.sleep(SLICE_GAP_MS);
      }
    }
    const used = retention.usedBytes();
    if (used <= target) {
      audit.overCap = false;
      this.deps.log.warn(
        { usedBytes: used, maxBytes: maxDbBytes, shed },
        'database was over PODUP_MAX_DB_SIZE: dropped the oldest noise and events',
      );
    } else if (this.deps.clock.now() < deadline) this.warnFull(used, shed);
    return shed;
  }

  /** Nothing left to shed and still over: tasks fill the cap, which only the operator can change. */
  private warnFull(usedBytes: number, shed: Record<Sheddable, number>): void {
    const now = this.deps.clock.now();
    if (now - this.warnedFullAt < HOUR_MS) return;
    this.warnedFullAt = now;
    this.deps.log.warn(
      { usedBytes, maxBytes: this.deps.maxDbBytes, shed },
      'database over PODUP_MAX_DB_SIZE with no event left to drop: raise the cap, or prune old tasks (podup prune --tasks-older-than)',
    );
  }

  /**
   * The events written since the last round into the filter index and the counts (EventStore.copyFacets), in
   * slices; what the budget leaves is read from the events themselves until the next round.
   */
  private async indexEvents(deadline: number): Promise<void> {
    const { events } = this.deps.stores;
    for (;;) {
      const rows = this.sliceRows;
      if (this.slice(() => events.copyFacets(rows)) < rows || this.deps.clock.now() >= deadline) return;
      await this.deps.sleep(SLICE_GAP_MS);
    }
  }

  /** Runs one slice and sizes the next after how long this one held the event loop. */
  private slice<T>(run: () => T): T {
    const started = this.deps.clock.now();
    const result = run();
    const took = this.deps.clock.now() - started;
    if (took < SLICE_TARGET_MS / 2) this.sliceRows = Math.min(SLICE_ROWS.max, this.sliceRows * 2);
    else if (took > SLICE_TARGET_MS * 1.5)
      this.sliceRows = Math.max(SLICE_ROWS.min, Math.floor(this.sliceRows / 2));
    return result;
  }

  private retentionDue(): boolean {
    const now = this.deps.clock.now();
    const last = Number(this.deps.stores.meta.get(LAST_RETENTION) ?? -Infinity);
    return now >= Math.max(last + RETENTION_EVERY_MS, this.startedAt + FIRST_RETENTION_AFTER_MS);
  }

  /** The default retention (as `podup prune` without flags), slice by slice; done once a slice finds little. */
  private async retain(deadline: number): Promise<{ removed: RetentionCounts; finished: boolean }> {
    const { retention } = this.deps.stores;
    const now = this.deps.clock.now();
    const cutoffs = {
      events: now - DEFAULT_RETENTION.eventsOlderThanMs,
      tasks: now - DEFAULT_RETENTION.tasksOlderThanMs,
      units: now - DEFAULT_RETENTION.unitsOlderThanMs,
      now,
    };
    let rows = this.sliceRows;
    const removed = this.slice(() => retention.removeSome(cutoffs, rows));
    let finished = Object.values(removed).every((n) => n < rows);
    while (!finished && this.deps.clock.now() < deadline) {
      await this.deps.sleep(SLICE_GAP_MS);
      rows = this.sliceRows;
      const more = this.slice(() => retention.removeSome(cutoffs, rows));
      for (const key of Object.keys(removed) as Array<keyof RetentionCounts>) removed[key] += more[key];
      finished = Object.values(more).every((n) => n < rows);
    }
    if (finished) {
      // Minutes older than a day are summed into hours: the request counts stay small for 30 days.
      retention.rollUpRequestCounts(now - (now % HOUR_MS) - DAY_MS);
      await this.deps.writes.run((s) => s.meta.set(LAST_RETENTION, String(now)));
    }
    if (Object.values(removed).some((n) => n > 0))
      this.deps.log.info({ removed, finished }, 'retention removed old rows');
    return { removed, finished };
  }
}
