/**
 * Per-source-address limit on failed authentication (bad webhook signatures, wrong admin tokens), persisted
 * in SQLite so a restart (socket activation restarts often) does not reset it.
 */
import type { Deps } from '../deps.js';
import { gcraBlocked, gcraHit, rateLimitDisabled, type RatePolicy } from '../domain/rate-limits/gcra.js';
import { AppError } from '../errors.js';

export class FailureLimiter {
  /** TAT per source as last read or written; a hit skips the database on the hot path. */
  private readonly known = new Map<string, number | undefined>();

  constructor(
    private readonly scope: string,
    private readonly policy: RatePolicy,
    private readonly deps: Pick<Deps, 'stores' | 'clock'>,
  ) {}

  /** Throws RATE_LIMITED while the address has used up its failures. */
  assertNotBlocked(source: string): void {
    if (rateLimitDisabled(this.policy)) return;
    const now = this.deps.clock.now();
    let tat = this.known.get(source);
    if (!this.known.has(source)) {
      tat = this.deps.stores.rateLimits.tat(this.scope, source);
      this.remember(source, tat);
    }
    const wait = gcraBlocked(this.policy, tat, now);
    if (wait !== undefined) {
      throw new AppError('RATE_LIMITED', `too many failed attempts from ${source}; try again later`, {
        retryAfterSec: wait / 1000,
      });
    }
  }

  async recordFailure(source: string): Promise<void> {
    if (rateLimitDisabled(this.policy)) return;
    await this.deps.stores.writes.run((tx) => {
      const now = this.deps.clock.now();
      const d = gcraHit(this.policy, tx.rateTat(this.scope, source), now);
      tx.setRateTat(this.scope, source, d.tat);
      this.remember(source, d.tat);
    });
  }

  private remember(source: string, tat: number | undefined): void {
    // Bounded: a flood of addresses must not grow memory; forgetting only costs a database read.
    if (this.known.size >= 10_000) this.known.clear();
    this.known.set(source, tat);
  }
}
