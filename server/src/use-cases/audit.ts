/**
 * The event-log row of a request that no use case recorded (reads, refusals, errors). A read does not wait
 * for its row's commit; a request that may have changed something is answered only once its row is durable.
 * Used by: the HTTP layer's reply hook and long-lived streams
 */
import type { Clock, Log, UnitOfWork } from '../domain/ports/index.js';
import { isStorageFault } from '../errors.js';
import { eventRow, type RequestTrace } from './origin.js';

export class AuditService {
  constructor(private readonly deps: { writes: UnitOfWork; clock: Clock; log: Log }) {}

  /**
   * Writes the row once; resolves when committed. A failed write is logged (a disk fault is logged once per
   * interval by the stores, not once per request), and the reply still goes out.
   */
  async record(trace: RequestTrace, status: number): Promise<void> {
    if (trace.recorded) return;
    trace.recorded = true;
    await this.deps.writes
      .run((s) => s.events.insert(eventRow(trace, status, this.deps.clock.now())))
      .catch((err: unknown) => {
        if (!isStorageFault(err)) this.deps.log.error({ err, requestId: trace.id }, 'event log write failed');
      });
  }
}
