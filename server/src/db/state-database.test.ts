import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Log } from '../domain/ports/index.js';
import type { TaskRecord } from '../domain/tasks/task.js';
import type * as database from './database.js';
import { openDatabase } from './database.js';
import { StateDatabase } from './state-database.js';
import { storageFault } from './storage-faults.js';
import { createStores } from './stores.js';

vi.mock('./database.js', async (importOriginal) => {
  const real = await importOriginal<typeof database>();
  return { ...real, openDatabase: vi.fn(real.openDatabase) };
});

const T0 = 1_700_000_000_000;
const silent: Log = { info() {}, warn() {}, error() {} };

let dir: string;
let now: number;
let state: StateDatabase | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-state-test-'));
  now = T0;
  vi.mocked(openDatabase).mockClear();
});
afterEach(() => {
  state?.close();
  state = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const open = (stateDir = dir): StateDatabase =>
  new StateDatabase({
    stateDir,
    dbPath: join(stateDir, 'podup.db'),
    clock: { now: () => now },
    log: silent,
  });

const task = (id: string): TaskRecord => ({
  id,
  kind: 'image-update',
  status: 'queued',
  image: 'ghcr.io/acme/app:stable',
  units: null,
  trigger: 'webhook',
  actor: null,
  delivery: null,
  caller: null,
  reason: null,
  createdAt: T0,
  updatedAt: T0,
  startedAt: null,
  finishedAt: null,
  notBefore: null,
  attempts: 0,
  summary: null,
  retryOf: null,
  stopRequested: null,
  digest: null,
  force: false,
  expiresAt: null,
  approvedBy: null,
  source: null,
});

async function rejection(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): { code?: string; message: string } {
  try {
    fn();
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error('expected a throw');
}

describe('StateDatabase', () => {
  it('stands in for every method of every store', () => {
    state = open();
    const real = createStores(state.db).stores;
    for (const [name, store] of Object.entries(real)) {
      const methods = Object.getOwnPropertyNames(Object.getPrototypeOf(store)).filter(
        (m) => m !== 'constructor',
      );
      expect(Object.keys(state.stores[name as keyof typeof real]).sort(), name).toEqual(methods.sort());
    }
  });

  it('reads and writes through to the database', async () => {
    state = open();
    await state.writes.run((s) => s.tasks.create(task('tsk_A')));
    expect(state.stores.tasks.get('tsk_A')?.status).toBe('queued');
    expect(state.stores.tasks.claimNext('me', T0, T0 + 1000)?.id).toBe('tsk_A');
    await expect(state.probe().check(1000)).resolves.toMatch(/writable/);
  });

  it('a deleted database: every write and store call is refused STORAGE_DELETED, and the probe says so', async () => {
    state = open();
    await state.writes.run((s) => s.tasks.create(task('tsk_A')));
    const dbPath = join(dir, 'podup.db');
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) rmSync(f);

    const first = await rejection(state.writes.run((s) => s.tasks.create(task('tsk_B'))));
    expect(first).toMatchObject({ code: 'STORAGE_DELETED', message: `database deleted: ${dbPath}` });
    expect(await rejection(state.writes.run((s) => s.meta.set('k', 'v')))).toMatchObject({
      code: 'STORAGE_DELETED',
    });
    expect(thrown(() => state?.stores.tasks.claimNext('me', T0, T0 + 1000))).toMatchObject({
      code: 'STORAGE_DELETED',
    });
    const journal = state.stores.journals;
    expect(thrown(() => journal.journalFor('tsk_A'))).toMatchObject({ code: 'STORAGE_DELETED' });
    await expect(state.probe().check(1000)).rejects.toThrow(`database deleted: ${dbPath}`);
  });

  it('a claim into a database deleted since the last commit is refused', async () => {
    state = open();
    await state.writes.run((s) => s.tasks.create(task('tsk_A')));
    rmSync(join(dir, 'podup.db-wal'));
    expect(thrown(() => state?.stores.tasks.claimNext('me', T0, T0 + 1000))).toMatchObject({
      code: 'STORAGE_DELETED',
    });
  });

  it('a database that refuses writes: STORAGE_READ_ONLY, in the probe too, until it takes them again', async () => {
    state = open();
    state.db.pragma('query_only = ON');
    expect(await rejection(state.writes.run((s) => s.meta.set('k', 'v')))).toMatchObject({
      code: 'STORAGE_READ_ONLY',
      message: `read-only: ${dir}`,
    });
    await expect(state.probe().check(1000)).rejects.toThrow(`read-only: ${dir}`);
    expect(state.health.fault?.code).toBe('STORAGE_READ_ONLY');

    state.db.pragma('query_only = OFF');
    await expect(state.probe().check(1000)).resolves.toMatch(/writable/);
    expect(state.health.fault).toBeUndefined();
    await expect(state.writes.run((s) => s.meta.set('k', 'v'))).resolves.toBeUndefined();
  });

  it('a disk that does not let it open yet: the fault until a later call opens it', async () => {
    vi.mocked(openDatabase).mockImplementationOnce(() => {
      throw storageFault('full', dir, dir);
    });
    state = open();
    expect(thrown(() => state?.stores.tasks.hasPending())).toMatchObject({
      code: 'STORAGE_FULL',
      message: `disk full: ${dir}`,
    });
    expect(await rejection(state.writes.run((s) => s.meta.set('k', 'v')))).toMatchObject({
      code: 'STORAGE_FULL',
    });
    await expect(state.probe().check(1000)).rejects.toThrow(`disk full: ${dir}`);
    expect(vi.mocked(openDatabase)).toHaveBeenCalledTimes(1);

    now += 1000;
    expect(state.stores.tasks.hasPending()).toBe(false);
    await expect(state.writes.run((s) => s.meta.set('k', 'v'))).resolves.toBeUndefined();
    expect(state.health.fault).toBeUndefined();
  });

  it('what the operator must fix still stops the start', () => {
    expect(() => open(join(dir, 'missing-parent', 'state'))).toThrow(
      expect.objectContaining({ code: 'STATE_DIR_UNUSABLE' }),
    );
  });
});
