import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { openDatabase } from './database.js';
import { SqliteStateCopies } from './state-copies.js';
import { createStores } from './stores.js';
import { MIGRATIONS } from './migrations/index.js';

let dir: string;
let dbPath: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-copies-'));
  dbPath = join(dir, 'podup.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const addEvents = (db: ReturnType<typeof openDatabase>, n: number) => {
  const { stores } = createStores(db);
  for (let i = 0; i < n; i++)
    stores.events.insert({
      ts: Date.now(),
      requestId: `r${i}`,
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
      actor: null,
      source: '192.0.2.1',
      durationMs: 1,
    });
};

describe('SqliteStateCopies', () => {
  it('backs up the live database while another connection holds it, into one file of its own', async () => {
    const live = openDatabase({ stateDir: dir, dbPath });
    addEvents(live, 3);
    const copies = new SqliteStateCopies(dbPath);
    const file = join(dir, 'backup.db');
    const info = await copies.backupTo(file);
    live.close();
    expect(info).toMatchObject({ integrity: 'ok', schema: MIGRATIONS.length, events: 3 });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(copies.inspect(file)).toEqual(info);
  });

  it('says what is wrong with a file that is not a podup database', () => {
    const copies = new SqliteStateCopies(dbPath);
    writeFileSync(join(dir, 'junk'), 'not sqlite at all, not at all, not at all, not at all, not at all');
    expect(() => copies.inspect(join(dir, 'junk'))).toThrow(AppError);
    expect(() => copies.inspect(join(dir, 'missing'))).toThrow(/cannot open/);
  });

  it('puts a copy in place and keeps the replaced database, -wal included, beside it', async () => {
    const live = openDatabase({ stateDir: dir, dbPath });
    addEvents(live, 1);
    const copies = new SqliteStateCopies(dbPath);
    await copies.backupTo(join(dir, 'b.db'));
    addEvents(live, 2);
    live.close();
    const { aside } = copies.replaceWith(join(dir, 'b.db'), 'T1');
    expect(aside).toBe(`${dbPath}.before-restore-T1`);
    expect(copies.inspect(dbPath).events).toBe(1);
    expect(copies.inspect(aside ?? '').events).toBe(3);
  });

  it('sees other processes holding locks on the live database in the kernel lock table', () => {
    const live = openDatabase({ stateDir: dir, dbPath });
    const { dev, ino } = statSync(dbPath);
    const key = `${(Math.floor(dev / 256) & 0xfff).toString(16).padStart(2, '0')}:${(dev & 0xff).toString(16).padStart(2, '0')}:${ino}`;
    const locks = join(dir, 'locks');
    writeFileSync(
      locks,
      [
        `1: POSIX  ADVISORY  READ 4242 ${key} 1073741826 1073742335`,
        `2: POSIX  ADVISORY  READ ${process.pid} ${key} 128 128`,
        `3: POSIX  ADVISORY  READ 77 fe:00:1 0 EOF`,
        `4: -> POSIX  ADVISORY  WRITE 99 ${key} 0 EOF`,
      ].join('\n'),
    );
    expect(new SqliteStateCopies(dbPath, locks).openedBy()).toEqual([99, 4242]);
    // This very process, in the real table: its own locks do not count.
    expect(new SqliteStateCopies(dbPath).openedBy()).toEqual([]);
    expect(readFileSync('/proc/locks', 'utf8')).toContain(`${process.pid} `);
    live.close();
  });
});
