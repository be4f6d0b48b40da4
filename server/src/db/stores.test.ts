import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventRow } from '../domain/events/event.js';
import { parseImageRef } from '../domain/images/image-ref.js';
import type { DeliveryRecord } from '../domain/ports/index.js';
import type { TaskRecord } from '../domain/tasks/task.js';
import { IMAGE_RATE_SCOPE, intakeDelivery, type IntakeDeps } from '../domain/webhooks/intake.js';
import { openDatabase, type Database } from './database.js';
import { QUEUED_FOR_IMAGE_SQL } from './task-store.js';
import type { Stores, UnitOfWork } from '../domain/ports/index.js';
import { createStores } from './stores.js';

let dir: string;
let db: Database;
let reader: Database;
let stores: Stores;
let writes: UnitOfWork;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-stores-test-'));
  const dbPath = join(dir, 'podup.db');
  db = openDatabase({ stateDir: dir, dbPath });
  reader = openDatabase({ stateDir: dir, dbPath, readonly: true });
  ({ stores, writes } = createStores(db));
});

afterEach(() => {
  reader.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = 1_700_000_000_000;
const DIGEST = 'sha256:81a5875901c707ac43082ecebf07d78209a61e3f05b27c4e65d2f8eabb708f95';

const task = (over: Partial<TaskRecord> = {}): TaskRecord => ({
  id: 'tsk_A',
  kind: 'image-update',
  status: 'queued',
  image: 'ghcr.io/acme/app:stable',
  units: null,
  trigger: 'webhook',
  actor: null,
  delivery: 'd-1',
  caller: null,
  reason: 'package published stable@…',
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
  ...over,
});

const event = (over: Partial<EventRow> = {}): EventRow => ({
  ts: T0,
  requestId: 'req-1',
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
  source: '192.0.2.1',
  durationMs: 1.5,
  actor: null,
  ...over,
});

describe('DeliveryStore', () => {
  it('saves and finds a delivery with every field', () => {
    const record: DeliveryRecord = {
      delivery: 'd-1',
      receivedAt: T0,
      event: 'package',
      action: 'published',
      image: 'ghcr.io/acme/app:stable',
      outcome: 'accepted',
      reason: 'why',
      taskId: 'tsk_A',
    };
    stores.deliveries.save(record);
    expect(stores.deliveries.find('d-1')).toEqual(record);
    expect(stores.deliveries.find('d-2')).toBeUndefined();
  });

  it('refuses a second row for the same delivery id', () => {
    const record: DeliveryRecord = {
      delivery: 'd-1',
      receivedAt: T0,
      event: 'ping',
      action: null,
      image: null,
      outcome: 'pong',
      reason: null,
      taskId: null,
    };
    stores.deliveries.save(record);
    expect(() => stores.deliveries.save({ ...record, outcome: 'ignored' })).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(stores.deliveries.find('d-1')?.outcome).toBe('pong');
  });
});

describe('TaskStore', () => {
  it('finds queued tasks of an image through the partial index, not by scanning the queue', () => {
    const plan = db.prepare(`EXPLAIN QUERY PLAN ${QUEUED_FOR_IMAGE_SQL}`).all('ghcr.io/a/b:1') as Array<{
      detail: string;
    }>;
    const details = plan.map((p) => p.detail).join('\n');
    expect(details).toMatch(/USING INDEX tasks_image_queued/);
    expect(details).not.toMatch(/TEMP B-TREE/);
  });

  it('round-trips a task, with units stored as JSON', () => {
    const t = task({ units: ['web.service', 'worker.service'], caller: '192.0.2.9' });
    stores.tasks.create(t);
    expect(stores.tasks.get('tsk_A')).toEqual(t);
    expect(db.prepare('SELECT units FROM tasks').pluck().get()).toBe('["web.service","worker.service"]');
    expect(stores.tasks.get('tsk_missing')).toBeUndefined();
  });

  it('queuedFor matches image, queued status and the unit set (order-insensitive)', () => {
    stores.tasks.create(task({ id: 'tsk_all' }));
    stores.tasks.create(task({ id: 'tsk_units', units: ['b.service', 'a.service'] }));
    stores.tasks.create(task({ id: 'tsk_running', status: 'running', units: ['c.service'] }));
    stores.tasks.create(task({ id: 'tsk_other', image: 'ghcr.io/acme/other:stable' }));

    expect(stores.tasks.queuedFor('ghcr.io/acme/app:stable', null)).toBe('tsk_all');
    expect(stores.tasks.queuedFor('ghcr.io/acme/app:stable', ['a.service', 'b.service'])).toBe('tsk_units');
    expect(stores.tasks.queuedFor('ghcr.io/acme/app:stable', ['a.service'])).toBeUndefined();
    expect(stores.tasks.queuedFor('ghcr.io/acme/app:stable', ['c.service'])).toBeUndefined();
    expect(stores.tasks.queuedFor('ghcr.io/acme/app:edge', null)).toBeUndefined();
  });

  it('queuedFor returns the oldest matching queued task', () => {
    stores.tasks.create(task({ id: 'tsk_new', createdAt: T0 + 10 }));
    stores.tasks.create(task({ id: 'tsk_old', createdAt: T0 }));
    expect(stores.tasks.queuedFor('ghcr.io/acme/app:stable', null)).toBe('tsk_old');
  });
});

describe('RateLimitStore', () => {
  it('returns undefined for an unknown key and upserts the TAT', () => {
    expect(stores.rateLimits.tat('image', 'k')).toBeUndefined();
    stores.rateLimits.setTat('image', 'k', T0);
    stores.rateLimits.setTat('image', 'k', T0 + 60_000);
    stores.rateLimits.setTat('bad-signature', 'k', 7);
    expect(stores.rateLimits.tat('image', 'k')).toBe(T0 + 60_000);
    expect(stores.rateLimits.tat('bad-signature', 'k')).toBe(7);
    expect(db.prepare('SELECT count(*) FROM rate_limits').pluck().get()).toBe(2);
  });

  it('trims a scope: expired rows first, then those expiring soonest, never another scope', () => {
    stores.rateLimits.setTat('bad-signature', 'expired', T0 - 1);
    for (let i = 0; i < 5; i++) stores.rateLimits.setTat('bad-signature', `live-${i}`, T0 + 1000 * (i + 1));
    stores.rateLimits.setTat('image', 'ghcr.io/a/b', T0 - 1);
    expect(stores.rateLimits.trim('bad-signature', 3, T0)).toBe(3);
    expect(
      db.prepare("SELECT key FROM rate_limits WHERE scope = 'bad-signature' ORDER BY key").pluck().all(),
    ).toEqual(['live-2', 'live-3', 'live-4']);
    expect(stores.rateLimits.tat('image', 'ghcr.io/a/b')).toBe(T0 - 1);
    expect(stores.rateLimits.trim('bad-signature', 3, T0)).toBe(0);
  });

  it('keeps a fractional TAT (policies whose interval is not a whole millisecond)', () => {
    const tat = T0 + 3_600_000 / 7;
    stores.rateLimits.setTat('image', 'k', tat);
    expect(stores.rateLimits.tat('image', 'k')).toBe(tat);
  });
});

describe('EventStore', () => {
  it('inserts and lists newest first with every field', () => {
    stores.events.insert(event({ requestId: 'r1' }));
    stores.events.insert(
      event({ requestId: 'r2', delivery: 'd', event: 'package', action: 'published', taskId: 'tsk_A' }),
    );
    const rows = stores.events.list({ limit: 10 });
    expect(rows.map((r) => r.requestId)).toEqual(['r2', 'r1']);
    const { id, ...rest } = rows[0] ?? { id: 0 };
    expect(id).toBeGreaterThan(rows[1]?.id ?? Infinity);
    expect(rest).toEqual({
      ...event({ requestId: 'r2', delivery: 'd', event: 'package', action: 'published', taskId: 'tsk_A' }),
      count: 1,
    });
  });

  it('filters by every column, combined with AND, and by time range and cursor', () => {
    stores.events.insert(event({ requestId: 'a', ts: T0, outcome: 'accepted', status: 202, image: 'img1' }));
    stores.events.insert(
      event({ requestId: 'b', ts: T0 + 10, outcome: 'rejected', status: 401, route: '/x' }),
    );
    stores.events.insert(
      event({ requestId: 'c', ts: T0 + 20, outcome: 'accepted', status: 202, taskId: 't1' }),
    );
    stores.events.insert(
      event({ requestId: 'd', ts: T0 + 30, outcome: 'duplicate', status: 200, delivery: 'dd' }),
    );
    const ids = (q: Parameters<typeof stores.events.list>[0]) =>
      stores.events.list(q).map((r) => r.requestId);

    expect(ids({ limit: 10, outcome: 'accepted' })).toEqual(['c', 'a']);
    expect(ids({ limit: 10, outcome: 'accepted', image: 'img1' })).toEqual(['a']);
    expect(ids({ limit: 10, status: 401 })).toEqual(['b']);
    expect(ids({ limit: 10, route: '/x' })).toEqual(['b']);
    expect(ids({ limit: 10, taskId: 't1' })).toEqual(['c']);
    expect(ids({ limit: 10, delivery: 'dd' })).toEqual(['d']);
    expect(ids({ limit: 10, since: T0 + 10, until: T0 + 30 })).toEqual(['c', 'b']);
    expect(ids({ limit: 2 })).toEqual(['d', 'c']);
    const cursor = stores.events.list({ limit: 2 }).at(-1)?.id;
    expect(ids({ limit: 2, beforeId: cursor })).toEqual(['b', 'a']);
  });
});

describe('intake through the write batcher on SQLite', () => {
  const deps = (now: number, limit = 60): IntakeDeps => {
    let n = 0;
    return {
      clock: { now: () => now },
      ids: { taskId: () => `tsk_${now}_${++n}` },
      imageRateLimit: { limit, windowMs: 3_600_000 },
      coalesceWindowMs: 2000,
    };
  };
  const input = (delivery: string) => ({
    delivery,
    event: 'package',
    meaning: {
      kind: 'published' as const,
      action: 'published',
      source: null,
      image: parseImageRef(`ghcr.io/acme-corp/web-app:stable@${DIGEST}`),
    },
  });

  it('commits delivery, rate state and task together; duplicates and coalescing work against the DB', async () => {
    const d = deps(T0);
    const [first, second, dup] = await Promise.all([
      writes.run((tx) => intakeDelivery(tx, input('d-1'), d)),
      writes.run((tx) => intakeDelivery(tx, input('d-2'), d)),
      writes.run((tx) => intakeDelivery(tx, input('d-1'), d)),
    ]);
    expect(first).toMatchObject({ outcome: 'accepted', coalesced: false });
    expect(second).toMatchObject({ outcome: 'accepted', coalesced: true });
    expect(dup.outcome).toBe('duplicate');
    if (first.outcome !== 'accepted' || second.outcome !== 'accepted') return;
    expect(second.taskId).toBe(first.taskId);

    // visible to another connection once the promises resolved
    expect(reader.prepare('SELECT id, image, status FROM tasks').all()).toEqual([
      { id: first.taskId, image: 'ghcr.io/acme-corp/web-app:stable', status: 'queued' },
    ]);
    expect(reader.prepare('SELECT delivery, task_id FROM deliveries ORDER BY delivery').all()).toEqual([
      { delivery: 'd-1', task_id: first.taskId },
      { delivery: 'd-2', task_id: first.taskId },
    ]);
    expect(reader.prepare('SELECT scope, key FROM rate_limits').all()).toEqual([
      { scope: IMAGE_RATE_SCOPE, key: 'ghcr.io/acme-corp/web-app' },
    ]);
  });

  it('a rate-limited delivery leaves no delivery row behind', async () => {
    const d = deps(T0, 1);
    await writes.run((tx) => intakeDelivery(tx, input('d-1'), d));
    const refused = await writes.run((tx) => intakeDelivery(tx, input('d-2'), d));
    expect(refused.outcome).toBe('rate-limited');
    expect(reader.prepare("SELECT count(*) FROM deliveries WHERE delivery = 'd-2'").pluck().get()).toBe(0);
  });
});
