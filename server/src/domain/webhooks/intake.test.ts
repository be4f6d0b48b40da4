import { describe, expect, it } from 'vitest';
import type { EventRow } from '../events/event.js';
import { parseImageRef } from '../images/image-ref.js';
import type { DeliveryRecord } from '../ports/index.js';
import type { RatePolicy } from '../rate-limits/gcra.js';
import { sameUnits, type TaskRecord, type TaskSource } from '../tasks/task.js';
import type { GitHubEventMeaning } from './github-event.js';
import {
  IMAGE_RATE_SCOPE,
  intakeDelivery,
  type IntakeDeps,
  type IntakeStores,
  type IntakeInput,
  type IntakeResult,
} from './intake.js';

const DIGEST_A = 'sha256:81a5875901c707ac43082ecebf07d78209a61e3f05b27c4e65d2f8eabb708f95';
const DIGEST_B = 'sha256:368e65ef86290da6c5b7a5647c834eb6551a175599c8f912f1675d8df9d89efd';
const IMAGE = 'ghcr.io/acme-corp/web-app:stable';
const HOUR = 3_600_000;

/** The stores intake uses, in memory over Maps, with the same semantics as the SQLite stores. */
class MemoryTx {
  readonly deliveries = new Map<string, DeliveryRecord>();
  readonly tats = new Map<string, number>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly events: EventRow[] = [];

  findDelivery(delivery: string): DeliveryRecord | undefined {
    return this.deliveries.get(delivery);
  }
  saveDelivery(record: DeliveryRecord): void {
    if (this.deliveries.has(record.delivery)) throw new Error(`duplicate key ${record.delivery}`);
    this.deliveries.set(record.delivery, { ...record });
  }
  rateTat(scope: string, key: string): number | undefined {
    return this.tats.get(`${scope}\n${key}`);
  }
  setRateTat(scope: string, key: string, tat: number): void {
    this.tats.set(`${scope}\n${key}`, tat);
  }
  queuedFor(image: string, units: readonly string[] | null): string | undefined {
    return [...this.tasks.values()]
      .filter((t) => t.status === 'queued' && t.image === image)
      .sort((a, b) => a.createdAt - b.createdAt)
      .find((t) => sameUnits(t.units, units))?.id;
  }
  setSource(id: string, source: TaskSource): void {
    const task = this.tasks.get(id);
    if (task?.status === 'queued') task.source = source;
  }
  createTask(task: TaskRecord): void {
    if (this.tasks.has(task.id)) throw new Error(`duplicate task ${task.id}`);
    this.tasks.set(task.id, { ...task });
  }
  recordEvent(row: EventRow): void {
    this.events.push(row);
  }
  view(): IntakeStores {
    return {
      deliveries: { find: (d) => this.findDelivery(d), save: (r) => this.saveDelivery(r) },
      rateLimits: {
        tat: (s, k) => this.rateTat(s, k),
        setTat: (s, k, t) => this.setRateTat(s, k, t),
        trim: () => 0,
      },
      tasks: {
        queuedFor: (i, u) => this.queuedFor(i, u),
        create: (t) => this.createTask(t),
        setSource: (id, source) => this.setSource(id, source),
      } as IntakeStores['tasks'],
    };
  }
}

class FakeClock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  advance(by: number): void {
    this.ms += by;
  }
}

function setup(imageRateLimit: RatePolicy = { limit: 60, windowMs: HOUR }) {
  const tx = new MemoryTx();
  const clock = new FakeClock(1_700_000_000_000);
  let n = 0;
  const deps: IntakeDeps = {
    clock,
    ids: { taskId: () => `tsk_${++n}` },
    imageRateLimit,
    coalesceWindowMs: 2000,
  };
  const intake = (input: IntakeInput): IntakeResult => intakeDelivery(tx.view(), input, deps);
  return { tx, clock, deps, intake };
}

const publishedMeaning = (
  ref = `ghcr.io/acme-corp/web-app:stable@${DIGEST_A}`,
): Extract<GitHubEventMeaning, { kind: 'published' }> => ({
  kind: 'published',
  action: 'published',
  image: parseImageRef(ref),
  source: null,
});

const published = (delivery: string, extra: Partial<IntakeInput> = {}): IntakeInput => ({
  delivery,
  event: 'package',
  meaning: publishedMeaning(),
  ...extra,
});

