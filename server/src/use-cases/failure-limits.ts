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

export class FailureLimits {
  /** TAT per scope and source as last read or written; a hit skips the database. */
  private readonly known = new Map<string, number | undefined>();

  constructor(
    private readonly policy: RatePolicy,
    private readonly deps: { stores: Pick<Stores, 'rateLimits'>; writes: UnitOfWork; clock: Clock },
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
      const d = gcraHit(this.policy, s.rateLimits.tat(scope, source), this.deps.clock.now());
      s.rateLimits.setTat(scope, source, d.tat);
      this.remember(key, d.tat);
    });
    return failure;
  }

  private remember(key: string, tat: number | undefined): void {
    // Bounded: a flood of addresses must not grow memory; forgetting only costs a database read.
    if (this.known.size >= 10_000) this.known.clear();
    this.known.set(key, tat);
  }
}
