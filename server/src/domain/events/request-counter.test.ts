import { describe, expect, it } from 'vitest';
import { MAX_KEYS_PER_MINUTE, OTHER_ROUTE, RequestCounter } from './request-counter.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('RequestCounter', () => {
  it('counts per route, method, status and minute, and starts from zero after a take', () => {
    const c = new RequestCounter();
    for (let i = 0; i < 1000; i++) c.add('/healthz', 'GET', 200, T0 + (i % 59) * 1000);
    c.add('/healthz', 'HEAD', 200, T0);
    c.add('/healthz', 'GET', 200, T0 + 60_000);
    expect(c.take()).toEqual([
      { bucket: T0, route: '/healthz', method: 'GET', status: 200, count: 1000 },
      { bucket: T0, route: '/healthz', method: 'HEAD', status: 200, count: 1 },
      { bucket: T0 + 60_000, route: '/healthz', method: 'GET', status: 200, count: 1 },
    ]);
    expect(c.take()).toEqual([]);
  });

  it('keeps at most MAX_KEYS_PER_MINUTE keys a minute, across takes: the rest count as (other)', () => {
    const c = new RequestCounter();
    const taken = [];
    for (let i = 0; i < 3 * MAX_KEYS_PER_MINUTE; i++) {
      c.add(`/random-${i}`, 'GET', 200, T0 + i);
      if (i % 50 === 0) taken.push(...c.take());
    }
    taken.push(...c.take());
    const keys = new Set(taken.map((t) => t.route));
    expect(keys.size).toBe(MAX_KEYS_PER_MINUTE + 1);
    expect(keys.has(OTHER_ROUTE)).toBe(true);
    expect(taken.reduce((n, t) => n + t.count, 0)).toBe(3 * MAX_KEYS_PER_MINUTE);
    // A new minute has room again.
    c.add('/random-new', 'GET', 200, T0 + 60_000);
    expect(c.take()).toEqual([
      { bucket: T0 + 60_000, route: '/random-new', method: 'GET', status: 200, count: 1 },
    ]);
  });
});
