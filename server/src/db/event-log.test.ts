/**
 * The event log as the panel reads it at scale: ids and times in the same order (time filters seek by id),
 * folded rows and their counts, the overview's 24-hour count kept per minute, and the filter copies
 * (event_facets) the housekeeping writes in bulk: the answers are the same before, during and after the copy.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../domain/events/event.js';
import type { Stores } from '../domain/ports/index.js';
import { openDatabase, type Database } from './database.js';
import { createStores } from './stores.js';

const T0 = Date.UTC(2026, 5, 15, 12, 0, 30);

let dir: string;
let db: Database;
let stores: Stores;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-event-log-'));
  db = openDatabase({ stateDir: dir, dbPath: join(dir, 'podup.db') });
  ({ stores } = createStores(db));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const row = (ts: number, requestId: string, over: Partial<EventRow> = {}): EventRow => ({
  ts,
  requestId,
  route: '/webhooks/github',
  method: 'POST',
  status: 202,
  delivery: null,
  event: null,
  action: null,
  image: null,
  outcome: 'accepted',
  reason: null,
  taskId: null,
  source: null,
  actor: null,
  durationMs: 1,
  ...over,
});

const ids = (q: Parameters<Stores['events']['list']>[0]) => stores.events.list(q).map((e) => e.requestId);

describe('times and ids', () => {
  it('never records a time before the previous row (a clock stepped back)', () => {
    stores.events.insert(row(T0, 'a'));
    stores.events.insert(row(T0 - 60_000, 'stepped-back'));
    stores.events.insert(row(T0 + 5, 'b'));
    expect(stores.events.list({ limit: 10 }).map((e) => [e.requestId, e.ts])).toEqual([
      ['b', T0 + 5],
      ['stepped-back', T0],
      ['a', T0],
    ]);
  });

  it('filters by time exactly, from either end, with the cursor and other filters', () => {
    for (let i = 0; i < 20; i++)
      stores.events.insert(row(T0 + i * 1000, `r${i}`, { status: i % 2 ? 401 : 202 }));
    // Before the rows are copied into event_facets, half copied, all copied: the same answers.
    for (const copy of [0, 7, 100]) {
      stores.events.copyFacets(copy);
      expect(ids({ since: T0 + 17_000, limit: 10 })).toEqual(['r19', 'r18', 'r17']);
      expect(ids({ until: T0 + 3_000, limit: 10 })).toEqual(['r2', 'r1', 'r0']);
      expect(ids({ since: T0 + 5_000, until: T0 + 8_000, limit: 10 })).toEqual(['r7', 'r6', 'r5']);
      expect(ids({ since: T0 + 5_500, until: T0 + 5_900, limit: 10 })).toEqual([]);
      expect(ids({ since: T0 + 60_000, limit: 10 })).toEqual([]);
      expect(ids({ until: T0 - 1, limit: 10 })).toEqual([]);
      expect(ids({ until: T0 + 10_000, status: 401, limit: 2 })).toEqual(['r9', 'r7']);
      expect(ids({ status: 401, limit: 3 })).toEqual(['r19', 'r17', 'r15']);
      expect(ids({ status: 401, since: T0 + 4_000, until: T0 + 9_000, limit: 10 })).toEqual(['r7', 'r5']);
      const cursor = stores.events.list({ until: T0 + 10_000, limit: 2 }).at(-1)?.id;
      expect(ids({ until: T0 + 10_000, beforeId: cursor, limit: 2 })).toEqual(['r7', 'r6']);
      const page = stores.events.list({ status: 401, limit: 4 }).at(-1)?.id;
      expect(ids({ status: 401, beforeId: page, limit: 4 })).toEqual(['r11', 'r9', 'r7', 'r5']);
    }
  });

  it('pages a filter across rows copied and rows not copied yet without gaps or repeats', () => {
    for (let i = 0; i < 30; i++)
      stores.events.insert(
        row(T0 + i, `r${i}`, { image: i % 3 ? 'ghcr.io/a/b:1' : null, outcome: 'accepted' }),
      );
    stores.events.copyFacets(12);
    const seen: string[] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = stores.events.list({ image: 'ghcr.io/a/b:1', outcome: 'accepted', beforeId, limit: 4 });
      seen.push(...page.map((e) => e.requestId));
      if (page.length < 4) break;
      beforeId = page.at(-1)?.id;
    }
    const expected = Array.from({ length: 30 }, (_, i) => i)
      .filter((i) => i % 3)
      .reverse()
      .map((i) => `r${i}`);
    expect(seen).toEqual(expected);
  });
});

describe('folded rows', () => {
  it('report a count (1 for a row of its own), raised by addToCount', () => {
    const single = stores.events.insert(row(T0, 'single'));
    const folded = stores.events.insert(row(T0, 'folded', { status: 401, outcome: 'rejected', count: 1 }));
    stores.events.addToCount(folded, 36);
    stores.events.addToCount(999, 5);
    const byId = new Map(stores.events.list({ limit: 10 }).map((e) => [e.id, e.count]));
    expect(byId.get(single)).toBe(1);
    expect(byId.get(folded)).toBe(37);
  });
});

describe('countSince', () => {
  it('counts the rows written since a time: whole minutes kept as written, the first minute exactly', () => {
    const minute = 60_000;
    const start = T0 - (T0 % minute);
    for (let i = 0; i < 6; i++) stores.events.insert(row(start + i * 10_000, `m0-${i}`));
    for (let i = 0; i < 4; i++) stores.events.insert(row(start + minute + i * 1000, `m1-${i}`));
    expect(stores.events.countSince(start)).toBe(10);
    expect(stores.events.countSince(start + 25_000)).toBe(7);
    expect(stores.events.countSince(start + minute)).toBe(4);
    expect(stores.events.countSince(start + 2 * minute)).toBe(0);
    // The same once the rows are counted into event_counts (the housekeeping's copy), also half of them.
    for (const copy of [4, 100]) {
      stores.events.copyFacets(copy);
      expect(stores.events.countSince(start)).toBe(10);
      expect(stores.events.countSince(start + 25_000)).toBe(7);
      expect(stores.events.countSince(start + minute)).toBe(4);
    }
    // Removing rows does not lower what was written (the log shows what arrived, retention keeps it small).
    db.prepare("DELETE FROM events WHERE request_id LIKE 'm1-%'").run();
    expect(stores.events.countSince(start + minute)).toBe(4);
  });
});

describe('countSince, deliveries only', () => {
  it('counts webhooks and calls that ask for something, not failed reads, sign-ins or probes, before and after the copy', () => {
    const minute = 60_000;
    const start = T0 - (T0 % minute);
    const others: Array<Partial<EventRow>> = [
      { route: '/api/tasks/:id', method: 'GET', status: 404, outcome: 'rejected' },
      { route: '/api/session', method: 'POST', status: 401, outcome: 'rejected' },
      { route: '/readyz', method: 'GET', status: 503, outcome: 'error' },
    ];
    const deliveries: Array<Partial<EventRow>> = [
      {},
      { route: '/github-package-update/:unit', status: 401, outcome: 'rejected' },
      { route: '/api/v1/tasks', method: 'POST', status: 202 },
      { route: '/api/tasks/:id/stop', method: 'POST', status: 409, outcome: 'rejected' },
    ];
    [...others, ...deliveries].forEach((over, i) =>
      stores.events.insert(row(start + i * 20_000, `e${i}`, over)),
    );
    expect(stores.events.countSince(start, true)).toBe(4);
    expect(stores.events.countSince(start)).toBe(7);
    for (const copy of [3, 100]) {
      stores.events.copyFacets(copy);
      expect(stores.events.countSince(start, true)).toBe(4);
      expect(stores.events.countSince(start + minute, true)).toBe(4);
      expect(stores.events.countSince(start + 2 * minute, true)).toBe(1);
      expect(stores.events.countSince(start)).toBe(7);
    }
  });
});

describe('the filter copies (event_facets) as rows go', () => {
  const facets = () => db.prepare('SELECT count(*) FROM event_facets').pluck().get() as number;

  it('follow a prune that empties most of the log at once, and the rows not copied yet are copied later', () => {
    const image = (i: number) => (i % 10 ? null : 'ghcr.io/a/b:1');
    db.transaction(() => {
      for (let i = 0; i < 12_000; i++) stores.events.insert(row(T0 + i * 1000, `r${i}`, { image: image(i) }));
    })();
    stores.events.copyFacets(11_000);
    const cutoff = T0 + 10_500 * 1000;
    const removed = stores.retention.remove({ events: cutoff, tasks: 0, units: 0, now: T0 });
    expect(removed.events).toBe(10_500);
    expect(facets()).toBe(500);
    const expected = (from: number) =>
      Array.from({ length: 12_000 - from }, (_, k) => from + k)
        .filter((i) => image(i))
        .reverse()
        .map((i) => `r${i}`);
    expect(ids({ image: 'ghcr.io/a/b:1', limit: 1000 })).toEqual(expected(10_500));
    expect(stores.events.copyFacets(100_000)).toBe(1_000);
    expect(ids({ image: 'ghcr.io/a/b:1', limit: 1000 })).toEqual(expected(10_500));
    expect(stores.events.countSince(cutoff)).toBe(1_500);
  });

  it('of the newest rows shed go with them, so that the ids taken again are read from the new rows', () => {
    stores.events.insert(row(T0, 'kept', { status: 202 }));
    stores.events.insert(row(T0 + 1, 'folded', { status: 401, outcome: 'rejected', count: 1 }));
    stores.events.copyFacets(10);
    expect(stores.retention.shed('folded-events', 10)).toBe(1);
    stores.events.insert(row(T0 + 2, 'new', { status: 401, outcome: 'rejected', image: 'ghcr.io/a/b:2' }));
    for (const copy of [0, 10]) {
      stores.events.copyFacets(copy);
      expect(ids({ image: 'ghcr.io/a/b:2', limit: 10 })).toEqual(['new']);
      expect(ids({ status: 401, limit: 10 })).toEqual(['new']);
      expect(ids({ status: 202, limit: 10 })).toEqual(['kept']);
    }
  });
});
