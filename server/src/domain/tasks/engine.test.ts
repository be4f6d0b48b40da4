import { describe, expect, it } from 'vitest';
import { fakePorts, FakeHost, type FakePorts } from '../../adapters/fakes/index.js';
import { AppError } from '../../errors.js';
import type { TaskJournal, UnitResultPatch } from '../ports/index.js';
import { UpdateEngine, type EngineSettings, type RunResult, type TaskControl } from './engine.js';
import type { LogLevel as Level, Step } from './task.js';
import type { Plan, UnitPlan } from './plan.js';

const WEB = 'ghcr.io/acme/web:stable';
const DB = 'ghcr.io/acme/db:1';
const DEBUG = 'ghcr.io/acme/web:debug';
const D_OLDER = `sha256:${'0'.repeat(64)}`;
const D_OLD = `sha256:${'1'.repeat(64)}`;
const D_NEW = `sha256:${'2'.repeat(64)}`;
const D_NEWER = `sha256:${'3'.repeat(64)}`;
const D_OTHER = `sha256:${'4'.repeat(64)}`;
const D_DB = `sha256:${'5'.repeat(64)}`;
const D_DEBUG = `sha256:${'6'.repeat(64)}`;
const T0 = 1_700_000_000_000;

const SETTINGS: EngineSettings = {
  healthWindowMs: 3000,
  healthPollMs: 1000,
  restartTimeoutMs: 10_000,
  pullAttempts: 3,
  pullBackoffMs: 500,
  journalLines: 50,
};

/**
 * The shared fake host (adapters/fakes) set up for these tests: web images old, older, new and debug, a db
 * image, the registry serving the new web image, a container without a unit label on the debug image, and
 * podup's history of what units of the web image ran before (the prune candidates).
 */
class EngineHost extends FakeHost {
  readonly ports: FakePorts = fakePorts(this);
  superseded: (image: string) => string[] = (image) =>
    image === WEB ? ['img-older', 'img-old', 'img-debug'] : [];

  constructor() {
    super({ now: T0 });
    const web = (id: string, digest: string, created: number) =>
      this.addImage(id, digest, { repos: ['ghcr.io/acme/web'], created });
    web('img-older', D_OLDER, 1);
    web('img-old', D_OLD, 2);
    web('img-new', D_NEW, 3);
    web('img-debug', D_DEBUG, 1);
    this.addImage('img-db', D_DB, { repos: ['ghcr.io/acme/db'], created: 1 });
    this.tags.set(WEB, 'img-old');
    this.tags.set(DB, 'img-db');
    this.tags.set(DEBUG, 'img-debug');
    this.publish(WEB, 'img-new');
    this.addContainer({
      id: 'ctr-debug',
      names: ['debug'],
      image: DEBUG,
      imageId: 'img-debug',
      startedAt: T0 - 5000,
    });
    this.journalOf = (unit) => [`${unit}: started`, `${unit}: listening on :8080`];
    this.containerOutput = (id) => [`${id}: panic: config missing`];
  }

  /** Units follow the web image unless told otherwise. */
  override addUnit(unit: string, image = WEB): ReturnType<FakeHost['addUnit']> {
    return super.addUnit(unit, image);
  }

  addWebImage(id: string, digest: string, created: number): void {
    this.addImage(id, digest, { repos: ['ghcr.io/acme/web'], created });
  }

  engine(settings: Partial<EngineSettings> = {}): UpdateEngine {
    return new UpdateEngine({
      runtime: this.ports.runtime,
      systemd: this.ports.unitManager,
      clock: this.clock,
      sleep: this.sleep,
      settings: { ...SETTINGS, ...settings },
      journals: { supersededImages: (image) => this.superseded(image) },
    });
  }
}

interface LogLine {
  level: Level;
  step: Step;
  message: string;
  extra: { unit?: string; durationMs?: number } | undefined;
}

