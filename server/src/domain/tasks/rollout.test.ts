/**
 * The rollout on the fake host: systemd's order, the canary and the batches after it, what a failure leaves
 * behind (PODUP_ROLLOUT_ON_FAILURE), dependents, container health checks and units that pull on start.
 */
import { describe, expect, it } from 'vitest';
import { fakePorts, FakeHost } from '../../adapters/fakes/index.js';
import type { TaskJournal, UnitResultPatch } from '../ports/index.js';
import { UpdateEngine, type EngineSettings, type TaskControl } from './engine.js';
import type { Plan, UnitPlan } from './plan.js';
import type { LogLevel, Step } from './task.js';

const WEB = 'ghcr.io/acme/web:stable';
const DB = 'ghcr.io/acme/db:stable';

const SETTINGS: EngineSettings = {
  healthWindowMs: 2000,
  healthPollMs: 500,
  restartTimeoutMs: 10_000,
  pullAttempts: 1,
  pullBackoffMs: 1,
  journalLines: 5,
};

class Journal implements TaskJournal {
  readonly lines: Array<{ level: LogLevel; step: Step; message: string; unit?: string | undefined }> = [];
  readonly records = new Map<string, UnitResultPatch>();
  log(level: LogLevel, step: Step, message: string, extra?: { unit?: string }): void {
    this.lines.push({ level, step, message, unit: extra?.unit });
  }
  unit(unit: string, patch: UnitResultPatch): void {
    this.records.set(unit, { ...this.records.get(unit), ...patch });
  }
  messages(step: Step): string[] {
    return this.lines.filter((l) => l.step === step).map((l) => l.message);
  }
}

/** A host with version 1 of each image running, and version 2 (good, crashing or failing its check) published. */
function host(next: { crashes?: boolean; failsCheck?: boolean } = {}): FakeHost {
  const h = new FakeHost();
  for (const image of [WEB, DB]) {
    h.push(image, '1');
    h.download(image);
  }
  return Object.assign(h, { next });
}

function publishNext(
  h: FakeHost,
  image: string,
  next: { crashes?: boolean; failsCheck?: boolean } = {},
): string {
  return h.push(image, '2', next).digest;
}

/** The plan the runner would make: every listed unit moves from what it runs to what the registry serves. */
function planFor(h: FakeHost, ...units: string[]): Plan {
  const plans: UnitPlan[] = units.map((unit) => {
    const sim = h.units.get(unit);
    const image = sim?.image ?? WEB;
    const running = h.runningImageOf(unit) ?? null;
    return {
      unit,
      image,
      action: 'update',
      reason: null,
      currentDigests: running ? [h.images.get(running)?.digest ?? ''] : [],
      targetDigest: h.remote.get(image)?.digest ?? null,
      imageId: running,
      containerId: h.containerOfUnit(unit)?.id ?? null,
    };
  });
  return { images: [], units: plans };
}

async function execute(
  h: FakeHost,
  plan: Plan,
  settings: Partial<EngineSettings> = {},
  control: TaskControl = { stopRequested: () => false },
) {
  const ports = fakePorts(h);
  const engine = new UpdateEngine({
    runtime: ports.runtime,
    systemd: ports.unitManager,
    clock: h.clock,
    sleep: h.sleep,
    settings: { ...SETTINGS, ...settings },
    journals: { supersededImages: () => [] },
  });
  const journal = new Journal();
  const result = await engine.execute(plan, journal, control);
  return { result, journal };
}

const restarts = (h: FakeHost) => h.calls.filter((c) => c.startsWith('restart ')).map((c) => c.slice(8));

