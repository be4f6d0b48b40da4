/**
 * Failed authentication per source address (bad webhook signatures, wrong admin tokens, unknown, revoked or
 * expired API tokens, wrong ForwardAuth values), persisted so that a restart (socket activation restarts often) does not reset it. It only slows
 * further failures: a valid signature, token or value is never refused, so forged requests sent through the
 * same reverse proxy as GitHub cannot lock GitHub out.
 */
import type { Clock, Stores, UnitOfWork } from '../domain/ports/index.js';
import { gcraBlocked, gcraHit, rateLimitDisabled, type RatePolicy } from '../domain/rate-limits/gcra.js';
import { AppError } from '../errors.js';

export type FailureScope = 'bad-signature' | 'bad-admin-token' | 'bad-api-token' | 'bad-forward-auth';

/**
 * Rows kept per scope: each failing address leaves one until its allowance is back (the housekeeping timer
 * drops those). Past `maxSources` live ones, the soonest to expire go: those addresses are only forgiven
 * early. Checked every `trimEvery` new addresses.
 */
export const SOURCE_BOUND = { maxSources: 10_000, trimEvery: 500 };

export class FailureLimits {
  /** TAT per scope and source as last read or written; a hit skips the database. */
  private readonly known = new Map<string, number | undefined>();
  private readonly newSources = new Map<FailureScope, number>();

  constructor(
    private readonly policy: RatePolicy,
    private readonly deps: { stores: Pick<Stores, 'rateLimits'>; writes: UnitOfWork; clock: Clock },
    private readonly bound = SOURCE_BOUND,
  ) {}

  /**
   * Counts one failure of `source` and returns the error to answer with: `failure` itself, or RATE_LIMITED
   * with Retry-After once the source has used up its allowance.
   */
  async fail(scope: FailureScope, source: string, failure: AppError): Promise<AppError> {
    if (rateLimitDisabled(this.policy)) return failure;
    const key = `${scope}\n${source}`;
    const now = this.deps.clock.now();
    let tat = this.known.get(key);
    if (!this.known.has(key)) tat = this.deps.stores.rateLimits.tat(scope, source);
    const wait = gcraBlocked(this.policy, tat, now);
    if (wait !== undefined) {
      this.remember(key, tat);
      return new AppError('RATE_LIMITED', `too many failed attempts from ${source}; try again later`, {
        retryAfterSec: wait / 1000,
        cause: failure,
      });
    }
    await this.deps.writes.run((s) => {
      const now = this.deps.clock.now();
      const before = s.rateLimits.tat(scope, source);
      const d = gcraHit(this.policy, before, now);
      s.rateLimits.setTat(scope, source, d.tat);
      this.remember(key, d.tat);
      if (before === undefined && this.countNew(scope)) s.rateLimits.trim(scope, this.bound.maxSources, now);
    });
    return failure;
  }

  /** Whether this new address makes `trimEvery` since the last trim of the scope. */
  private countNew(scope: FailureScope): boolean {
    const n = (this.newSources.get(scope) ?? 0) + 1;
    this.newSources.set(scope, n % this.bound.trimEvery);
    return n >= this.bound.trimEvery;
  }

  private remember(key: string, tat: number | undefined): void {
    // Bounded: a flood of addresses must not grow memory; forgetting only costs a database read.
    if (this.known.size >= 10_000) this.known.clear();
    this.known.set(key, tat);
  }
}