class MemoryJournal implements TaskJournal {
  readonly lines: LogLine[] = [];
  readonly patches: Array<{ unit: string; patch: UnitResultPatch }> = [];
  log(level: Level, step: Step, message: string, extra?: { unit?: string; durationMs?: number }): void {
    this.lines.push({ level, step, message, extra });
  }
  unit(unit: string, patch: UnitResultPatch): void {
    this.patches.push({ unit, patch: { ...patch } });
  }
  /** The unit's record as a store would hold it: the patches merged in order. */
  record(unit: string): UnitResultPatch {
    return Object.assign(
      {},
      ...this.patches.filter((p) => p.unit === unit).map((p) => p.patch),
    ) as UnitResultPatch;
  }
  messages(step?: Step): string[] {
    return this.lines.filter((l) => step === undefined || l.step === step).map((l) => l.message);
  }
}

const go: TaskControl = { stopRequested: () => false };

const updatePlan = (unit: string, p: Partial<UnitPlan> = {}): UnitPlan => ({
  unit,
  image: WEB,
  action: 'update',
  reason: null,
  currentDigests: [D_OLD],
  targetDigest: D_NEW,
  imageId: 'img-old',
  containerId: `ctr-${unit}-0`,
  ...p,
});

const planOf = (...units: UnitPlan[]): Plan => ({
  images: [...new Set(units.map((u) => u.image))].map((image) => ({
    image: image ?? '',
    digest: D_NEW,
    endpoint: 'ghcr.io/acme/web',
    error: null,
  })),
  units,
});

/** Status and the counts of the summary (what follows ";" says which unit runs which digest). */
const outcome = (r: { status: string; summary: string }): [string, string] => [
  r.status,
  r.summary.split('; ')[0] ?? '',
];

/** No journal line or unit record may carry "undefined" or "NaN", and every duration is a real number. */
function expectCleanJournal(journal: MemoryJournal): void {
  for (const l of journal.lines) {
    expect(l.message, l.message).not.toMatch(/undefined|NaN/);
    if (l.extra?.durationMs !== undefined) expect(Number.isFinite(l.extra.durationMs)).toBe(true);
    if (l.extra && 'unit' in l.extra) expect(typeof l.extra.unit).toBe('string');
  }
  for (const p of journal.patches) {
    for (const [k, v] of Object.entries(p.patch)) {
      expect(v, `${p.unit}.${k}`).not.toBeUndefined();
      if (typeof v === 'number') expect(Number.isFinite(v), `${p.unit}.${k}`).toBe(true);
      if (typeof v === 'string') expect(v, `${p.unit}.${k}`).not.toMatch(/undefined|NaN/);
    }
  }
}

/**
 * Executes the plan, then the housekeeping the engine hands back (as the runner does after finishing the
 * task); `result` is the status and summary only.
 */
async function run(
  world: EngineHost,
  plan: Plan,
  control: TaskControl = go,
  settings: Partial<EngineSettings> = {},
) {
  const journal = new MemoryJournal();
  const out = await world.engine(settings).execute(plan, journal, control);
  const { cleanup, ...result } = out as RunResult & { cleanup?: () => Promise<void> };
  await cleanup?.();
  expectCleanJournal(journal);
  return { result, journal };
}