describe('rollout: canary and batches', () => {
  it('a good image: the canary first, alone, through its whole gate; then the others together', async () => {
    const h = host();
    for (const u of ['a.service', 'b.service', 'c.service']) h.addUnit(u, WEB);
    const v2 = publishNext(h, WEB);
    const { result, journal } = await execute(h, planFor(h, 'a.service', 'b.service', 'c.service'));
    expect(result.status).toBe('succeeded');
    expect(result.summary).toBe(`3 succeeded; now ${v2.slice(0, 19)} on a.service, b.service, c.service`);
    expect(restarts(h)).toEqual(['a.service', 'b.service', 'c.service']);
    const at = new Map(h.restartsAt.map((r) => [r.unit, r.at]));
    // b and c wait for the canary's whole window, then go together.
    expect((at.get('b.service') ?? 0) - (at.get('a.service') ?? 0)).toBeGreaterThanOrEqual(
      SETTINGS.healthWindowMs,
    );
    expect(at.get('c.service')).toBe(at.get('b.service'));
    expect(journal.records.get('a.service')).toMatchObject({
      role: 'canary',
      position: 1,
      status: 'succeeded',
    });
    expect(journal.records.get('c.service')).toMatchObject({ role: null, position: 3, status: 'succeeded' });
    expect(journal.records.get('a.service')?.health).toBe('active for 2.0 s, no health check');
    expect(journal.messages('plan')).toContain(
      'rollout order: a.service (canary), b.service, c.service; then up to 4 at a time',
    );
  });

  it('a broken image: only the canary is touched and rolled back; the others never restart', async () => {
    const h = host();
    for (const u of ['a.service', 'b.service', 'c.service']) h.addUnit(u, WEB);
    const before = h.runningImageOf('b.service');
    publishNext(h, WEB, { crashes: true });
    const { result, journal } = await execute(h, planFor(h, 'a.service', 'b.service', 'c.service'));
    expect(result.status).toBe('rolled-back');
    expect(restarts(h)).toEqual(['a.service', 'a.service']);
    for (const u of ['b.service', 'c.service']) {
      expect(journal.records.get(u)).toMatchObject({
        status: 'skipped',
        reason: 'not reached: the rollout stopped when a.service failed',
      });
      expect(h.runningImageOf(u)).toBe(before);
    }
    expect(h.runningImageOf('a.service')).toBe(before);
  });

  it('the batch size bounds how many move at once', async () => {
    const h = host();
    for (const u of ['a.service', 'b.service', 'c.service', 'd.service']) h.addUnit(u, WEB);
    publishNext(h, WEB);
    await execute(h, planFor(h, 'a.service', 'b.service', 'c.service', 'd.service'), { rolloutBatch: 2 });
    const at = new Map(h.restartsAt.map((r) => [r.unit, r.at]));
    expect(at.get('c.service')).toBe(at.get('b.service'));
    expect(at.get('d.service')).toBeGreaterThan(at.get('c.service') ?? Infinity);
  });

  it('a failure after the canary: the units already moved are rolled back too, the rest left untouched', async () => {
    const h = host();
    for (const u of ['a.service', 'b.service', 'c.service']) h.addUnit(u, WEB);
    const old = h.runningImageOf('a.service');
    publishNext(h, WEB);
    h.restartResults.set('b.service', ['failed']);
    const { result, journal } = await execute(h, planFor(h, 'a.service', 'b.service', 'c.service'), {
      rolloutBatch: 1,
    });
    expect(result.status).toBe('rolled-back');
    expect(journal.records.get('a.service')).toMatchObject({
      status: 'rolled-back',
      reason: 'rolled back with the rollout: b.service failed',
    });
    expect(journal.records.get('b.service')?.status).toBe('rolled-back');
    expect(journal.records.get('c.service')?.status).toBe('skipped');
    expect(restarts(h)).toEqual(['a.service', 'b.service', 'b.service', 'a.service']);
    for (const u of ['a.service', 'b.service', 'c.service']) expect(h.runningImageOf(u)).toBe(old);
  });

  it('PODUP_ROLLOUT_ON_FAILURE=keep: the units already moved stay on the new image', async () => {
    const h = host();
    for (const u of ['a.service', 'b.service', 'c.service']) h.addUnit(u, WEB);
    const old = h.runningImageOf('a.service');
    publishNext(h, WEB);
    h.restartResults.set('b.service', ['failed']);
    const { result, journal } = await execute(h, planFor(h, 'a.service', 'b.service', 'c.service'), {
      rolloutBatch: 1,
      onFailure: 'keep',
    });
    expect(result.status).toBe('rolled-back');
    expect(journal.records.get('a.service')?.status).toBe('succeeded');
    expect(h.runningImageOf('a.service')).not.toBe(old);
    expect(h.runningImageOf('c.service')).toBe(old);
    expect(result.summary).toContain('1 succeeded, 1 rolled-back, 1 skipped');
  });
});

