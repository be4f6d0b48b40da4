/**
 * The event log as the panel reads it at scale: ids and times in the same order (time filters seek by id),
 * folded rows and their counts, and the overview's 24-hour count kept per minute as rows are written.
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
    expect(ids({ since: T0 + 17_000, limit: 10 })).toEqual(['r19', 'r18', 'r17']);
    expect(ids({ until: T0 + 3_000, limit: 10 })).toEqual(['r2', 'r1', 'r0']);
    expect(ids({ since: T0 + 5_000, until: T0 + 8_000, limit: 10 })).toEqual(['r7', 'r6', 'r5']);
    expect(ids({ since: T0 + 5_500, until: T0 + 5_900, limit: 10 })).toEqual([]);
    expect(ids({ since: T0 + 60_000, limit: 10 })).toEqual([]);
    expect(ids({ until: T0 - 1, limit: 10 })).toEqual([]);
    expect(ids({ until: T0 + 10_000, status: 401, limit: 2 })).toEqual(['r9', 'r7']);
    const cursor = stores.events.list({ until: T0 + 10_000, limit: 2 }).at(-1)?.id;
    expect(ids({ until: T0 + 10_000, beforeId: cursor, limit: 2 })).toEqual(['r7', 'r6']);
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
    // Removing rows does not lower what was written (the log shows what arrived, retention keeps it small).
    db.prepare("DELETE FROM events WHERE request_id LIKE 'm1-%'").run();
    expect(stores.events.countSince(start + minute)).toBe(4);
  });
});