describe('UpdateEngine.execute: success', () => {
  it('pulls once, restarts each unit, gates, verifies, records the results and prunes', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addUnit('b.service');
    const { result, journal } = await run(w, planOf(updatePlan('a.service'), updatePlan('b.service')));

    expect(result).toEqual({
      status: 'succeeded',
      summary: `2 succeeded; now ${D_NEW.slice(0, 19)} on a.service, b.service`,
    });
    expect(w.calls).toEqual([
      `pull ${WEB}`,
      `tag img-new ${WEB}`,
      'restart a.service',
      `tag img-new ${WEB}`,
      'restart b.service',
      'remove img-older',
    ]);
    expect(w.runningImageOf('a.service')).toBe('img-new');
    expect(w.runningImageOf('b.service')).toBe('img-new');

    for (const unit of ['a.service', 'b.service']) {
      const r = journal.record(unit);
      expect(r).toMatchObject({
        status: 'succeeded',
        image: WEB,
        digestBefore: D_OLD,
        imageIdBefore: 'img-old',
        digestAfter: D_NEW,
        imageIdAfter: 'img-new',
        reason: null,
      });
      expect(r.finishedAt).toBeGreaterThanOrEqual((r.startedAt ?? Infinity) + SETTINGS.healthWindowMs);
      // Reported pending before it ran.
      expect(journal.patches.find((p) => p.unit === unit)?.patch.status).toBe('pending');
    }
    expect(journal.messages('verify')).toEqual([`a.service runs ${D_NEW}`, `b.service runs ${D_NEW}`]);
    expect(journal.messages('pull')).toContain('Copying blob img-new');
    expect(journal.messages('pull')).toContain(`pulled ${WEB}`);
    expect(journal.messages('prune')).toEqual(['removed superseded image img-older']);
  });

  it('polls the unit through the whole health window, never sleeping longer than the poll interval', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addUnit('b.service');
    await run(w, planOf(updatePlan('a.service'), updatePlan('b.service')));

    const [ra, rb] = w.restartsAt;
    expect(ra?.unit).toBe('a.service');
    expect(rb?.unit).toBe('b.service');
    // b restarts only after a stayed up for the whole window.
    expect(rb!.at - ra!.at).toBeGreaterThanOrEqual(SETTINGS.healthWindowMs);
    const pollsA = w.statePolls.filter((p) => p.unit === 'a.service' && p.at >= ra!.at).map((p) => p.at);
    expect(pollsA.at(-1)).toBeGreaterThanOrEqual(ra!.at + SETTINGS.healthWindowMs);
    expect(pollsA.length).toBeGreaterThanOrEqual(SETTINGS.healthWindowMs / SETTINGS.healthPollMs + 1);
    for (let i = 1; i < pollsA.length; i++) {
      expect(pollsA[i]! - pollsA[i - 1]!).toBeLessThanOrEqual(SETTINGS.healthPollMs);
    }
    for (const s of w.sleeps) {
      expect(s.ms).toBeGreaterThan(0);
      expect(s.ms).toBeLessThanOrEqual(SETTINGS.healthPollMs);
    }
  });

  it('fails a unit whose restart did not start a new invocation', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    // The restart "succeeds" but the unit keeps reporting its old invocation id on the first restart.
    w.health = (_unit, n) => (n === 1 ? { invocationId: 'inv-a.service-0' } : undefined);
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('rolled-back');
    expect(journal.record('a.service').reason).toContain('same invocation');
  });

  it('a resumed unit (verify) is not restarted: health gate and digest check only', async () => {
    const w = new EngineHost();
    w.tags.set(WEB, 'img-new');
    w.addUnit('a.service');
    const { result, journal } = await run(
      w,
      planOf(
        updatePlan('a.service', {
          action: 'verify',
          reason: 'restarted before an interruption; checking it',
        }),
      ),
    );
    expect(outcome(result)).toEqual(['succeeded', '1 succeeded']);
    expect(w.calls.filter((c) => c.startsWith('restart'))).toEqual([]);
    expect(w.calls[0]).toBe(`pull ${WEB}`);
    expect(journal.record('a.service')).toMatchObject({ status: 'succeeded', digestAfter: D_NEW });
    expect(w.statePolls.filter((p) => p.unit === 'a.service').length).toBeGreaterThanOrEqual(
      SETTINGS.healthWindowMs / SETTINGS.healthPollMs + 1,
    );
  });

  it('updates to the pulled digest when the tag moved after the plan', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addWebImage('img-newer', D_NEWER, 4);
    w.publish(WEB, 'img-newer');
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('succeeded');
    expect(journal.record('a.service')).toMatchObject({ digestAfter: D_NEWER, imageIdAfter: 'img-newer' });
    expect(journal.lines.some((l) => l.level === 'warn' && l.message.includes('moved after the check'))).toBe(
      true,
    );
  });
});

