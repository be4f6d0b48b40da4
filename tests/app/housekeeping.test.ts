/**
 * The server's own upkeep (use-cases/housekeeping.ts): retention runs by itself on a timer, and the database
 * stays under PODUP_MAX_DB_SIZE by dropping noise first, then the oldest events, while deliveries are still
 * accepted.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildFakeApp, type TestApp } from '../helpers/app.js';
import { injectEvent, packagePublished } from '../helpers/github.js';

const DAY = 86_400_000;
const MIB = 2 ** 20;

let t: TestApp | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await t?.close();
  t = undefined;
});

const count = (app: TestApp, sql: string): number => app.podup.db.prepare(sql).pluck().get() as number;

/** Rows straight into the file, as hours of noise before the cap existed would have left them. */
function fill(app: TestApp, opts: { events: number; folded: number; counts: number; at: number }): void {
  const { db } = app.podup;
  const event = db.prepare(
    `INSERT INTO events (ts, request_id, route, method, status, outcome, reason, source, count)
     VALUES (?, ?, ?, 'POST', ?, ?, ?, '198.51.100.7', ?)`,
  );
  const counts = db.prepare(
    `INSERT INTO request_counts (bucket, span, route, method, status, count) VALUES (?, 60000, ?, 'GET', 200, 1)`,
  );
  db.transaction(() => {
    for (let i = 0; i < opts.counts; i++) counts.run(opts.at + i * 60_000, `/route-${i % 7}`);
    for (let i = 0; i < opts.folded; i++)
      event.run(
        opts.at + i,
        `f-${i}`,
        '/webhooks/github',
        401,
        'rejected',
        'SIGNATURE_INVALID '.repeat(40),
        3,
      );
    for (let i = 0; i < opts.events; i++)
      event.run(
        opts.at + opts.folded + i,
        `e-${i}`,
        '/webhooks/github',
        202,
        'accepted',
        'y'.repeat(700),
        null,
      );
  })();
}

describe('the size cap', () => {
  it('drops request counts, then folded refusals, then the oldest events, down to 90% of the cap', async () => {
    const app = (t = await buildFakeApp({ PODUP_MAX_DB_SIZE: '16MiB' }));
    const { retention } = app.podup.state.stores;
    fill(app, { events: 20_000, folded: 6_000, counts: 3_000, at: Date.now() - 2 * DAY });
    expect(retention.usedBytes()).toBeGreaterThan(16 * MIB);
    const newest = count(app, 'SELECT max(id) FROM events');

    const { housekeeping } = app.podup.services;
    for (let i = 0; i < 20 && retention.usedBytes() > 0.9 * 16 * MIB; i++) await housekeeping.tick();

    expect(retention.usedBytes()).toBeLessThanOrEqual(0.9 * 16 * MIB);
    expect(count(app, 'SELECT count(*) FROM request_counts')).toBe(0);
    expect(count(app, 'SELECT count(*) FROM events WHERE count IS NOT NULL')).toBe(0);
    // Only as many of the oldest events as needed; the newest stay.
    const left = count(app, 'SELECT count(*) FROM events');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(20_000);
    expect(count(app, 'SELECT max(id) FROM events')).toBe(newest);
    expect(app.podup.services.audit.overCap).toBe(false);
  }, 30_000);

  it('over the cap, deliveries are still accepted and stored, and refusals are only counted', async () => {
    const app = (t = await buildFakeApp({ PODUP_MAX_DB_SIZE: '16MiB' }));
    app.podup.services.audit.overCap = true;
    const body = packagePublished({ tag: 'v1', digest: `sha256:${'e'.repeat(64)}` });
    const delivered = await injectEvent(app.app, 'package', body);
    expect(delivered.statusCode).toBe(202);
    for (let i = 0; i < 5; i++)
      expect((await app.app.inject({ method: 'GET', url: '/api/tasks' })).statusCode).toBe(401);
    await app.podup.services.audit.flush();
    app.podup.state.writes.flush();
    expect(app.podup.db.prepare('SELECT outcome FROM events').pluck().all()).toEqual(['accepted']);
    expect(
      count(app, "SELECT sum(count) FROM request_counts WHERE route = '/api/tasks' AND status = 401"),
    ).toBe(5);
  });
});

describe('retention on a timer', () => {
  it('runs by itself a minute after the start, then once an hour, with the default periods', async () => {
    // With PODUP_DB_SYNC=full a round's writes wait for an fsync on the thread pool: real time, which the fake
    // timers below do not move.
    const app = (t = await buildFakeApp({ PODUP_DB_SYNC: 'normal' }));
    const { db } = app.podup;
    const oldEvent = db.prepare(
      `INSERT INTO events (ts, request_id, route, method, status, outcome) VALUES (?, ?, '/x', 'POST', 200, 'ok')`,
    );
    const start = Date.now();
    oldEvent.run(start - 40 * DAY, 'old-1');
    oldEvent.run(start - DAY, 'recent');
    db.prepare(
      `INSERT INTO rate_limits (scope, key, tat) VALUES ('bad-signature', 'gone', ?), ('bad-signature', 'live', ?)`,
    ).run(start - 1, start + DAY);
    const ids = () => db.prepare('SELECT request_id FROM events ORDER BY id').pluck().all();

    vi.useFakeTimers({ now: start, toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
    const { housekeeping } = app.podup.services;
    housekeeping.start();
    await vi.advanceTimersByTimeAsync(30_000);
    expect(ids()).toEqual(['old-1', 'recent']);

    await vi.advanceTimersByTimeAsync(40_000);
    expect(ids()).toEqual(['recent']);
    expect(db.prepare('SELECT key FROM rate_limits').pluck().all()).toEqual(['live']);

    oldEvent.run(Date.now() - 40 * DAY, 'old-2');
    await vi.advanceTimersByTimeAsync(30 * 60_000);
    expect(ids()).toContain('old-2');
    await vi.advanceTimersByTimeAsync(35 * 60_000);
    expect(ids()).toEqual(['recent']);
    await housekeeping.stop();
  });

  it('stop writes the counts that wait in memory', async () => {
    const app = (t = await buildFakeApp());
    for (let i = 0; i < 3; i++) await app.app.inject({ method: 'GET', url: '/healthz' });
    await app.podup.services.housekeeping.stop();
    app.podup.state.writes.flush();
    expect(count(app, "SELECT sum(count) FROM request_counts WHERE route = '/healthz'")).toBe(3);
  });
});
