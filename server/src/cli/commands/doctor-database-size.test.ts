import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../db/database.js';
import { createStores } from '../../db/stores.js';
import { databaseSize } from './doctor-database-size.js';

let stateDir: string;
let db: Database;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-doctor-size-'));
  db = openDatabase({ stateDir, dbPath: join(stateDir, 'podup.db') });
});
afterEach(() => {
  db.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('podup doctor: database size', () => {
  it('shows used bytes against the cap, rows per table, counted requests and free space', () => {
    const { stores } = createStores(db);
    stores.requestCounts.add([
      { bucket: Date.now() - 60_000, route: '/healthz', method: 'GET', status: 200, count: 1234 },
    ]);
    stores.rateLimits.setTat('bad-signature', '192.0.2.1', Date.now() + 60_000);
    const line = databaseSize({ stateDir, maxDbBytes: 256 * 2 ** 20 }, db);
    expect(line).toMatchObject({ check: 'database size', level: 'ok' });
    expect(line.detail).toMatch(
      /^[\d.]+ MiB used of the 256 MiB cap \(file [\d.]+ MiB, WAL [\d.]+ MiB\); 0 events, 0 tasks, 0 task log lines, 1 request-count rows \(1234 requests counted, not stored, in 24 h\), 1 rate-limit rows; \d+ MiB free in /,
    );
  });

  it('warns near the cap, with what to do', () => {
    const line = databaseSize({ stateDir, maxDbBytes: 1024 }, db);
    expect(line.level).toBe('warn');
    expect(line.fix).toMatch(/raise PODUP_MAX_DB_SIZE, or prune old tasks/);
  });
});