describe('UpdateEngine.execute: failures and rollback', () => {
  it('restart job "failed": diagnoses, tags the previous image back and restarts -> rolled-back', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.restartResults.set('a.service', ['failed']);
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));

    expect(outcome(result)).toEqual(['rolled-back', '1 rolled-back']);
    expect(w.calls).toEqual([
      `pull ${WEB}`,
      `tag img-new ${WEB}`,
      'restart a.service',
      'journal a.service',
      `tag img-old ${WEB}`,
      'reset a.service',
      'restart a.service',
      'remove img-older',
    ]);
    expect(w.runningImageOf('a.service')).toBe('img-old');
    expect(journal.record('a.service')).toMatchObject({
      status: 'rolled-back',
      digestBefore: D_OLD,
      digestAfter: D_OLD,
      imageIdAfter: 'img-old',
    });
    expect(journal.record('a.service').reason).toBe('restart job of a.service ended "failed"');
    expect(journal.messages('diagnose')[0]).toContain('a.service: listening on :8080');
    expect(journal.messages('rollback')).toContain('a.service is back on its previous image');
  });

  it('unit going inactive during the health window -> rollback', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.health = (_unit, n, since) =>
      n === 1 && since >= 2000
        ? { activeState: 'inactive', subState: 'dead', result: 'exit-code' }
        : undefined;
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('rolled-back');
    expect(journal.record('a.service').reason).toBe('a.service is inactive/dead (result exit-code)');
    expect(w.calls).toEqual([
      `pull ${WEB}`,
      `tag img-new ${WEB}`,
      'restart a.service',
      'journal a.service',
      `tag img-old ${WEB}`,
      'restart a.service',
      'remove img-older',
    ]);
    expect(w.runningImageOf('a.service')).toBe('img-old');
  });

  it('NRestarts increasing during the window fails the unit', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.health = (_unit, n, since) => (n === 1 && since >= 1000 ? { nRestarts: 1 } : undefined);
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('rolled-back');
    expect(journal.record('a.service').reason).toBe('a.service restarted by itself (NRestarts 0 -> 1)');
  });

  it('NRestarts increasing with no previous image to go back to -> failed, nothing tagged', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.health = (_unit, n, since) => (n === 1 && since >= 1000 ? { nRestarts: 3 } : undefined);
    const { result, journal } = await run(
      w,
      planOf(updatePlan('a.service', { imageId: null, currentDigests: [] })),
    );
    expect(outcome(result)).toEqual(['failed', '1 failed']);
    // only the tag that points the reference at the new image before the restart; no rollback tag
    expect(w.calls.filter((c) => c.startsWith('tag'))).toEqual([`tag img-new ${WEB}`]);
    expect(journal.record('a.service')).toMatchObject({ status: 'failed' });
    expect(journal.record('a.service').reason).toContain('NRestarts 0 -> 3');
    expect(journal.messages('rollback')).toEqual(['no previous image recorded: cannot roll back']);
  });

  it('a unit that does not run the target digest after the restart is rolled back', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addWebImage('img-other', D_OTHER, 5);
    w.startsImage = (_unit, n) => (n === 1 ? 'img-other' : undefined);
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('rolled-back');
    expect(journal.record('a.service').reason).toBe(`a.service runs ${D_OTHER}, expected ${D_NEW}`);
    expect(w.calls).toContain(`tag img-old ${WEB}`);
    expect(w.runningImageOf('a.service')).toBe('img-old');
  });

  /** Hides the unit's new container until `afterMs` after its restart: `podman run` still creating it. */
  const containerLate = (w: EngineHost, unit: string, afterMs: number) => {
    const list = w.ports.runtime.listContainers.bind(w.ports.runtime);
    w.ports.runtime.listContainers = async () => {
      const sim = w.units.get(unit);
      const hidden = sim !== undefined && sim.restarts > 0 && w.now - sim.restartedAt < afterMs;
      return (await list()).filter((c) => !(hidden && c.labels.PODMAN_SYSTEMD_UNIT === unit));
    };
  };

  it('the digest check waits for the container a short health window outran, and accepts the update', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    containerLate(w, 'a.service', 2000);
    const { result, journal } = await run(w, planOf(updatePlan('a.service')), go, { healthWindowMs: 1 });
    expect(result.status).toBe('succeeded');
    expect(journal.record('a.service')).toMatchObject({ status: 'succeeded', digestAfter: D_NEW });
    expect(w.calls.filter((c) => c.startsWith('restart'))).toEqual(['restart a.service']);
  });

  it('a container that never appears fails the check after a bounded wait, and the unit is rolled back', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    containerLate(w, 'a.service', Number.POSITIVE_INFINITY);
    const t0 = w.now;
    const { result, journal } = await run(w, planOf(updatePlan('a.service')), go, {
      healthWindowMs: 1,
      containerWaitMs: 5000,
    });
    expect(result.status).toBe('failed');
    expect(journal.record('a.service').reason).toBe(
      'no running container carries PODMAN_SYSTEMD_UNIT=a.service (waited 5 s)',
    );
    // Bounded: the wait, not a hang (the failed rollback waits once more for its own check).
    expect(w.now - t0).toBeLessThan(3 * 5000);
  });

  it('the canary fails: it is rolled back, the other units of the image are never restarted', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addUnit('b.service');
    w.restartResults.set('a.service', ['failed']);
    const { result, journal } = await run(w, planOf(updatePlan('a.service'), updatePlan('b.service')));
    expect(result).toEqual({
      status: 'rolled-back',
      summary: `1 rolled-back, 1 skipped; now ${D_OLD.slice(0, 19)} on a.service, b.service`,
    });
    expect(journal.record('a.service')).toMatchObject({ status: 'rolled-back', role: 'canary', position: 1 });
    expect(journal.record('b.service')).toMatchObject({
      status: 'skipped',
      reason: 'not reached: the rollout stopped when a.service failed',
      position: 2,
    });
    expect(w.runningImageOf('a.service')).toBe('img-old');
    expect(w.runningImageOf('b.service')).toBe('img-old');
    expect(w.calls.filter((c) => c === 'restart b.service')).toHaveLength(0);
  });

  it('a start rate limit hit by the failed update is reset so the rollback can bring the unit back', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.restartResults.set('a.service', [{ job: 'failed', unitResult: 'start-limit-hit' }]);
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('rolled-back');
    expect(w.calls.indexOf('reset a.service')).toBeGreaterThan(w.calls.indexOf(`tag img-old ${WEB}`));
    expect(journal.messages('rollback').some((m) => m.includes('start-limit-hit'))).toBe(true);
  });

  it('rollback failing too -> failed', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.restartResults.set('a.service', ['failed', 'failed']);
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(outcome(result)).toEqual(['failed', '1 failed']);
    expect(w.calls.slice(0, 7)).toEqual([
      `pull ${WEB}`,
      `tag img-new ${WEB}`,
      'restart a.service',
      'journal a.service',
      `tag img-old ${WEB}`,
      'reset a.service',
      'restart a.service',
    ]);
    const r = journal.record('a.service');
    expect(r.status).toBe('failed');
    expect(r.reason).toBe('restart job of a.service ended "failed"');
    expect(r.digestAfter).toBeUndefined();
    expect(journal.messages('rollback').some((m) => m.startsWith('rollback of a.service failed'))).toBe(true);
  });

  it('rollback that restarts but runs something else -> failed', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addWebImage('img-other', D_OTHER, 5);
    w.startsImage = () => 'img-other';
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('failed');
    expect(journal.messages('rollback').join('\n')).toContain('after rollback a.service runs img-other');
  });

  it('falls back to the container log when the journal has nothing', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.journalOf = () => [];
    w.restartResults.set('a.service', ['failed']);
    const { journal } = await run(w, planOf(updatePlan('a.service')));
    // The failed restart left no running container: the plan's container id is used.
    expect(w.calls).toContain('logs ctr-a.service-0');
    expect(journal.messages('diagnose')).toEqual([
      'journal of a.service has no entries',
      'container log of a.service:\nctr-a.service-0: panic: config missing',
    ]);
  });

  it('falls back to the container log when the journal is unreadable', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.journalOf = () => {
      throw new AppError('SYSTEMD_ERROR', 'sd_journal_open: permission denied');
    };
    w.addWebImage('img-other', D_OTHER, 5);
    w.startsImage = (_u, n) => (n === 1 ? 'img-other' : undefined);
    const { journal } = await run(w, planOf(updatePlan('a.service')));
    // The unit still runs (wrong image): its current container is read.
    expect(w.calls).toContain('logs ctr-a.service-1');
    expect(journal.messages('diagnose')[0]).toBe(
      'journal of a.service unavailable: sd_journal_open: permission denied',
    );
  });
});

