import { describe, expect, it } from 'vitest';
import { gcraBlocked, gcraHit, rateLimitDisabled, type RateDecision, type RatePolicy } from './gcra.js';

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

/** Apply `count` hits at `now`, threading the TAT through like the store does; returns every decision. */
function hits(
  policy: RatePolicy,
  count: number,
  now: number,
  tat?: number,
): { decisions: RateDecision[]; tat: number | undefined } {
  const decisions: RateDecision[] = [];
  let stored = tat;
  for (let i = 0; i < count; i++) {
    const d = gcraHit(policy, stored, now);
    decisions.push(d);
    if (d.allowed) stored = d.tat;
  }
  return { decisions, tat: stored };
}

describe('gcraHit', () => {
  const policy: RatePolicy = { limit: 60, windowMs: HOUR };

  it('allows a burst of exactly `limit` hits at one instant, then refuses', () => {
    const { decisions } = hits(policy, 61, T0);
    expect(decisions.slice(0, 60).every((d) => d.allowed)).toBe(true);
    expect(decisions[60]?.allowed).toBe(false);
  });

  it('counts the remaining allowance down to zero through the burst', () => {
    const { decisions } = hits(policy, 60, T0);
    const remaining = decisions.map((d) => (d.allowed ? d.remaining : -1));
    expect(remaining[0]).toBe(59);
    expect(remaining[58]).toBe(1);
    expect(remaining[59]).toBe(0);
  });

  it('tells the 61st hit of 60/1h to retry after one emission interval (60 s)', () => {
    const { decisions } = hits(policy, 61, T0);
    const refused = decisions[60];
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: HOUR / 60 });
  });

  it('the retry time is exact: refused 1 ms before it, allowed at it', () => {
    const { tat } = hits(policy, 60, T0);
    const refused = gcraHit(policy, tat, T0);
    if (refused.allowed) throw new Error('expected a refusal');
    expect(gcraHit(policy, tat, T0 + refused.retryAfterMs - 1).allowed).toBe(false);
    expect(gcraHit(policy, tat, T0 + refused.retryAfterMs).allowed).toBe(true);
  });

  it('a refusal leaves the TAT unchanged (refused hits do not push the window further)', () => {
    const { tat } = hits(policy, 60, T0);
    const refused = gcraHit(policy, tat, T0 + 10_000);
    expect(refused.allowed).toBe(false);
    expect(refused.tat).toBe(tat);
    if (!refused.allowed) expect(refused.retryAfterMs).toBe(50_000);
  });

  it('after the whole window passes the full burst is available again', () => {
    const { tat } = hits(policy, 60, T0);
    const later = hits(policy, 61, T0 + HOUR, tat);
    expect(later.decisions.filter((d) => d.allowed)).toHaveLength(60);
    expect(later.decisions[60]?.allowed).toBe(false);
  });

  it('refills one hit per interval, not more', () => {
    const { tat } = hits(policy, 60, T0);
    // 2.5 intervals later: two hits fit, the third does not
    const later = hits(policy, 3, T0 + 150_000, tat);
    expect(later.decisions.map((d) => d.allowed)).toEqual([true, true, false]);
    const third = later.decisions[2];
    if (third && !third.allowed) expect(third.retryAfterMs).toBe(30_000);
  });

  it('a stored TAT in the past counts as a fresh start', () => {
    const d = gcraHit(policy, T0 - 10 * HOUR, T0);
    expect(d).toEqual({ allowed: true, tat: T0 + HOUR / 60, remaining: 59 });
  });

  it('rounds a fractional retry time up to whole milliseconds', () => {
    const odd: RatePolicy = { limit: 3, windowMs: 1000 };
    const { decisions } = hits(odd, 4, T0);
    const refused = decisions[3];
    expect(refused?.allowed).toBe(false);
    if (refused && !refused.allowed) {
      expect(Number.isInteger(refused.retryAfterMs)).toBe(true);
      expect(refused.retryAfterMs).toBe(Math.ceil(1000 / 3));
    }
  });

  it('limit 1 allows one hit per window', () => {
    const one: RatePolicy = { limit: 1, windowMs: 10_000 };
    const first = gcraHit(one, undefined, T0);
    expect(first.allowed).toBe(true);
    const second = gcraHit(one, first.tat, T0 + 4_000);
    expect(second).toMatchObject({ allowed: false, retryAfterMs: 6_000 });
    expect(gcraHit(one, first.tat, T0 + 10_000).allowed).toBe(true);
  });
});

describe('gcraBlocked (peek)', () => {
  const policy: RatePolicy = { limit: 2, windowMs: 60_000 };

  it('is undefined for a key never seen', () => {
    expect(gcraBlocked(policy, undefined, T0)).toBeUndefined();
  });

  it('agrees with gcraHit and does not consume: peeking repeatedly changes nothing', () => {
    const { tat } = hits(policy, 1, T0);
    expect(gcraBlocked(policy, tat, T0)).toBeUndefined();
    expect(gcraBlocked(policy, tat, T0)).toBeUndefined();
    // the second hit is still available after peeking
    const second = gcraHit(policy, tat, T0);
    expect(second.allowed).toBe(true);
    if (!second.allowed) return;
    const retry = gcraBlocked(policy, second.tat, T0);
    const refused = gcraHit(policy, second.tat, T0);
    expect(refused.allowed).toBe(false);
    expect(retry).toBe(refused.allowed ? undefined : refused.retryAfterMs);
    expect(retry).toBe(30_000);
    expect(gcraBlocked(policy, second.tat, T0 + 30_000)).toBeUndefined();
  });
});

describe('rateLimitDisabled', () => {
  it('is true for limit 0 (and below) and false for a positive limit', () => {
    expect(rateLimitDisabled({ limit: 0, windowMs: 1 })).toBe(true);
    expect(rateLimitDisabled({ limit: -1, windowMs: 1 })).toBe(true);
    expect(rateLimitDisabled({ limit: 1, windowMs: HOUR })).toBe(false);
  });
});
