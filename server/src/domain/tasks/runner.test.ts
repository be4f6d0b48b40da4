import { describe, expect, it } from 'vitest';
import {
  defaultPolicies,
  fakePorts,
  FakeHost,
  MemoryRunnerStores as MemoryStores,
  splitIds,
} from '../../adapters/fakes/index.js';
import { panelLinks } from '../notifications/message.js';
import { PolicyNotices } from '../notifications/policy-notices.js';
import { NotificationRouting } from '../notifications/routing.js';
import { mergeSightings, type KnownUnit } from '../units/known-unit.js';
import type { LeaseHolder as LeaseHolderInfo, TaskJournal, TaskUnitRow } from '../ports/index.js';
import type { RunResult, TaskControl } from './engine.js';
import type { Plan } from './plan.js';
import { TaskRunner, type RunnerDeps } from './runner.js';
import { queuedTask, type TaskRecord } from './task.js';

const T0 = 1_700_000_000_000;
const WEB = 'ghcr.io/acme/web:stable';
const D_OLD = `sha256:${'1'.repeat(64)}`;
const D_NEW = `sha256:${'2'.repeat(64)}`;
const SELF = 'host-a:100:self';
const ALIVE = 'host-a:200:alive';
const DEAD = 'host-a:300:dead';

const unitRow = (
  r: Pick<TaskUnitRow, 'unit' | 'status' | 'digestBefore' | 'imageIdBefore'>,
): TaskUnitRow => ({
  image: null,
  digestAfter: null,
  imageIdAfter: null,
  reason: null,
  startedAt: null,
  finishedAt: null,
  role: null,
  position: null,
  health: null,
  dependents: [],
  ...r,
});