describe('UpdateEngine.execute: pull', () => {
  it('retries a transient pull failure with exponential backoff', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.pullErrors.set(WEB, [new Error('read tcp: connection reset by peer'), new Error('502 Bad Gateway')]);
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('succeeded');
    expect(w.calls.slice(0, 5)).toEqual([
      `pull ${WEB}`,
      `pull ${WEB}`,
      `pull ${WEB}`,
      `tag img-new ${WEB}`,
      'restart a.service',
    ]);
    expect(w.sleeps.slice(0, 2).map((s) => s.ms)).toEqual([
      SETTINGS.pullBackoffMs,
      SETTINGS.pullBackoffMs * 2,
    ]);
    expect(
      journal.lines.filter((l) => l.step === 'pull' && l.level === 'warn').map((l) => l.message),
    ).toEqual([
      `attempt 1 of 3 failed; retrying in ${SETTINGS.pullBackoffMs} ms`,
      `attempt 2 of 3 failed; retrying in ${SETTINGS.pullBackoffMs * 2} ms`,
    ]);
  });

  it('gives up after pullAttempts and fails the units of the image without restarting them', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addUnit('b.service');
    w.pullErrors.set(WEB, [new Error('EOF'), new Error('EOF'), new Error('EOF again')]);
    const { result, journal } = await run(w, planOf(updatePlan('a.service'), updatePlan('b.service')), go, {
      pullAttempts: 3,
    });
    expect(outcome(result)).toEqual(['failed', '2 failed']);
    expect(w.calls.filter((c) => c.startsWith('pull'))).toHaveLength(3);
    expect(w.calls.some((c) => c.startsWith('restart'))).toBe(false);
    expect(w.sleeps.map((s) => s.ms)).toEqual([500, 1000]);
    for (const u of ['a.service', 'b.service']) {
      expect(journal.record(u)).toMatchObject({ status: 'failed', reason: 'pull failed: EOF again' });
    }
  });

  it('does not retry a tag the registry does not have (IMAGE_NOT_FOUND)', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.remote.delete(WEB);
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('failed');
    expect(w.calls).toEqual([`pull ${WEB}`]);
    expect(w.sleeps).toEqual([]);
    expect(journal.record('a.service').reason).toContain('manifest unknown');
  });

  it('does not retry refused credentials (REGISTRY_DENIED)', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.pullErrors.set(WEB, [new AppError('REGISTRY_DENIED', 'unauthorized: authentication required')]);
    await run(w, planOf(updatePlan('a.service')));
    expect(w.calls).toEqual([`pull ${WEB}`]);
  });

  it('decides by the error code, not its wording: a transient code is retried whatever its text says', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.pullErrors.set(WEB, [
      new AppError(
        'REGISTRY_UNAVAILABLE',
        'mirror answered 503: blob not found upstream yet, denied for now',
      ),
      new Error('manifest unknown (a plain error is no verdict)'),
    ]);
    const { result } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('succeeded');
    expect(w.calls.filter((c) => c.startsWith('pull'))).toHaveLength(3);
  });

  it('pulls each image once and only fails the units of the image that failed', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addUnit('b.service');
    w.addUnit('db.service', DB);
    w.pullErrors.set(DB, [new AppError('IMAGE_NOT_FOUND', `pull of ${DB}: manifest unknown`)]);
    w.publish(DB, 'img-db');
    const plan = planOf(
      updatePlan('a.service'),
      updatePlan('db.service', {
        image: DB,
        imageId: 'img-db',
        currentDigests: [D_DB],
        targetDigest: D_OTHER,
      }),
      updatePlan('b.service'),
    );
    const { result, journal } = await run(w, plan);
    expect(w.calls.filter((c) => c.startsWith('pull'))).toEqual([`pull ${WEB}`, `pull ${DB}`]);
    expect(w.calls.filter((c) => c.startsWith('restart'))).toEqual([
      'restart a.service',
      'restart b.service',
    ]);
    expect(outcome(result)).toEqual(['failed', '2 succeeded, 1 failed']);
    expect(journal.record('db.service').status).toBe('failed');
  });
});