describe("rollout: systemd's order", () => {
  it('a three-unit chain moves in its After= order, not by name', async () => {
    const h = host();
    h.addUnit('zeta.service', WEB);
    h.addUnit('mid.service', WEB, { deps: { after: ['zeta.service'] } });
    h.addUnit('alpha.service', WEB, { deps: { after: ['mid.service'] } });
    publishNext(h, WEB);
    const { result } = await execute(h, planFor(h, 'alpha.service', 'mid.service', 'zeta.service'));
    expect(result.status).toBe('succeeded');
    expect(restarts(h)).toEqual(['zeta.service', 'mid.service', 'alpha.service']);
  });

  it('a cycle: one clear line, a stable order by name, and the task completes', async () => {
    const h = host();
    h.addUnit('a.service', WEB, { deps: { after: ['c.service'] } });
    h.addUnit('b.service', WEB, { deps: { after: ['a.service'] } });
    h.addUnit('c.service', WEB, { deps: { after: ['b.service'] } });
    publishNext(h, WEB);
    const { result, journal } = await execute(h, planFor(h, 'c.service', 'b.service', 'a.service'));
    expect(result.status).toBe('succeeded');
    expect(journal.messages('plan')).toContain(
      'ordering cycle among a.service, b.service, c.service: a.service goes first (by name)',
    );
    expect(restarts(h)).toEqual(['a.service', 'b.service', 'c.service']);
  });

  it('an unreadable unit is ordered by name, with the reason logged', async () => {
    const h = host();
    h.addUnit('a.service', WEB);
    h.addUnit('b.service', WEB);
    h.dependencyErrors.set('a.service', new Error('Access denied'));
    publishNext(h, WEB);
    const { result, journal } = await execute(h, planFor(h, 'b.service', 'a.service'));
    expect(result.status).toBe('succeeded');
    expect(
      journal
        .messages('plan')
        .some((m) => /cannot read the dependencies of a.service .*Access denied/.test(m)),
    ).toBe(true);
  });
});

describe('rollout: dependents', () => {
  it('db updated first; web (Requires= and After= db) is checked and ends active', async () => {
    const h = host();
    h.addUnit('db.service', DB);
    h.addUnit('web.service', WEB, { deps: { requires: ['db.service'], after: ['db.service'] } });
    publishNext(h, DB);
    const { result, journal } = await execute(h, planFor(h, 'db.service'));
    expect(result.status).toBe('succeeded');
    expect(journal.records.get('db.service')?.dependents).toEqual([
      { unit: 'web.service', result: 'active', detail: null },
    ]);
    expect(h.stateOf('web.service').activeState).toBe('active');
  });

  it('a broken db is rolled back and web (BindsTo=, stopped with it) is started again by podup', async () => {
    const h = host();
    h.addUnit('db.service', DB);
    h.addUnit('web.service', WEB, { deps: { bindsTo: ['db.service'], after: ['db.service'] } });
    publishNext(h, DB, { crashes: true });
    const { result, journal } = await execute(h, planFor(h, 'db.service'));
    expect(result.status).toBe('rolled-back');
    expect(journal.records.get('db.service')?.dependents).toEqual([
      { unit: 'web.service', result: 'started', detail: 'was inactive/dead; podup started it' },
    ]);
    expect(h.calls).toContain('start web.service');
    expect(h.stateOf('web.service').activeState).toBe('active');
  });

  it('a dependent left down fails the unit: rolled back, and the task is not succeeded', async () => {
    const h = host();
    h.addUnit('db.service', DB);
    h.addUnit('web.service', WEB, { deps: { bindsTo: ['db.service'] } });
    publishNext(h, DB, { crashes: true });
    h.failsToStart.add('web.service');
    const { result, journal } = await execute(h, planFor(h, 'db.service'));
    expect(result.status).toBe('failed');
    expect(journal.records.get('db.service')?.dependents?.[0]).toMatchObject({
      unit: 'web.service',
      result: 'down',
    });
  });
});

