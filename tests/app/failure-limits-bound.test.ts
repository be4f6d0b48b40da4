/**
 * Failed attempts leave one rate-limit row per address, which a flood of addresses must not grow without
 * bound: expired rows go with the housekeeping timer, live ones are trimmed to a bound per scope (the soonest
 * to expire first: those addresses are only forgiven early). Here with a small bound.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/src/db/database.js';
import { createStores, type SqliteState } from '../../server/src/db/stores.js';
import { AppError } from '../../server/src/errors.js';
import { FailureLimits } from '../../server/src/use-cases/failure-limits.js';

let dir: string;
let db: Database;
let state: SqliteState;
let now: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-failure-bound-'));
  db = openDatabase({ stateDir: dir, dbPath: join(dir, 'podup.db') });
  now = Date.UTC(2026, 0, 1);
  state = createStores(db, { now: () => now });
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const rows = (scope: string) =>
  db.prepare('SELECT count(*) FROM rate_limits WHERE scope = ?').pluck().get(scope) as number;

describe('rate-limit rows of failing addresses', () => {
  it('stay within the bound per scope however many addresses fail, and the others keep theirs', async () => {
    const clock = { now: () => now };
    const limits = new FailureLimits(
      { limit: 3, windowMs: 600_000 },
      { stores: state.stores, writes: state.writes, clock },
      { maxSources: 100, trimEvery: 10 },
    );
    const refused = new AppError('UNAUTHORIZED', 'wrong admin token');
    await limits.fail('bad-admin-token', '192.0.2.1', refused);
    for (let i = 0; i < 1000; i++) {
      now += 10;
      await limits.fail('bad-signature', `2001:db8::${i.toString(16)}`, refused);
      expect(rows('bad-signature')).toBeLessThanOrEqual(100 + 10);
    }
    expect(rows('bad-admin-token')).toBe(1);
    // The newest addresses are the ones kept: the limit still holds for whoever fails right now.
    const last = `2001:db8::${(999).toString(16)}`;
    expect(db.prepare('SELECT count(*) FROM rate_limits WHERE key = ?').pluck().get(last)).toBe(1);
  });
});