describe('UpdateEngine.execute: control and planning outcomes', () => {
  it('stop requested between units: the rest are cancelled, the task is cancelled', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addUnit('b.service');
    w.addUnit('c.service');
    const control = { stopRequested: () => w.calls.includes('restart a.service') };
    const { result, journal } = await run(
      w,
      planOf(updatePlan('a.service'), updatePlan('b.service'), updatePlan('c.service')),
      control,
    );
    expect(outcome(result)).toEqual(['cancelled', '1 succeeded, 2 cancelled']);
    expect(w.calls.filter((c) => c.startsWith('restart'))).toEqual(['restart a.service']);
    expect(journal.record('a.service').status).toBe('succeeded');
    for (const u of ['b.service', 'c.service']) {
      expect(journal.record(u)).toMatchObject({
        status: 'cancelled',
        reason: 'task stopped before this unit',
      });
    }
    expect(w.runningImageOf('b.service')).toBe('img-old');
  });

  it('no units -> skipped, nothing touched', async () => {
    const w = new EngineHost();
    const { result } = await run(w, { images: [], units: [] });
    expect(result).toEqual({ status: 'skipped', summary: 'no unit runs this image' });
    expect(w.calls).toEqual([]);
  });

  it('only skipped units -> skipped with their reasons, nothing touched', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    const { result, journal } = await run(w, {
      images: [],
      units: [
        updatePlan('a.service', { action: 'skip', reason: 'already up to date' }),
        updatePlan('p.service', { action: 'skip', reason: 'pinned to a digest', image: null }),
        updatePlan('b.service', { action: 'skip', reason: 'already up to date' }),
      ],
    });
    expect(result).toEqual({ status: 'skipped', summary: 'already up to date; pinned to a digest' });
    expect(w.calls).toEqual([]);
    expect(journal.record('p.service')).toMatchObject({ status: 'skipped', reason: 'pinned to a digest' });
  });

  it('all units planned "error" -> failed, no pull', async () => {
    const w = new EngineHost();
    const { result, journal } = await run(w, {
      images: [],
      units: [
        updatePlan('a.service', { action: 'error', reason: 'registry: ECONNREFUSED', targetDigest: null }),
        updatePlan('b.service', { action: 'error', reason: 'registry: ECONNREFUSED', targetDigest: null }),
      ],
    });
    expect(result).toEqual({
      status: 'failed',
      summary: 'a.service: registry: ECONNREFUSED; b.service: registry: ECONNREFUSED',
    });
    expect(w.calls).toEqual([]);
    expect(journal.record('a.service').status).toBe('failed');
    expect(journal.lines.filter((l) => l.level === 'error' && l.step === 'plan')).toHaveLength(2);
  });

  it('an error next to updated units still fails the task', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    const { result } = await run(w, {
      images: [],
      units: [
        updatePlan('a.service'),
        updatePlan('x.service', { action: 'error', reason: 'registry: timeout', targetDigest: null }),
      ],
    });
    expect(outcome(result)).toEqual(['failed', '1 succeeded, 1 not planned']);
    expect(w.runningImageOf('a.service')).toBe('img-new');
  });
});

