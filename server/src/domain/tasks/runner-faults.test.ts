/**
 * The task runner on stores that refuse writes (a full state disk): it backs off instead of spinning, hands
 * back a task it could not start, keeps a result it could not write, and picks everything up once the store
 * takes writes again. Timers are faked: the runner's own schedule is what is under test.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  defaultPolicies,
  FakeHost,
  fakePorts,
  MemoryRunnerStores,
  splitIds,
} from '../../adapters/fakes/index.js';
import { panelLinks } from '../notifications/message.js';
import { NotificationRouting } from '../notifications/routing.js';
import { TaskEndNotices } from '../notifications/task-end-notices.js';
import type { TaskJournal } from '../ports/index.js';
import type { RunResult } from './engine.js';
import { TaskRunner } from './runner.js';
import { queuedTask, type TaskRecord } from './task.js';

const T0 = 1_700_000_000_000;
const SELF = 'host-a:100:self';
const POLL_MS = 500;
const BACKOFF_MAX_MS = 8000;

type Execute = (journal: TaskJournal) => Promise<RunResult>;

interface Setup {
  stores: MemoryRunnerStores;
  runner: TaskRunner;
  errors: unknown[];
  executed: number;
  pokes: number;
}

/** One channel of PODUP_NOTIFY that takes every task end. */
const ROUTING = new NotificationRouting([
  {
    id: 'env-ops',
    name: 'json ops',
    urlHint: 'json://ops/…',
    target: {
      kind: 'json',
      endpoint: 'http://ops/',
      headers: {},
      events: ['failed', 'rolled-back', 'succeeded'],
    },
  },
]);

const task = (id: string, createdAt = T0 - 1000): TaskRecord =>
  queuedTask({
    id,
    kind: 'image-update',
    status: 'queued',
    image: `ghcr.io/acme/${id}:stable`,
    units: null,
    trigger: 'webhook',
    delivery: null,
    caller: null,
    reason: null,
    createdAt,
    updatedAt: createdAt,
    startedAt: null,
    finishedAt: null,
    notBefore: null,
  });

function setup(execute: Execute = async () => ({ status: 'succeeded', summary: 'done' })): Setup {
  const stores = new MemoryRunnerStores();
  const { runtime, registry } = fakePorts(new FakeHost({ now: T0 }));
  const s: Setup = { stores, runner: undefined as unknown as TaskRunner, errors: [], executed: 0, pokes: 0 };
  const engine = {
    execute: async (_plan: unknown, journal: TaskJournal) => {
      s.executed++;
      return execute(journal);
    },
  };
  s.runner = new TaskRunner({
    stores,
    atomically: (op) => stores.atomically(op),
    notices: new TaskEndNotices(ROUTING, panelLinks(undefined), { poke: () => s.pokes++ }),
    engine: engine,
    runtime,
    registry,
    discover: async () => [],
    clock: { now: () => Date.now() },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ids: splitIds,
    policies: defaultPolicies(),
    owners: { self: SELF, alive: (owner) => owner === SELF },
    settings: {
      concurrency: 2,
      leaseMs: 30_000,
      pollMs: POLL_MS,
      lockWaitMs: 5000,
      backoffMaxMs: BACKOFF_MAX_MS,
    },
    onError: (err) => s.errors.push(err),
  });
  return s;
}

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(async () => {
  vi.useRealTimers();
});

