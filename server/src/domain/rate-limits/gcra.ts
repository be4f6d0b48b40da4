/**
 * Generic cell rate algorithm: one number per key (the theoretical arrival time, TAT) instead of a log of
 * every hit, so the persisted state stays one row per image or source address. A policy of `limit` per
 * `windowMs` allows a burst of `limit`, then one more every windowMs/limit.
 * @see https://en.wikipedia.org/wiki/Generic_cell_rate_algorithm
 */
export interface RatePolicy {
  readonly limit: number;
  readonly windowMs: number;
}

export type RateDecision =
  { allowed: true; tat: number; remaining: number } | { allowed: false; tat: number; retryAfterMs: number };

/** Decide one hit at `now` given the stored TAT (undefined = never seen). Pure. */
export function gcraHit(policy: RatePolicy, storedTat: number | undefined, now: number): RateDecision {
  const interval = policy.windowMs / policy.limit;
  const tolerance = policy.windowMs - interval;
  const tat = Math.max(storedTat ?? now, now);
  const ahead = tat - now;
  if (ahead > tolerance) {
    return { allowed: false, tat, retryAfterMs: Math.ceil(ahead - tolerance) };
  }
  const next = tat + interval;
  return { allowed: true, tat: next, remaining: Math.floor((policy.windowMs - (next - now)) / interval) };
}

/** Would a hit be refused right now? (Peek without consuming.) */
export function gcraBlocked(
  policy: RatePolicy,
  storedTat: number | undefined,
  now: number,
): number | undefined {
  if (storedTat === undefined) return undefined;
  const interval = policy.windowMs / policy.limit;
  const ahead = storedTat - now;
  const tolerance = policy.windowMs - interval;
  return ahead > tolerance ? Math.ceil(ahead - tolerance) : undefined;
}

export const rateLimitDisabled = (policy: RatePolicy): boolean => policy.limit <= 0;