describe('UpdateEngine.execute: prune', () => {
  it('removes only images podup superseded that nothing uses, keeping the rollback image and images in use', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    await run(w, planOf(updatePlan('a.service')));
    const removed = w.calls.filter((c) => c.startsWith('remove'));
    // Superseded by podup earlier: img-older (unused -> removed), img-old (the rollback image -> kept),
    // img-debug (used by a container -> kept). img-new is running; img-db belongs to another image.
    expect(removed).not.toContain('remove img-old');
    expect(removed).not.toContain('remove img-new');
    expect(removed).not.toContain('remove img-debug');
    expect(removed).not.toContain('remove img-db');
    expect(removed).toContain('remove img-older');
    expect(w.images.has('img-old')).toBe(true);
    expect(w.images.has('img-older')).toBe(false);
  });

  it('never removes an image podup did not supersede (another pull may have just fetched it)', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.superseded = () => [];
    await run(w, planOf(updatePlan('a.service')));
    expect(w.calls.filter((c) => c.startsWith('remove'))).toEqual([]);
    expect(w.images.has('img-older')).toBe(true);
  });

  it('a failure while pruning only skips the prune', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.superseded = () => {
      throw new Error('history unavailable');
    };
    const { result, journal } = await run(w, planOf(updatePlan('a.service')));
    expect(result.status).toBe('succeeded');
    expect(journal.lines.filter((l) => l.step === 'prune')).toEqual([
      { level: 'warn', step: 'prune', message: 'prune skipped: history unavailable', extra: undefined },
    ]);
  });

  it('does not prune when nothing was pulled', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.remote.delete(WEB);
    await run(w, planOf(updatePlan('a.service')));
    expect(w.calls.filter((c) => c.startsWith('remove'))).toEqual([]);
  });
});

