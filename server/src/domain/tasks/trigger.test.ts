import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { mergeSightings } from '../units/known-unit.js';
import { newTriggerTask, triggerUnits, type TriggerRequest } from './trigger.js';

const PIN = `sha256:${'9'.repeat(64)}`;

const KNOWN = mergeSightings([
  { unit: 'web.service', source: 'podman', policy: 'registry', image: 'ghcr.io/acme/web:stable' },
  { unit: 'api.service', source: 'quadlet', policy: 'registry', image: 'ghcr.io/acme/api:v2' },
  { unit: 'pinned.service', source: 'quadlet', policy: 'registry', image: `ghcr.io/acme/web:stable@${PIN}` },
  { unit: 'noimage.service', source: 'podman', policy: 'registry', containerId: 'c1' },
  { unit: 'manual.service', source: 'podman', image: 'ghcr.io/acme/web:stable' },
  { unit: 'local.service', source: 'quadlet', policy: 'local', image: 'ghcr.io/acme/web:stable' },
  { unit: 'listed.service', source: 'config', image: 'ghcr.io/acme/listed:1' },
]);

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
  return undefined;
};

describe('triggerUnits', () => {
  it('all: every managed unit that follows an image tag, not pinned, image-less or opted-out ones', () => {
    expect(triggerUnits({ all: true, trigger: 'api' }, KNOWN).sort()).toEqual([
      'api.service',
      'listed.service',
      'web.service',
    ]);
  });

  it('a named unit that does not opt in (no label, AutoUpdate=local) -> NOT_OPTED_IN naming why', () => {
    expect(codeOf(() => triggerUnits({ units: ['manual.service'], trigger: 'api' }, KNOWN))).toBe(
      'NOT_OPTED_IN',
    );
    expect(
      codeOf(() => triggerUnits({ units: ['web.service', 'local.service'], trigger: 'cli' }, KNOWN)),
    ).toBe('NOT_OPTED_IN');
    expect(() => triggerUnits({ units: ['local.service'], trigger: 'api' }, KNOWN)).toThrow(
      /AutoUpdate=local/,
    );
    // Listed in PODUP_UNITS: the operator opted it in explicitly.
    expect(triggerUnits({ units: ['listed.service'], trigger: 'api' }, KNOWN)).toEqual(['listed.service']);
  });

  it('all with no tag-following unit -> UNKNOWN_UNIT', () => {
    const onlyPinned = KNOWN.filter((u) => u.unit === 'pinned.service' || u.unit === 'noimage.service');
    expect(codeOf(() => triggerUnits({ all: true, trigger: 'api' }, onlyPinned))).toBe('UNKNOWN_UNIT');
    expect(codeOf(() => triggerUnits({ all: true, trigger: 'api' }, []))).toBe('UNKNOWN_UNIT');
  });

  it('all wins over a list of names', () => {
    expect(triggerUnits({ all: true, units: ['ghost.service'], trigger: 'cli' }, KNOWN).sort()).toEqual([
      'api.service',
      'listed.service',
      'web.service',
    ]);
  });

  it('named units, each once, in the order given', () => {
    expect(
      triggerUnits({ units: ['web.service', 'api.service', 'web.service'], trigger: 'api' }, KNOWN),
    ).toEqual(['web.service', 'api.service']);
  });

  it('a named pinned unit is accepted (the plan reports why it does not move)', () => {
    expect(triggerUnits({ units: ['pinned.service'], trigger: 'api' }, KNOWN)).toEqual(['pinned.service']);
  });

  it('an empty or missing list -> BAD_REQUEST', () => {
    expect(codeOf(() => triggerUnits({ units: [], trigger: 'api' }, KNOWN))).toBe('BAD_REQUEST');
    expect(codeOf(() => triggerUnits({ trigger: 'api' }, KNOWN))).toBe('BAD_REQUEST');
    expect(codeOf(() => triggerUnits({ all: false, trigger: 'api' }, KNOWN))).toBe('BAD_REQUEST');
  });

  it('an unknown unit -> UNKNOWN_UNIT naming it', () => {
    let err: unknown;
    try {
      triggerUnits({ units: ['web.service', 'sshd.service'], trigger: 'api' }, KNOWN);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('UNKNOWN_UNIT');
    expect((err as AppError).message).toContain('sshd.service');
  });
});

describe('newTriggerTask', () => {
  const deps = { clock: { now: () => 1_700_000_123_456 }, ids: { taskId: () => 'tsk_TEST' } };

  it('queues a unit-update task for the named units, now, with who acts, the caller and reason', () => {
    const request: TriggerRequest = {
      units: ['web.service'],
      actor: 'ci-bot',
      caller: 'alice',
      reason: 'hotfix',
      trigger: 'api',
    };
    expect(newTriggerTask(request, ['web.service', 'api.service'], deps)).toEqual({
      id: 'tsk_TEST',
      kind: 'unit-update',
      status: 'queued',
      image: null,
      units: ['web.service', 'api.service'],
      trigger: 'api',
      delivery: null,
      actor: 'ci-bot',
      caller: 'alice',
      reason: 'hotfix',
      createdAt: 1_700_000_123_456,
      updatedAt: 1_700_000_123_456,
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
  });

  it('records what it retries, and the trigger', () => {
    const t = newTriggerTask({ trigger: 'retry', retryOf: 'tsk_EARLIER' }, ['web.service'], deps);
    expect(t.retryOf).toBe('tsk_EARLIER');
    expect(t.trigger).toBe('retry');
    expect(t.caller).toBeNull();
    expect(t.reason).toBeNull();
  });

  it('takes a fresh id and time per task', () => {
    let n = 0;
    let now = 1000;
    const d = { clock: { now: () => (now += 5) }, ids: { taskId: () => `tsk_${++n}` } };
    const a = newTriggerTask({ trigger: 'cli' }, ['web.service'], d);
    const b = newTriggerTask({ trigger: 'cli' }, ['web.service'], d);
    expect([a.id, b.id]).toEqual(['tsk_1', 'tsk_2']);
    expect(b.createdAt).toBeGreaterThan(a.createdAt);
    expect(a.createdAt).toBe(a.updatedAt);
  });
});