/** An engine that records what it was given and what the leases were while it ran. */
class FakeEngine {
  readonly plans: Plan[] = [];
  readonly leasesDuringRun: LeaseHolderInfo[][] = [];
  readonly stopSeen: boolean[] = [];
  constructor(
    private readonly stores: MemoryStores,
    private readonly answer: RunResult | Error = { status: 'succeeded', summary: '1 succeeded' },
  ) {}
  async execute(plan: Plan, _journal: TaskJournal, control: TaskControl): Promise<RunResult> {
    this.plans.push(plan);
    this.leasesDuringRun.push([...this.stores.leaseMap.values()].map((h) => ({ ...h })));
    this.stopSeen.push(control.stopRequested());
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

/** The fake host the runner plans against: the old and the new web image, the registry serving the new one. */
function webHost(): FakeHost {
  const host = new FakeHost({ now: T0 });
  host.addImage('img-old', D_OLD, { repos: ['ghcr.io/acme/web'], created: 1 });
  host.addImage('img-new', D_NEW, { repos: ['ghcr.io/acme/web'], created: 2 });
  host.tags.set(WEB, 'img-new');
  host.publish(WEB, 'img-new');
  return host;
}

const KNOWN: KnownUnit[] = mergeSightings([
  {
    unit: 'a.service',
    source: 'podman',
    policy: 'registry',
    image: WEB,
    imageId: 'img-old',
    containerId: 'ca',
  },
  {
    unit: 'b.service',
    source: 'podman',
    policy: 'registry',
    image: WEB,
    imageId: 'img-new',
    containerId: 'cb',
  },
  { unit: 'p.service', source: 'quadlet', image: `${WEB}@${D_OLD}` },
]);

const task = (p: Partial<TaskRecord> = {}): TaskRecord =>
  queuedTask({
    id: 'tsk_1',
    kind: 'image-update',
    status: 'running',
    image: WEB,
    units: null,
    trigger: 'webhook',
    delivery: 'd-1',
    caller: null,
    reason: null,
    createdAt: T0 - 10_000,
    updatedAt: T0 - 5_000,
    startedAt: T0 - 5_000,
    finishedAt: null,
    notBefore: null,
    ...p,
    attempts: p.attempts ?? 1,
  } as TaskRecord);

interface Setup {
  host: FakeHost;
  stores: MemoryStores;
  engine: FakeEngine;
  runner: TaskRunner;
  clock: { now: () => number; ms: number };
  sleeps: number[];
}

function setup(
  opts: {
    answer?: RunResult | Error;
    known?: KnownUnit[] | Error;
    onSleep?: (n: number, s: Setup) => void;
    lockWaitMs?: number;
    policies?: RunnerDeps['policies'];
    policyNotices?: PolicyNotices;
  } = {},
): Setup {
  const stores = new MemoryStores();
  const engine = new FakeEngine(stores, opts.answer);
  const clock = {
    ms: T0,
    now(): number {
      return this.ms;
    },
  };
  const sleeps: number[] = [];
  const host = webHost();
  const { runtime, registry } = fakePorts(host);
  const s = { host, stores, engine, clock, sleeps } as unknown as Setup;
  const deps: RunnerDeps = {
    stores,
    atomically: (op) => stores.atomically(op),
    engine: engine,
    runtime,
    registry,
    discover: async () => {
      if (opts.known instanceof Error) throw opts.known;
      return opts.known ?? KNOWN;
    },
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.ms += ms;
      opts.onSleep?.(sleeps.length, s);
    },
    ids: splitIds,
    policies: opts.policies ?? defaultPolicies(),
    policyNotices: opts.policyNotices,
    owners: { self: SELF, alive: (owner) => owner === SELF || owner === ALIVE },
    settings: { concurrency: 1, leaseMs: 30_000, pollMs: 1000, lockWaitMs: opts.lockWaitMs ?? 5000 },
  };
  s.runner = new TaskRunner(deps);
  return s;
}

describe('TaskRunner.recoverInterrupted', () => {
  it('interrupts tasks of dead owners and expired leases, re-queueing those with attempts left', () => {
    const s = setup();
    const { stores } = s;
    stores.add(task({ id: 'dead-1', attempts: 1 }), DEAD, T0 + 20_000);
    stores.add(task({ id: 'expired-2', attempts: 2 }), ALIVE, T0 - 1);
    stores.add(task({ id: 'live', attempts: 1 }), ALIVE, T0 + 20_000);
    stores.add(task({ id: 'mine', attempts: 1 }), SELF, T0 - 1);
    stores.add(task({ id: 'orphan', attempts: 0 }), null, null);
    stores.add(task({ id: 'queued', status: 'queued' }), null, null);

    const recovered = s.runner.recoverInterrupted();

    expect(recovered.sort()).toEqual(['dead-1', 'expired-2', 'orphan']);
    expect(stores.interrupted.map(({ id, requeue }) => [id, requeue]).sort()).toEqual([
      ['dead-1', true],
      ['expired-2', false],
      ['orphan', true],
    ]);
    expect(stores.interrupted.every((i) => i.now === T0)).toBe(true);
    expect(stores.rows.get('dead-1')?.task.status).toBe('queued');
    expect(stores.rows.get('expired-2')?.task.status).toBe('interrupted');
    expect(stores.rows.get('live')?.task.status).toBe('running');
    expect(stores.rows.get('live')?.leaseOwner).toBe(ALIVE);
    expect(stores.rows.get('mine')?.task.status).toBe('running');

    const dead = stores.logOf('dead-1');
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ level: 'warn', step: 'task' });
    expect(dead[0]?.message).toMatch(/^interrupted/);
    expect(dead[0]?.message).toContain(DEAD);
    expect(dead[0]?.message).toContain('re-queued');
    expect(stores.logOf('expired-2')[0]?.message).toContain('not re-queued');
    expect(stores.logOf('live')).toEqual([]);
    expect(stores.logOf('mine')).toEqual([]);
  });

  it('a lease expiring exactly now is still valid', () => {
    const s = setup();
    s.stores.add(task({ id: 't' }), ALIVE, T0);
    expect(s.runner.recoverInterrupted()).toEqual([]);
  });

  it('drops the unit leases of dead owners and expired leases, keeping live ones', () => {
    const s = setup();
    const l = s.stores.leaseMap;
    l.set('a.service', { unit: 'a.service', taskId: 't-dead', owner: DEAD, expiresAt: T0 + 60_000 });
    l.set('b.service', { unit: 'b.service', taskId: 't-live', owner: ALIVE, expiresAt: T0 + 60_000 });
    l.set('c.service', { unit: 'c.service', taskId: 't-old', owner: ALIVE, expiresAt: T0 - 1 });
    l.set('d.service', { unit: 'd.service', taskId: 't-mine', owner: SELF, expiresAt: T0 + 60_000 });
    s.runner.recoverInterrupted();
    expect([...l.keys()].sort()).toEqual(['b.service', 'd.service']);
    expect(s.stores.sweeps).toEqual([T0]);
  });

  it('does nothing without running tasks', () => {
    const s = setup();
    expect(s.runner.recoverInterrupted()).toEqual([]);
    expect(s.stores.interrupted).toEqual([]);
  });
});

