import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.js';
import { WalSync } from './wal-sync.js';
import { WriteBatcher, type CommitGuard } from './write-batcher.js';

/** The transaction view handed to ops: a tiny key/value table. */
interface KvTx {
  put(key: string, value: string): number;
  count(): number;
}

let dir: string;
let db: Database;
let reader: Database;
let batcher: WriteBatcher<KvTx>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-batcher-test-'));
  const stateDir = join(dir, 'state');
  const dbPath = join(stateDir, 'podup.db');
  db = openDatabase({ stateDir, dbPath });
  db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  reader = openDatabase({ stateDir, dbPath, readonly: true });
  const insert = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
  const tx: KvTx = {
    put: (key, value) => Number(insert.run(key, value).lastInsertRowid),
    count: () => (db.prepare('SELECT count(*) AS n FROM kv').get() as { n: number }).n,
  };
  batcher = new WriteBatcher(db, tx);
});

afterEach(() => {
  if (reader.open) reader.close();
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const keysIn = (conn: Database): string[] =>
  (conn.prepare('SELECT key FROM kv ORDER BY key').all() as { key: string }[]).map((r) => r.key);

describe('WriteBatcher', () => {
  it('commits writes queued in one tick together, resolving each with its own return value', async () => {
    let seenByLastOp: string[] | undefined;
    const promises = [
      batcher.run((tx) => tx.put('a', '1')),
      batcher.run((tx) => tx.put('b', '2')),
      batcher.run((tx) => {
        tx.put('c', '3');
        // the earlier ops of the batch are not committed yet: one transaction for all three
        seenByLastOp = keysIn(reader);
        return `count=${tx.count()}`;
      }),
    ];
    expect(batcher.pending).toBe(3);
    const results = await Promise.all(promises);
    expect(results[0]).toBeTypeOf('number');
    expect(results[1]).toBe((results[0] as number) + 1);
    expect(results[2]).toBe('count=3');
    expect(batcher.pending).toBe(0);
    expect(seenByLastOp).toEqual([]);
    expect(keysIn(reader)).toEqual(['a', 'b', 'c']);
  });

  it('writes queued in different ticks get separate commits', async () => {
    await batcher.run((tx) => tx.put('a', '1'));
    let seen: string[] | undefined;
    await batcher.run((tx) => {
      seen = keysIn(reader);
      return tx.put('b', '2');
    });
    expect(seen).toEqual(['a']);
  });

  it('a throwing op rejects only its own promise; its partial writes roll back, the others commit', async () => {
    const boom = new Error('boom');
    const ok1 = batcher.run((tx) => tx.put('a', '1'));
    const bad = batcher.run((tx) => {
      tx.put('half-done', 'x');
      throw boom;
    });
    const dup = batcher.run((tx) => tx.put('a', 'again')); // violates the primary key
    const ok2 = batcher.run((tx) => tx.put('b', '2'));

    const settled = await Promise.allSettled([ok1, bad, dup, ok2]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(settled[1]).toEqual({ status: 'rejected', reason: boom });
    expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE constraint failed/);
    expect(keysIn(reader)).toEqual(['a', 'b']);
    expect((reader.prepare("SELECT value FROM kv WHERE key = 'a'").get() as { value: string }).value).toBe(
      '1',
    );
  });

  it('a write is not visible to another connection before its promise resolves, and is after', async () => {
    let seenInsideOp: string[] | undefined;
    const p = batcher.run((tx) => {
      tx.put('k', 'v');
      // still inside the open transaction: the reader must not see the row yet
      seenInsideOp = keysIn(reader);
      return 'done';
    });
    // not even run yet: the batch flushes on a later turn of the event loop
    expect(seenInsideOp).toBeUndefined();
    expect(keysIn(reader)).toEqual([]);
    await expect(p).resolves.toBe('done');
    expect(seenInsideOp).toEqual([]);
    expect(keysIn(reader)).toEqual(['k']);
  });

  it('flush() commits synchronously what is queued', async () => {
    const p = batcher.run((tx) => tx.put('now', '1'));
    batcher.flush();
    expect(keysIn(reader)).toEqual(['now']);
    expect(batcher.pending).toBe(0);
    await expect(p).resolves.toBeTypeOf('number');
  });

  it('splits a queue longer than maxBatch into several commits, all resolving', async () => {
    const insert = db.prepare('INSERT INTO kv (key, value) VALUES (?, ?)');
    const small = new WriteBatcher<KvTx>(db, { put: (k, v) => insert.run(k, v).changes, count: () => 0 }, 2);
    const seen: string[][] = [];
    const results = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((k) =>
        small.run((tx) => {
          seen.push(keysIn(reader));
          return tx.put(k, k);
        }),
      ),
    );
    expect(results).toEqual([1, 1, 1, 1, 1]);
    expect(keysIn(reader)).toEqual(['a', 'b', 'c', 'd', 'e']);
    // batches [a, b], [c, d], [e]: each sees exactly the earlier batches committed
    expect(seen).toEqual([[], [], ['a', 'b'], ['a', 'b'], ['a', 'b', 'c', 'd']]);
  });

  it('when the commit itself fails every write of the batch is rejected', async () => {
    const promises = [batcher.run((tx) => tx.put('a', '1')), batcher.run((tx) => tx.put('b', '2'))];
    db.close();
    const settled = await Promise.allSettled(promises);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    for (const s of settled) expect(String((s as PromiseRejectedResult).reason)).toMatch(/not open/);
    expect(keysIn(reader)).toEqual([]);
  });

  it('keeps accepting writes after a failed op', async () => {
    await expect(
      batcher.run(() => {
        throw new Error('first fails');
      }),
    ).rejects.toThrow('first fails');
    await expect(batcher.run((tx) => tx.put('later', '1'))).resolves.toBeTypeOf('number');
    expect(keysIn(reader)).toEqual(['later']);
  });

  it('a write that makes SQLite roll the whole batch back fails the batch: no later write commits on its own', async () => {
    // What SQLite may do on a full disk or an I/O error: undo the transaction, not only the statement.
    db.exec(`CREATE TEMP TRIGGER undo_all BEFORE INSERT ON main.kv WHEN NEW.key = 'undo'
             BEGIN SELECT RAISE(ROLLBACK, 'the transaction was rolled back'); END`);
    const settled = await Promise.allSettled([
      batcher.run((tx) => tx.put('a', '1')),
      batcher.run((tx) => tx.put('undo', '2')),
      batcher.run((tx) => tx.put('c', '3')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const s of settled)
      expect(String((s as PromiseRejectedResult).reason)).toMatch(/the transaction was rolled back/);
    expect(keysIn(reader)).toEqual([]);
    await expect(batcher.run((tx) => tx.put('later', '1'))).resolves.toBeTypeOf('number');
    expect(keysIn(reader)).toEqual(['later']);
  });
});

describe('WriteBatcher with a commit guard', () => {
  const calls: string[] = [];
  const guard = (over: Partial<CommitGuard> = {}): CommitGuard => ({
    before: () => calls.push('before'),
    after: () => calls.push('after'),
    failed: (err) => {
      calls.push('failed');
      return new Error(`refused: ${String(err)}`);
    },
    succeeded: () => calls.push('succeeded'),
    ...over,
  });
  const guarded = (g: CommitGuard) =>
    new WriteBatcher<KvTx>(
      db,
      { put: (k, v) => db.prepare('INSERT INTO kv VALUES (?, ?)').run(k, v).changes, count: () => 0 },
      1000,
      g,
    );

  beforeEach(() => {
    calls.length = 0;
  });

  it('asks before and after each commit, and reports a commit that succeeded', async () => {
    await guarded(guard()).run((tx) => tx.put('a', '1'));
    expect(calls).toEqual(['before', 'after', 'succeeded']);
  });

  it('attempts nothing while the guard refuses before the commit', async () => {
    const b = guarded(
      guard({
        before: () => {
          throw new Error('deleted');
        },
      }),
    );
    await expect(b.run((tx) => tx.put('a', '1'))).rejects.toThrow('refused: Error: deleted');
    expect(keysIn(reader)).toEqual([]);
  });

  it('acknowledges nothing of a commit the guard finds lost afterwards', async () => {
    const b = guarded(
      guard({
        after: () => {
          throw new Error('the files at the paths are not the ones written');
        },
      }),
    );
    const settled = await Promise.allSettled([
      b.run((tx) => tx.put('a', '1')),
      b.run((tx) => tx.put('b', '2')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toMatch(/refused: .*not the ones written/);
    expect(calls).not.toContain('succeeded');
  });

  it('gives each failed write the error the guard makes of it', async () => {
    const b = guarded(guard());
    await b.run((tx) => tx.put('a', '1'));
    await expect(b.run((tx) => tx.put('a', 'again'))).rejects.toThrow(/^refused: .*UNIQUE/);
  });
});

describe('WriteBatcher with the fsync off the event loop (WalSync)', () => {
  const kv = (): KvTx => ({
    put: (k, v) => db.prepare('INSERT INTO kv VALUES (?, ?)').run(k, v).changes,
    count: () => 0,
  });

  it('commits without SQLite syncing, syncs the log, and only then tells the callers', async () => {
    let release: () => void = () => undefined;
    const order: string[] = [];
    const b = new WriteBatcher<KvTx>(db, kv(), 1000, undefined, {
      unsynced: (commit) => {
        order.push('commit');
        return commit();
      },
      synced: () => new Promise<void>((r) => (release = () => r(order.push('synced') as never))),
    });
    const done = b.run((tx) => tx.put('a', '1')).then(() => order.push('told'));
    await new Promise((r) => setTimeout(r, 20));
    // Committed (another connection sees it) but not yet acknowledged: the sync is still running.
    expect(keysIn(reader)).toEqual(['a']);
    expect(order).toEqual(['commit']);
    release();
    await done;
    expect(order).toEqual(['commit', 'synced', 'told']);
  });

  it('acknowledges nothing when the sync fails', async () => {
    const b = new WriteBatcher<KvTx>(
      db,
      kv(),
      1000,
      { before() {}, after() {}, failed: (e) => new Error(`refused: ${String(e)}`), succeeded() {} },
      { unsynced: (commit) => commit(), synced: () => Promise.reject(new Error('EIO')) },
    );
    const settled = await Promise.allSettled([
      b.run((tx) => tx.put('a', '1')),
      b.run((tx) => tx.put('b', '2')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(String((settled[0] as PromiseRejectedResult).reason)).toContain('refused: Error: EIO');
  });

  it('WalSync: NORMAL for the batch commit only, FULL again after it; each batch its own fdatasync', async () => {
    const walPath = `${db.name}-wal`;
    const sync = new WalSync(db, walPath);
    const b = new WriteBatcher<KvTx>(db, kv(), 1000, undefined, sync);
    await Promise.all([b.run((tx) => tx.put('a', '1')), b.run((tx) => tx.put('b', '2'))]);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    // Syncs may run side by side; the descriptor is closed once the last one is done.
    await Promise.all([sync.synced(), sync.synced(), sync.synced()]);
    expect(keysIn(reader)).toEqual(['a', 'b']);
    const pending = sync.synced();
    sync.close();
    await pending;
  });
});
