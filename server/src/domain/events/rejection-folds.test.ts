import { describe, expect, it } from 'vitest';
import { MAX_FOLDS_PER_MINUTE, RejectionFolds } from './rejection-folds.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('RejectionFolds', () => {
  it('stores the first refusal of a source, route, status, reason and minute, and counts the others onto it', () => {
    const f = new RejectionFolds();
    const first = f.hit('192.0.2.1', 'POST', '/webhooks/github', 401, undefined, T0);
    expect(first.first).toBe(true);
    for (let i = 0; i < 49; i++)
      expect(f.hit('192.0.2.1', 'POST', '/webhooks/github', 401, undefined, T0 + i).first).toBe(false);
    // Another status, source or minute is another row.
    expect(f.hit('192.0.2.1', 'POST', '/webhooks/github', 400, undefined, T0).first).toBe(true);
    expect(f.hit('192.0.2.2', 'POST', '/webhooks/github', 401, undefined, T0).first).toBe(true);
    // So is another reason: a refusal that changes its cause shows the new one.
    expect(f.hit('192.0.2.1', 'POST', '/webhooks/github', 401, 'SIGNATURE_MISSING: x', T0).first).toBe(true);
    if (!first.first) return;
    // Nothing to write until the row exists.
    expect(f.take()).toEqual([]);
    f.stored(first.fold, 7);
    expect(f.take()).toEqual([{ id: 7, n: 49 }]);
    expect(f.take()).toEqual([]);
    f.hit('192.0.2.1', 'POST', '/webhooks/github', 401, undefined, T0 + 100);
    expect(f.take()).toEqual([{ id: 7, n: 1 }]);
    expect(f.hit('192.0.2.1', 'POST', '/webhooks/github', 401, undefined, T0 + 60_000).first).toBe(true);
  });

  it('writes the counts of a past minute once, then forgets it', () => {
    const f = new RejectionFolds();
    const hit = f.hit(null, 'GET', '/nope', 404, undefined, T0);
    if (!hit.first) throw new Error('expected a first hit');
    f.stored(hit.fold, 1);
    f.hit(null, 'GET', '/nope', 404, undefined, T0 + 1);
    f.hit(null, 'GET', '/nope', 404, undefined, T0 + 60_000);
    expect(f.take()).toEqual([{ id: 1, n: 1 }]);
    expect(f.size).toBe(1);
  });

  it('after a failed insert, the next refusal of the kind writes a row again', () => {
    const f = new RejectionFolds();
    const hit = f.hit('192.0.2.1', 'GET', '/api/tasks', 401, undefined, T0);
    if (!hit.first) throw new Error('expected a first hit');
    f.failed(hit.fold);
    expect(f.hit('192.0.2.1', 'GET', '/api/tasks', 401, undefined, T0).first).toBe(true);
  });

  it('keeps at most MAX_FOLDS_PER_MINUTE rows a minute: past that, one overflow row per method and status', () => {
    const f = new RejectionFolds();
    let rows = 0;
    let overflow = 0;
    for (let i = 0; i < 5 * MAX_FOLDS_PER_MINUTE; i++) {
      const hit = f.hit(`198.51.100.${i % 250}`, 'GET', `/wp-${i}.php`, 404, undefined, T0 + i);
      if (hit.first) {
        rows++;
        if (hit.fold.overflow) overflow++;
      }
    }
    expect(rows).toBe(MAX_FOLDS_PER_MINUTE + 1);
    expect(overflow).toBe(1);
  });
});