function accepted(r: IntakeResult) {
  if (r.outcome !== 'accepted') throw new Error(`expected accepted, got ${JSON.stringify(r)}`);
  return r;
}

describe('intakeDelivery: published', () => {
  it('creates one queued image-update task for the tagged image and remembers the delivery', () => {
    const { tx, clock, intake } = setup();
    const r = accepted(intake(published('d-1', { caller: '192.0.2.1' })));
    expect(r.coalesced).toBe(false);
    expect(r.image).toBe(IMAGE);
    expect(tx.tasks.get(r.taskId)).toMatchObject({
      id: 'tsk_1',
      kind: 'image-update',
      status: 'queued',
      image: IMAGE,
      units: null,
      trigger: 'webhook',
      delivery: 'd-1',
      caller: '192.0.2.1',
      createdAt: clock.ms,
      updatedAt: clock.ms,
      startedAt: null,
      finishedAt: null,
      notBefore: clock.ms + 2000,
      attempts: 0,
      summary: null,
      retryOf: null,
      stopRequested: null,
    });
    expect(tx.tasks.get(r.taskId)?.reason).toContain('stable');
    expect(tx.tasks.get(r.taskId)?.reason).toContain(DIGEST_A);
    expect([...tx.tasks.keys()]).toEqual([r.taskId]);
    expect(tx.deliveries.get('d-1')).toEqual({
      delivery: 'd-1',
      receivedAt: clock.ms,
      event: 'package',
      action: 'published',
      image: IMAGE,
      outcome: 'accepted',
      reason: null,
      taskId: 'tsk_1',
    });
  });

  it('a redelivery of the same id is a duplicate: returns the original record and creates nothing', () => {
    const { tx, clock, intake } = setup();
    const first = accepted(intake(published('d-1')));
    const deliveriesBefore = new Map(tx.deliveries);
    const tatsBefore = new Map(tx.tats);
    clock.advance(5_000);

    const again = intake(published('d-1'));
    expect(again.outcome).toBe('duplicate');
    if (again.outcome !== 'duplicate') return;
    expect(again.original).toEqual(deliveriesBefore.get('d-1'));
    expect(again.original.taskId).toBe(first.taskId);
    expect(tx.tasks.size).toBe(1);
    expect(tx.deliveries).toEqual(deliveriesBefore);
    // a duplicate does not consume rate allowance either
    expect(tx.tats).toEqual(tatsBefore);
  });

  it('is a duplicate whatever the new meaning is (the delivery id alone decides)', () => {
    const { tx, intake } = setup();
    intake({ delivery: 'd-1', event: 'ping', meaning: { kind: 'ping', zen: 'z' } });
    const r = intake(published('d-1'));
    expect(r.outcome).toBe('duplicate');
    if (r.outcome === 'duplicate') expect(r.original.outcome).toBe('pong');
    expect(tx.tasks.size).toBe(0);
  });

  it('a second published event for the same image joins the queued task', () => {
    const { tx, intake } = setup();
    const first = accepted(intake(published('d-1')));
    const second = accepted(intake(published('d-2', { event: 'registry_package' })));
    expect(second.coalesced).toBe(true);
    expect(second.taskId).toBe(first.taskId);
    expect(tx.tasks.size).toBe(1);
    // the joining delivery is remembered, pointing at the shared task
    expect(tx.deliveries.get('d-2')).toMatchObject({
      outcome: 'accepted',
      taskId: first.taskId,
      event: 'registry_package',
    });
  });

  it('a webhook task keeps where its image came from; a newer push joining it brings its own', () => {
    const { tx, intake } = setup();
    const from = (commit: string): TaskSource => ({
      commit,
      commitUrl: `https://github.com/acme-corp/web-app/commit/${commit}`,
      page: 'https://github.com/orgs/acme-corp/packages/container/web-app/1',
    });
    const first = accepted(
      intake(published('d-1', { meaning: { ...publishedMeaning(), source: from('a'.repeat(40)) } })),
    );
    expect(tx.tasks.get(first.taskId)?.source).toEqual(from('a'.repeat(40)));
    const newer = {
      ...publishedMeaning(`ghcr.io/acme-corp/web-app:stable@${DIGEST_B}`),
      source: from('b'.repeat(40)),
    };
    expect(accepted(intake(published('d-2', { meaning: newer }))).taskId).toBe(first.taskId);
    expect(tx.tasks.get(first.taskId)?.source).toEqual(from('b'.repeat(40)));
    // A delivery that says nothing of its source leaves the task's as it was.
    accepted(intake(published('d-3')));
    expect(tx.tasks.get(first.taskId)?.source?.commit).toBe('b'.repeat(40));
  });

  it('another digest of the same tag also joins the queued task', () => {
    const { tx, intake } = setup();
    const first = accepted(intake(published('d-1')));
    const second = accepted(
      intake(published('d-2', { meaning: publishedMeaning(`ghcr.io/acme-corp/web-app:stable@${DIGEST_B}`) })),
    );
    expect(second).toMatchObject({ coalesced: true, taskId: first.taskId });
    expect(tx.tasks.size).toBe(1);
  });

  it('does not join a task that is no longer queued', () => {
    const { tx, intake } = setup();
    const first = accepted(intake(published('d-1')));
    tx.tasks.set(first.taskId, { ...tx.tasks.get(first.taskId)!, status: 'running' });
    const second = accepted(intake(published('d-2')));
    expect(second.coalesced).toBe(false);
    expect(second.taskId).not.toBe(first.taskId);
    expect(tx.tasks.size).toBe(2);
  });

  it('another tag of the same image is a separate task', () => {
    const { tx, intake } = setup();
    const first = accepted(intake(published('d-1')));
    const other = accepted(
      intake(published('d-2', { meaning: publishedMeaning(`ghcr.io/acme-corp/web-app:edge@${DIGEST_A}`) })),
    );
    expect(other.coalesced).toBe(false);
    expect(other.image).toBe('ghcr.io/acme-corp/web-app:edge');
    expect(other.taskId).not.toBe(first.taskId);
    expect(tx.tasks.size).toBe(2);
  });

  it('the legacy per-unit route makes a separate task for that unit, and joins only the same unit', () => {
    const { tx, intake } = setup();
    const all = accepted(intake(published('d-1')));
    const unitA = accepted(intake(published('d-2', { unit: 'web.service' })));
    expect(unitA.coalesced).toBe(false);
    expect(tx.tasks.get(unitA.taskId)?.units).toEqual(['web.service']);
    expect(unitA.taskId).not.toBe(all.taskId);

    const unitAAgain = accepted(intake(published('d-3', { unit: 'web.service' })));
    expect(unitAAgain).toMatchObject({ coalesced: true, taskId: unitA.taskId });

    const unitB = accepted(intake(published('d-4', { unit: 'worker.service' })));
    expect(unitB.coalesced).toBe(false);
    expect(tx.tasks.size).toBe(3);

    const allAgain = accepted(intake(published('d-5')));
    expect(allAgain).toMatchObject({ coalesced: true, taskId: all.taskId });
  });
});