describe('TaskRunner.run', () => {
  it('plans, leases only the units it will move, runs the engine, releases and finishes with its result', async () => {
    const s = setup({ answer: { status: 'succeeded', summary: '1 succeeded' } });
    const t = task();
    s.stores.add(t, SELF, T0 + 30_000);
    await s.runner.run(t);

    expect(s.engine.plans).toHaveLength(1);
    const plan = s.engine.plans[0]!;
    expect(plan.units.map((u) => [u.unit, u.action])).toEqual([
      ['a.service', 'update'],
      ['b.service', 'skip'],
      ['p.service', 'skip'],
    ]);
    expect(s.engine.leasesDuringRun[0]).toEqual([
      { unit: 'a.service', taskId: 'tsk_1', owner: SELF, expiresAt: T0 + 30_000 },
    ]);
    expect(s.stores.leaseMap.size).toBe(0);
    expect(s.stores.released).toEqual(['tsk_1']);
    expect(s.stores.finished).toEqual([
      { id: 'tsk_1', status: 'succeeded', summary: '1 succeeded', now: T0 },
    ]);
    const messages = s.stores.logOf('tsk_1').map((l) => l.message);
    expect(messages[0]).toBe(`started (attempt 1) for ${WEB}`);
    expect(
      messages.some((m) => m.startsWith('a.service: update; b.service: skip (already up to date)')),
    ).toBe(true);
    expect(messages.at(-1)).toBe('succeeded: 1 succeeded');
    expect(s.sleeps).toEqual([]);
    // Planning only reads: what changes the host is the engine's.
    expect(s.host.calls).toEqual([]);
    expect(s.host.lookups.map((l) => [l.reference, l.maxAgeMs])).toEqual([[WEB, 0]]);
  });

  it('finishes with whatever status the engine reports', async () => {
    for (const answer of [
      { status: 'rolled-back', summary: '1 rolled-back' },
      { status: 'cancelled', summary: '1 cancelled' },
      { status: 'skipped', summary: 'already up to date' },
    ] satisfies RunResult[]) {
      const s = setup({ answer });
      const t = task();
      s.stores.add(t, SELF, T0 + 30_000);
      await s.runner.run(t);
      expect(s.stores.finished).toEqual([{ id: 'tsk_1', ...answer, now: T0 }]);
    }
  });

  it('a resumed task (second attempt) leases the unit it only verifies', async () => {
    // a.service runs the target now; the first attempt was interrupted while it ran.
    const known = mergeSightings([
      {
        unit: 'a.service',
        source: 'podman',
        policy: 'registry',
        image: WEB,
        imageId: 'img-new',
        containerId: 'ca',
      },
    ]);
    const s2 = setup({ known });
    const t = task({ attempts: 2 });
    s2.stores.add(t, SELF, T0 + 30_000);
    s2.stores.earlierUnits.set('tsk_1', [
      unitRow({ unit: 'a.service', status: 'running', digestBefore: D_OLD, imageIdBefore: 'img-old' }),
    ]);
    await s2.runner.run(t);
    expect(s2.engine.plans[0]?.units.map((u) => [u.unit, u.action, u.imageId])).toEqual([
      ['a.service', 'verify', 'img-old'],
    ]);
    expect(s2.engine.leasesDuringRun[0]?.map((h) => h.unit)).toEqual(['a.service']);
    expect(s2.stores.leaseMap.size).toBe(0);
  });

  it('a first attempt does not read earlier unit results', async () => {
    const known = mergeSightings([
      {
        unit: 'a.service',
        source: 'podman',
        policy: 'registry',
        image: WEB,
        imageId: 'img-new',
        containerId: 'ca',
      },
    ]);
    const s = setup({ known });
    const t = task({ attempts: 1 });
    s.stores.add(t, SELF, T0 + 30_000);
    s.stores.earlierUnits.set('tsk_1', [
      unitRow({ unit: 'a.service', status: 'running', digestBefore: D_OLD, imageIdBefore: 'img-old' }),
    ]);
    await s.runner.run(t);
    expect(s.engine.plans[0]?.units.map((u) => u.action)).toEqual(['skip']);
  });

  it('waits while a live task holds a unit, logging it once, then runs', async () => {
    const s = setup({
      onSleep: (n, x) => {
        // The other task finishes after the third wait.
        if (n === 3) x.stores.leaseMap.delete('a.service');
      },
    });
    s.stores.leaseMap.set('a.service', {
      unit: 'a.service',
      taskId: 'tsk_other',
      owner: ALIVE,
      expiresAt: T0 + 60_000,
    });
    const t = task();
    s.stores.add(t, SELF, T0 + 30_000);
    await s.runner.run(t);

    const waiting = s.stores.logOf('tsk_1').filter((l) => l.message.startsWith('waiting'));
    expect(waiting).toEqual([
      { level: 'info', step: 'task', message: 'waiting: a.service is busy with task tsk_other' },
    ]);
    expect(s.sleeps).toHaveLength(3);
    for (const ms of s.sleeps) expect(ms).toBeGreaterThan(0);
    expect(s.engine.plans).toHaveLength(1);
    expect(s.engine.leasesDuringRun[0]?.map((h) => [h.unit, h.taskId])).toEqual([['a.service', 'tsk_1']]);
    expect(s.stores.finished[0]?.status).toBe('succeeded');
  });

  it('does not wait for a unit held by a dead owner', async () => {
    const s = setup();
    s.stores.leaseMap.set('a.service', {
      unit: 'a.service',
      taskId: 'tsk_dead',
      owner: DEAD,
      expiresAt: T0 + 60_000,
    });
    const t = task();
    s.stores.add(t, SELF, T0 + 30_000);
    await s.runner.run(t);
    expect(s.sleeps).toEqual([]);
    expect(s.engine.leasesDuringRun[0]?.map((h) => h.taskId)).toEqual(['tsk_1']);
  });

  it('fails after lockWaitMs without running the engine, leaving the other task its lease', async () => {
    const s = setup({ lockWaitMs: 5000 });
    const other = { unit: 'a.service', taskId: 'tsk_other', owner: ALIVE, expiresAt: T0 + 3_600_000 };
    s.stores.leaseMap.set('a.service', { ...other });
    const t = task();
    s.stores.add(t, SELF, T0 + 30_000);
    await s.runner.run(t);

    expect(s.engine.plans).toEqual([]);
    expect(s.stores.finished).toHaveLength(1);
    const f = s.stores.finished[0]!;
    expect(f.status).toBe('failed');
    expect(f.summary).toBe('a.service is busy with task tsk_other for longer than 5000 ms');
    expect(f.now).toBeGreaterThanOrEqual(T0 + 5000);
    // It waited about lockWaitMs, not much more.
    const waited = s.sleeps.reduce((a, b) => a + b, 0);
    expect(waited).toBeGreaterThanOrEqual(5000);
    expect(waited).toBeLessThan(5000 + 1000 + 1);
    expect(s.stores.released).toEqual(['tsk_1']);
    expect(s.stores.leaseMap.get('a.service')).toEqual(other);
    expect(s.stores.logOf('tsk_1').filter((l) => l.message.startsWith('waiting'))).toHaveLength(1);
  });

  it('an engine that throws fails the task and still releases its leases', async () => {
    const s = setup({ answer: new Error('D-Bus connection lost') });
    const t = task();
    s.stores.add(t, SELF, T0 + 30_000);
    await expect(s.runner.run(t)).resolves.toBeUndefined();
    expect(s.engine.leasesDuringRun[0]?.map((h) => h.unit)).toEqual(['a.service']);
    expect(s.stores.leaseMap.size).toBe(0);
    expect(s.stores.released).toEqual(['tsk_1']);
    expect(s.stores.finished).toEqual([
      { id: 'tsk_1', status: 'failed', summary: 'D-Bus connection lost', now: T0 },
    ]);
    // The failure is logged once, as the line that ends the task.
    const failures = s.stores.logOf('tsk_1').filter((l) => l.message.includes('D-Bus connection lost'));
    expect(failures).toEqual([{ level: 'error', step: 'task', message: 'failed: D-Bus connection lost' }]);
  });

  it('a failing discovery fails the task', async () => {
    const s = setup({ known: new Error('podman socket refused') });
    const t = task();
    s.stores.add(t, SELF, T0 + 30_000);
    await s.runner.run(t);
    expect(s.engine.plans).toEqual([]);
    expect(s.stores.finished[0]).toMatchObject({ status: 'failed', summary: 'podman socket refused' });
    expect(s.stores.released).toEqual(['tsk_1']);
  });

  it('an unknown named unit fails the task with the UNKNOWN_UNIT message', async () => {
    const s = setup();
    const t = task({ kind: 'unit-update', image: null, units: ['ghost.service'] });
    s.stores.add(t, SELF, T0 + 30_000);
    await s.runner.run(t);
    expect(s.stores.finished[0]?.status).toBe('failed');
    expect(s.stores.finished[0]?.summary).toContain('ghost.service');
  });

  it('runNow claims a queued task and runs it; anything else is not run', async () => {
    const s = setup();
    s.stores.add(task({ id: 'tsk_q', status: 'queued', attempts: 0 }));
    s.stores.add(task({ id: 'tsk_r', status: 'running' }), ALIVE, T0 + 30_000);

    expect(await s.runner.runNow('tsk_q')).toBe(true);
    expect(s.engine.plans).toHaveLength(1);
    expect(s.stores.finished.map((f) => [f.id, f.status])).toEqual([['tsk_q', 'succeeded']]);
    expect(s.stores.logOf('tsk_q')[0]?.message).toBe(`started (attempt 1) for ${WEB}`);

    expect(await s.runner.runNow('tsk_r')).toBe(false);
    expect(await s.runner.runNow('tsk_missing')).toBe(false);
    expect(s.engine.plans).toHaveLength(1);
    expect(s.stores.rows.get('tsk_r')?.leaseOwner).toBe(ALIVE);
  });

  it('lets the engine see a stop request stored on the task', async () => {
    const s = setup();
    const t = task();
    s.stores.add({ ...t, stopRequested: 'stop' }, SELF, T0 + 30_000);
    await s.runner.run(t);
    expect(s.engine.stopSeen).toEqual([true]);

    const s2 = setup();
    s2.stores.add(t, SELF, T0 + 30_000);
    await s2.runner.run(t);
    expect(s2.engine.stopSeen).toEqual([false]);
  });
});