describe('the runner on a store that refuses writes', () => {
  it('tries to claim again after pollMs, twice that, four times ... up to the bound, and reports it once', async () => {
    const s = setup();
    s.stores.add(task('tsk_A'));
    s.stores.fail('tasks.claimNext');
    s.runner.start();

    // Tries at 0, 0.5, 1.5, 3.5, 7.5 s, then every 8 s: 15.5, 23.5, ... 55.5 s.
    const triesAt: number[] = [];
    for (let t = 0; t <= 60_000; t += 100) {
      const before = s.stores.tried('tasks.claimNext');
      await advance(t === 0 ? 0 : 100);
      if (s.stores.tried('tasks.claimNext') > before) triesAt.push(t);
    }
    expect(triesAt).toEqual([0, 500, 1500, 3500, 7500, 15_500, 23_500, 31_500, 39_500, 47_500, 55_500]);
    expect(s.errors).toHaveLength(1);
    expect(String(s.errors[0])).toMatch(/disk is full/);

    s.stores.heal();
    await advance(BACKOFF_MAX_MS);
    expect(s.executed).toBe(1);
    expect(s.stores.rows.get('tsk_A')?.task.status).toBe('succeeded');
    await s.runner.stop(1000);
  });

  it('never loops on a claim the store reported but did not keep', async () => {
    const s = setup(() => new Promise(() => undefined));
    s.stores.add(task('tsk_A'));
    s.stores.claimsDoNotHold = true;
    s.runner.start();
    await advance(0);
    // One claim runs; the second comes back with the same task: no third in this tick.
    expect(s.stores.tried('tasks.claimNext')).toBe(2);
    expect(String(s.errors[0])).toMatch(/tsk_A was claimed again while it runs/);
    await advance(POLL_MS - 1);
    expect(s.stores.tried('tasks.claimNext')).toBe(2);
  });

  it('hands back a task that could not record its start, and runs it once the store takes writes', async () => {
    const s = setup();
    s.stores.add(task('tsk_A'));
    s.stores.fail('journal.log');
    s.runner.start();
    await advance(0);
    expect(s.executed).toBe(0);
    expect(s.stores.rows.get('tsk_A')?.task).toMatchObject({ status: 'queued', attempts: 0 });
    expect(s.stores.rows.get('tsk_A')?.leaseOwner).toBeNull();

    s.stores.heal();
    await advance(POLL_MS);
    expect(s.executed).toBe(1);
    expect(s.stores.rows.get('tsk_A')?.task).toMatchObject({ status: 'succeeded', attempts: 1 });
    await s.runner.stop(1000);
  });

  it('keeps a hand-back it could not write, and claims nothing until it is written', async () => {
    const s = setup();
    s.stores.add(task('tsk_A'));
    s.stores.add(task('tsk_B', T0 - 500));
    s.stores.fail(['journal.log', 'tasks.unclaim']);
    s.runner.start();
    await advance(0);
    expect(s.stores.rows.get('tsk_A')?.task.status).toBe('running');
    expect(s.stores.tried('tasks.claimNext')).toBe(1);

    await advance(30_000);
    // Only the owed hand-back is tried while it fails, with the backoff.
    expect(s.stores.tried('tasks.claimNext')).toBe(1);
    expect(s.stores.tried('tasks.unclaim')).toBeLessThanOrEqual(8);

    s.stores.heal();
    await advance(BACKOFF_MAX_MS);
    expect(s.executed).toBe(2);
    expect(s.stores.rows.get('tsk_A')?.task).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(s.stores.rows.get('tsk_B')?.task.status).toBe('succeeded');
    await s.runner.stop(1000);
  });

  it('keeps a result it could not write, writes it later, and never runs the task twice', async () => {
    const s = setup(async () => {
      s.stores.fail('tasks.finish');
      return { status: 'rolled-back', summary: '1 rolled-back' };
    });
    s.stores.add(task('tsk_A'));
    s.runner.start();
    await advance(0);
    expect(s.executed).toBe(1);
    expect(s.stores.finished).toEqual([]);
    expect(s.stores.rows.get('tsk_A')?.task.status).toBe('running');

    await advance(20_000);
    s.stores.heal();
    await advance(BACKOFF_MAX_MS);
    expect(s.stores.finished).toEqual([
      { id: 'tsk_A', status: 'rolled-back', summary: '1 rolled-back', now: T0 },
    ]);
    expect(s.stores.logOf('tsk_A').at(-1)?.message).toBe('rolled-back: 1 rolled-back');
    expect(s.executed).toBe(1);
    await s.runner.stop(1000);
  });

  it('writes a task end and its notification together: neither while the outbox refuses, both once, after', async () => {
    const s = setup(async () => {
      s.stores.fail('outbox.add');
      return { status: 'failed', summary: 'health gate failed' };
    });
    s.stores.add(task('tsk_A'));
    s.runner.start();
    await advance(0);
    expect(s.stores.tried('outbox.add')).toBe(1);
    // The transaction rolled back: the task is not recorded as ended without its notification.
    expect(s.stores.rows.get('tsk_A')?.task.status).toBe('running');
    expect(s.stores.queued).toEqual([]);

    s.stores.heal();
    await advance(BACKOFF_MAX_MS);
    expect(s.stores.rows.get('tsk_A')?.task.status).toBe('failed');
    expect(s.stores.queued.map((q) => [q.message.dedupKey, q.channels])).toEqual([
      ['failed:tsk_A', ['env-ops']],
    ]);
    expect(s.pokes).toBe(1);
    expect(s.executed).toBe(1);
    await s.runner.stop(1000);
  });

  it('goes on with an update whose journal lines the store refuses, and says how many were lost', async () => {
    const s = setup(async (journal) => {
      s.stores.fail(['journal.log', 'journal.unit']);
      journal.log('info', 'pull', 'pulling');
      journal.unit('a.service', { status: 'running' });
      journal.log('info', 'restart', 'restarting');
      s.stores.heal();
      return { status: 'succeeded', summary: '1 succeeded' };
    });
    s.stores.add(task('tsk_A'));
    s.runner.start();
    await advance(0);
    expect(s.stores.finished[0]).toMatchObject({
      status: 'succeeded',
      summary: '1 succeeded (3 journal lines not recorded: the store refused them)',
    });
    await s.runner.stop(1000);
  });

  it('a heartbeat the store refuses does not throw; the run goes on', async () => {
    const s = setup(async () => {
      s.stores.fail(['tasks.renew', 'leases.renew']);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      s.stores.heal();
      return { status: 'succeeded', summary: 'done' };
    });
    s.stores.add(task('tsk_A'));
    s.runner.start();
    await advance(6000);
    expect(s.stores.tried('tasks.renew')).toBeGreaterThan(2);
    expect(s.stores.finished[0]?.status).toBe('succeeded');
    expect(s.errors).toHaveLength(1);
    await s.runner.stop(1000);
  });

  it('a poke does not cut a backoff short', async () => {
    const s = setup();
    s.stores.add(task('tsk_A'));
    s.stores.fail('tasks.claimNext');
    s.runner.start();
    await advance(0);
    await advance(POLL_MS);
    expect(s.stores.tried('tasks.claimNext')).toBe(2);
    for (let i = 0; i < 10; i++) s.runner.poke();
    await advance(2 * POLL_MS - 1);
    expect(s.stores.tried('tasks.claimNext')).toBe(2);
    await s.runner.stop(1000);
  });
});