describe('rollout: container health checks', () => {
  it('a check that fails while the process keeps running: unhealthy, rolled back', async () => {
    const h = host();
    h.addUnit('web.service', WEB, { healthCheck: { retries: 2, onFailure: 'none' } });
    const old = h.runningImageOf('web.service');
    publishNext(h, WEB, { failsCheck: true });
    const { result, journal } = await execute(h, planFor(h, 'web.service'));
    expect(result.status).toBe('rolled-back');
    expect(journal.records.get('web.service')?.reason).toContain("web.service's container is unhealthy");
    expect(h.runningImageOf('web.service')).toBe(old);
  });

  it('a passing check: accepted once healthy, before the window ends', async () => {
    const h = host();
    h.addUnit('web.service', WEB, { healthCheck: { retries: 2, onFailure: 'none' } });
    publishNext(h, WEB);
    const { result, journal } = await execute(h, planFor(h, 'web.service'), { healthWindowMs: 60_000 });
    expect(result.status).toBe('succeeded');
    expect(journal.records.get('web.service')?.health).toMatch(
      /^healthy after \d+\.\d s \(test -e \/ready\)$/,
    );
    const healthIdx = h.calls.findIndex((c) => c.startsWith('healthcheck ctr-web.service-1'));
    expect(healthIdx).toBeGreaterThan(h.calls.indexOf('restart web.service'));
  });

  it("podman's on-failure action (kill) takes the unit down: rolled back", async () => {
    const h = host();
    h.addUnit('web.service', WEB, { healthCheck: { retries: 1, onFailure: 'kill' } });
    publishNext(h, WEB, { failsCheck: true });
    const { result, journal } = await execute(h, planFor(h, 'web.service'));
    expect(result.status).toBe('rolled-back');
    expect(journal.records.get('web.service')?.reason).toMatch(/on-failure action: kill|is failed/);
  });

  it('a unit label sets its own window', async () => {
    const h = host();
    h.addUnit('web.service', WEB, { labels: { 'podup.health-window': '500ms' } });
    publishNext(h, WEB);
    const { journal } = await execute(h, planFor(h, 'web.service'), { healthWindowMs: 60_000 });
    expect(journal.records.get('web.service')?.health).toBe('active for 0.5 s, no health check');
  });
});

describe('rollout: units that pull on start', () => {
  it('Pull=always and a broken image: pinned by a drop-in, it ends on the previous image; the next good update unpins it', async () => {
    const h = host();
    h.addUnit('web.service', WEB, { pull: 'always' });
    const old = h.runningImageOf('web.service');
    publishNext(h, WEB, { crashes: true });
    const { result, journal } = await execute(h, planFor(h, 'web.service'));
    expect(result.status).toBe('rolled-back');
    expect(h.runningImageOf('web.service')).toBe(old);
    const pin = h.units.get('web.service')?.dropIns.get('podup-pin') ?? '';
    expect(pin).toContain('--pull=never');
    expect(pin).toContain('ExecStart=\n');
    expect(journal.messages('plan').some((m) => m.includes('pulls on start (--pull=always)'))).toBe(true);
    // It restarts by itself later: still the previous image, not the broken tag.
    h.restart('web.service');
    expect(h.runningImageOf('web.service')).toBe(old);

    const good = publishNext(h, WEB);
    const second = await execute(h, planFor(h, 'web.service'));
    expect(second.result.status).toBe('succeeded');
    expect(h.units.get('web.service')?.dropIns.has('podup-pin')).toBe(false);
    expect(h.images.get(h.runningImageOf('web.service') ?? '')?.digest).toBe(good);
  });

  it('without the pin a Pull=always unit would fetch the broken tag again (what the pin prevents)', () => {
    const h = host();
    h.addUnit('web.service', WEB, { pull: 'always' });
    publishNext(h, WEB, { crashes: true });
    h.restart('web.service');
    expect(h.stateOf('web.service').activeState).toBe('failed');
  });
});