describe('TaskRunner.run: what the policy gate notifies', () => {
  const routing = new NotificationRouting([
    {
      id: 'env-ops',
      name: 'json ops',
      urlHint: 'json://ops/…',
      target: {
        kind: 'json',
        endpoint: 'http://ops/',
        headers: {},
        events: ['approval-needed', 'update-available'],
      },
    },
  ]);

  function gated(policy: 'approve' | 'notify') {
    const pokes = { n: 0 };
    const notices = new PolicyNotices(routing, panelLinks('https://podup.example.com'), {
      poke: () => pokes.n++,
    });
    const s = setup({ policies: defaultPolicies({ policy }), policyNotices: notices });
    s.stores.add(task(), SELF, T0 + 30_000);
    return { s, pokes };
  }

  it('parks an approve task with its approval-needed row, or neither: the outbox refused, it runs again', async () => {
    const { s, pokes } = gated('approve');
    s.stores.fail('outbox.add');
    await s.runner.run(task());
    expect(s.stores.rows.get('tsk_1')?.task.status).toBe('queued');
    expect(s.stores.queued).toEqual([]);

    s.stores.heal();
    expect(await s.runner.runNow('tsk_1')).toBe(true);
    expect(s.stores.rows.get('tsk_1')?.task).toMatchObject({ status: 'awaiting-approval', digest: D_NEW });
    expect(s.stores.queued.map((q) => [q.message.dedupKey, q.channels])).toEqual([
      ['approval-needed:tsk_1', ['env-ops']],
    ]);
    expect(s.stores.queued[0]?.message.units).toEqual([
      expect.objectContaining({ unit: 'a.service', digestBefore: D_OLD, digestAfter: D_NEW }),
    ]);
    expect(s.stores.queued[0]?.message.link).toBe('https://podup.example.com/tasks?task=tsk_1');
    expect(pokes.n).toBe(1);
    expect(s.engine.plans).toEqual([]);
  });

  it('records a notify unit with its update-available row once per digest', async () => {
    const { s, pokes } = gated('notify');
    await s.runner.run(task());
    s.stores.add(task({ id: 'tsk_2' }), SELF, T0 + 30_000);
    await s.runner.run(task({ id: 'tsk_2' }));
    expect(s.stores.queued.map((q) => q.message.dedupKey)).toEqual([`update-available:a.service:${D_NEW}`]);
    expect(s.stores.queued[0]?.message.text).toContain(`the registry has ${D_NEW} for ${WEB}`);
    expect(pokes.n).toBe(1);
    expect(s.stores.unitPatches.get('tsk_1')?.get('a.service')).toMatchObject({ status: 'skipped' });
  });
});