describe('UpdateEngine.execute: force-stop', () => {
  it('during the health gate: rolls the restarted, unverified unit back and cancels the rest', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    w.addUnit('b.service');
    let polls = 0;
    const control: TaskControl = {
      stopRequested: () => polls > 2,
      // asked inside the health gate: force after the first unit's gate has started
      forceRequested: () => w.calls.includes('restart a.service') && ++polls > 2,
    };
    const { result, journal } = await run(
      w,
      planOf(updatePlan('a.service'), updatePlan('b.service')),
      control,
    );
    expect(result.status).toBe('cancelled');
    expect(journal.record('a.service')).toMatchObject({
      status: 'cancelled',
      digestAfter: D_OLD,
      imageIdAfter: 'img-old',
    });
    expect(journal.record('a.service').reason).toMatch(/^force-stopped during the health gate; rolled back/);
    expect(journal.record('b.service').status).toBe('cancelled');
    expect(w.runningImageOf('a.service')).toBe('img-old');
    expect(w.calls.filter((c) => c === 'restart b.service')).toHaveLength(0);
    // no diagnosis for a deliberate stop, but the rollback is logged
    expect(w.calls).not.toContain('journal a.service');
  });

  it('before any unit was touched: nothing restarts, every unit is cancelled', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    const control: TaskControl = { stopRequested: () => true, forceRequested: () => true };
    const { result, journal } = await run(w, planOf(updatePlan('a.service')), control);
    expect(result.status).toBe('cancelled');
    expect(journal.record('a.service').status).toBe('cancelled');
    expect(w.calls.filter((c) => c.startsWith('restart'))).toEqual([]);
    expect(w.calls.filter((c) => c.startsWith('pull'))).toEqual([]);
  });

  it('aborts a pull in flight through the signal', async () => {
    const w = new EngineHost();
    w.addUnit('a.service');
    const abort = new AbortController();
    let forced = false;
    const runtime = w.ports.runtime;
    const pull = runtime.pull.bind(runtime);
    runtime.pull = async (ref, onProgress, signal) => {
      forced = true;
      abort.abort();
      expect(signal).toBe(abort.signal);
      return pull(ref, onProgress, signal);
    };
    const { result } = await run(w, planOf(updatePlan('a.service')), {
      stopRequested: () => forced,
      forceRequested: () => forced,
      signal: abort.signal,
    });
    expect(result.status).toBe('cancelled');
    expect(w.calls.filter((c) => c.startsWith('restart'))).toEqual([]);
    // The aborted pull moved nothing.
    expect(w.tags.get(WEB)).toBe('img-old');
  });
});
