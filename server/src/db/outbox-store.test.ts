/**
 * The outbox on real SQLite: a dedup key is written once, a claim is exclusive until its lease ends, a failure
 * is retried at its time or given up, and a removed channel's pending deliveries are dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NotificationMessage } from '../domain/notifications/message.js';
import type { Stores } from '../domain/ports/index.js';
import { openDatabase, type Database } from './database.js';
import { createStores } from './stores.js';

let dir: string;
let db: Database;
let stores: Stores;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-outbox-test-'));
  db = openDatabase({ stateDir: dir, dbPath: join(dir, 'podup.db') });
  ({ stores } = createStores(db));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = 1_700_000_000_000;
const message = (dedupKey: string): NotificationMessage => ({
  event: 'failed',
  dedupKey,
  time: new Date(T0).toISOString(),
  severity: 'error',
  title: 't',
  text: 'x',
  taskId: null,
  link: null,
  units: [],
});

describe('the outbox', () => {
  it('writes a dedup key once, with one delivery per channel', () => {
    expect(stores.outbox.add(message('failed:tsk_A'), ['a', 'b', 'a'], T0)).toBe(true);
    expect(stores.outbox.add(message('failed:tsk_A'), ['a', 'c'], T0 + 1)).toBe(false);
    expect(stores.outbox.counts()).toEqual([
      { channelId: 'a', status: 'pending', n: 1 },
      { channelId: 'b', status: 'pending', n: 1 },
    ]);
    expect(stores.outbox.nextDue()).toBe(T0);
    expect(stores.outbox.hasPending()).toBe(true);
  });

  it('claims a due delivery for one owner until its lease ends', () => {
    stores.outbox.add(message('k1'), ['a'], T0);
    const mine = stores.outbox.claimDue(T0, 'me', T0 + 60_000, 10);
    expect(mine.map((d) => [d.dedupKey, d.channelId, d.message.dedupKey])).toEqual([['k1', 'a', 'k1']]);
    expect(stores.outbox.claimDue(T0 + 1000, 'other', T0 + 61_000, 10)).toEqual([]);
    expect(stores.outbox.claimDue(T0 + 60_001, 'other', T0 + 120_000, 10)).toHaveLength(1);
  });

  it('retries a failure at its time, gives it up when told, and records a delivery', () => {
    stores.outbox.add(message('k1'), ['a', 'b'], T0);
    stores.outbox.claimDue(T0, 'me', T0 + 60_000, 10);
    stores.outbox.failed(1, 'a', T0 + 5, 'json unreachable: ECONNREFUSED', null, T0 + 10_000);
    stores.outbox.failed(1, 'b', T0 + 5, 'json answered HTTP 500', 500, null);
    expect(stores.outbox.claimDue(T0 + 9_999, 'me', T0 + 70_000, 10)).toEqual([]);
    const again = stores.outbox.claimDue(T0 + 10_000, 'me', T0 + 70_000, 10);
    expect(again.map((d) => [d.channelId, d.attempts])).toEqual([['a', 1]]);
    stores.outbox.delivered(1, 'a', T0 + 10_001, 204);
    expect(stores.outbox.recent('a', 5)).toEqual([
      expect.objectContaining({ status: 'delivered', attempts: 2, lastStatus: 204, lastError: null }),
    ]);
    expect(stores.outbox.recent('b', 5)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1, lastStatus: 500 }),
    ]);
    expect(stores.outbox.hasPending()).toBe(false);
  });

  it("drops a removed channel's pending deliveries", () => {
    stores.outbox.add(message('k1'), ['a'], T0);
    stores.outbox.add(message('k2'), ['a'], T0);
    expect(stores.outbox.dropChannel('a', T0 + 1)).toBe(2);
    expect(stores.outbox.claimDue(T0 + 2, 'me', T0 + 60_000, 10)).toEqual([]);
  });
});