describe('intakeDelivery: nothing to run', () => {
  it('ping is remembered as pong with no action and no task', () => {
    const { tx, clock, intake } = setup();
    const r = intake({
      delivery: 'p-1',
      event: 'ping',
      meaning: { kind: 'ping', zen: 'Design for failure.' },
    });
    expect(r).toEqual({ outcome: 'pong', zen: 'Design for failure.' });
    expect(tx.deliveries.get('p-1')).toEqual({
      delivery: 'p-1',
      receivedAt: clock.ms,
      event: 'ping',
      action: null,
      image: null,
      outcome: 'pong',
      reason: null,
      taskId: null,
    });
    expect(tx.tasks.size).toBe(0);
  });

  it('an ignored event is remembered with its reason and no task', () => {
    const { tx, intake } = setup();
    const meaning: GitHubEventMeaning = {
      kind: 'ignored',
      action: 'updated',
      reason: 'action "updated" is not handled',
    };
    const r = intake({ delivery: 'i-1', event: 'package', meaning });
    expect(r).toEqual({ outcome: 'ignored', reason: meaning.reason, action: 'updated' });
    expect(tx.deliveries.get('i-1')).toMatchObject({
      outcome: 'ignored',
      action: 'updated',
      reason: meaning.reason,
      image: null,
      taskId: null,
    });
    expect(tx.tasks.size).toBe(0);
  });

  it('an ignored event without action stores action null', () => {
    const { tx, intake } = setup();
    intake({ delivery: 'i-2', event: 'push', meaning: { kind: 'ignored', action: undefined, reason: 'r' } });
    expect(tx.deliveries.get('i-2')?.action).toBeNull();
  });

  it('an untagged manifest is recorded with image@digest, no task and no rate use', () => {
    const { tx, intake } = setup({ limit: 1, windowMs: HOUR });
    const meaning: GitHubEventMeaning = {
      kind: 'untagged',
      action: 'published',
      image: parseImageRef(`ghcr.io/acme-corp/web-app@${DIGEST_B}`),
    };
    const r = intake({ delivery: 'u-1', event: 'package', meaning });
    expect(r.outcome).toBe('recorded');
    if (r.outcome !== 'recorded') return;
    expect(r.image).toBe(`ghcr.io/acme-corp/web-app@${DIGEST_B}`);
    expect(tx.deliveries.get('u-1')).toMatchObject({
      outcome: 'recorded',
      image: r.image,
      reason: r.reason,
      taskId: null,
    });
    expect(tx.tasks.size).toBe(0);
    expect(tx.tats.size).toBe(0);
    // the single allowed hit is still available for the tagged event
    expect(intake(published('d-1')).outcome).toBe('accepted');
  });
});

describe('intakeDelivery: image rate limit', () => {
  it('with limit 2 the third distinct delivery is rate-limited and not remembered', () => {
    const { tx, intake } = setup({ limit: 2, windowMs: HOUR });
    expect(intake(published('d-1')).outcome).toBe('accepted');
    expect(intake(published('d-2')).outcome).toBe('accepted');
    const deliveriesBefore = new Map(tx.deliveries);
    const tatsBefore = new Map(tx.tats);

    const third = intake(published('d-3'));
    expect(third.outcome).toBe('rate-limited');
    if (third.outcome !== 'rate-limited') return;
    expect(third.image).toBe(IMAGE);
    expect(third.retryAfterMs).toBeGreaterThan(0);
    expect(third.retryAfterMs).toBe(HOUR / 2);
    expect(tx.deliveries.has('d-3')).toBe(false);
    expect(tx.deliveries).toEqual(deliveriesBefore);
    expect(tx.tats).toEqual(tatsBefore);
    expect(tx.tasks.size).toBe(1);
  });

  it('a refused delivery redelivered later is evaluated again, not treated as a duplicate', () => {
    const { tx, clock, intake } = setup({ limit: 2, windowMs: HOUR });
    intake(published('d-1'));
    intake(published('d-2'));
    const refused = intake(published('d-3'));
    if (refused.outcome !== 'rate-limited') throw new Error(`expected rate-limited, got ${refused.outcome}`);

    // still refused just before the retry time, and still not remembered
    clock.advance(refused.retryAfterMs - 1);
    expect(intake(published('d-3')).outcome).toBe('rate-limited');

    clock.advance(1);
    const redelivered = accepted(intake(published('d-3')));
    expect(tx.deliveries.get('d-3')).toMatchObject({ outcome: 'accepted', taskId: redelivered.taskId });
    // and now it is remembered
    expect(intake(published('d-3')).outcome).toBe('duplicate');
  });

  it('counts per image name: another image is not limited by the first one', () => {
    const { tx, intake } = setup({ limit: 1, windowMs: HOUR });
    expect(intake(published('d-1')).outcome).toBe('accepted');
    expect(intake(published('d-2')).outcome).toBe('rate-limited');
    const other = intake(
      published('d-3', { meaning: publishedMeaning(`ghcr.io/acme-corp/api:stable@${DIGEST_A}`) }),
    );
    expect(other.outcome).toBe('accepted');
    expect([...tx.tats.keys()].sort()).toEqual(
      [`${IMAGE_RATE_SCOPE}\nghcr.io/acme-corp/api`, `${IMAGE_RATE_SCOPE}\nghcr.io/acme-corp/web-app`].sort(),
    );
  });

  it('the key is the image name, so other tags of the same image share the allowance', () => {
    const { intake } = setup({ limit: 1, windowMs: HOUR });
    expect(intake(published('d-1')).outcome).toBe('accepted');
    const edge = intake(
      published('d-2', { meaning: publishedMeaning(`ghcr.io/acme-corp/web-app:edge@${DIGEST_A}`) }),
    );
    expect(edge.outcome).toBe('rate-limited');
  });

  it('a disabled limit (0) never refuses and stores no rate state', () => {
    const { tx, intake } = setup({ limit: 0, windowMs: 1 });
    for (let i = 0; i < 100; i++) expect(intake(published(`d-${i}`)).outcome).toBe('accepted');
    expect(tx.tats.size).toBe(0);
    expect(tx.tasks.size).toBe(1);
  });
});
