/**
 * The outbox's promise for the notices of policies, schedules and health, through the whole app on the fakes and
 * a real SQLite state: each is written in the transaction of the state change that causes it, so a refused
 * outbox write rolls the state change back, a refused state write leaves no notice, and once the store takes
 * writes again both are recorded, once. approval-needed (the runner's policy gate parks a task), update-available
 * (the gate skips a notify unit; a check records what it found), check-failed (a scheduled check run's end),
 * degraded (the health watch's episode). The fault is injected on the SQLite stores' prototypes, the way a full
 * disk refuses one statement; product code has no branch for it. (Task ends: domain/tasks/runner-faults.test.ts.)
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SqliteMetaStore } from '../../server/src/db/meta-store.js';
import { SqliteOutboxStore } from '../../server/src/db/outbox-store.js';
import { SqliteTaskStore } from '../../server/src/db/task-store.js';
import { SqliteUnitCheckStore } from '../../server/src/db/digest-store.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { injectEvent, packagePublished } from '../helpers/github.js';

const REF = 'ghcr.io/acme-corp/web-app:stable';
const UNIT = 'web-app.service';

let t: FakeTestApp;
afterEach(async () => {
  vi.restoreAllMocks();
  await t.close();
});

const diskFull = () => {
  throw Object.assign(new Error('database or disk is full (injected)'), { code: 'SQLITE_FULL' });
};
/** The outbox refuses its next write. */
const outboxRefusesOnce = () => vi.spyOn(SqliteOutboxStore.prototype, 'add').mockImplementationOnce(diskFull);

async function setup(labels: Record<string, string> = {}, env: Record<string, string> = {}): Promise<void> {
  t = await buildFakeApp({
    PODUP_COALESCE_WINDOW: '0',
    PODUP_RATE_LIMIT_IMAGE: 'off',
    // Nothing listens on port 9 and no dispatcher runs: the outbox is what is read.
    PODUP_NOTIFY: 'json://127.0.0.1:9/ops?events=all',
    ...env,
  });
  t.host.push(REF, 'web-1');
  t.host.addUnit(UNIT, REF, { labels });
}

const notices = (): Array<{ event: string; dedupKey: string }> => {
  t.podup.state.writes.flush();
  return t.podup.db
    .prepare('SELECT event, dedup_key AS dedupKey FROM notifications ORDER BY id')
    .all() as Array<{ event: string; dedupKey: string }>;
};
const taskStatus = (id: string) =>
  (t.podup.db.prepare('SELECT status FROM tasks WHERE id = ?').get(id) as { status: string }).status;

/** A webhook for a new digest of REF; its task, not yet run. */
async function delivered(version: string): Promise<{ taskId: string; digest: string }> {
  const pushed = t.host.push(REF, version);
  const res = await injectEvent(
    t.app,
    'package',
    packagePublished({ owner: 'acme-corp', name: 'web-app', tag: 'stable', digest: pushed.digest }),
  );
  expect(res.statusCode, res.body).toBe(202);
  return { taskId: res.json<{ taskId: string }>().taskId, digest: pushed.digest };
}

describe('approval-needed (the runner parks a task awaiting approval)', () => {
  it('an outbox that refuses leaves the task unparked; the next run parks it and writes the notice once', async () => {
    await setup({ 'podup.policy': 'approve' });
    const { taskId } = await delivered('web-2');
    const refused = outboxRefusesOnce();
    await t.podup.services.runner.runNow(taskId);
    expect(refused).toHaveBeenCalledTimes(1);
    expect(taskStatus(taskId)).toBe('queued');
    expect(notices()).toEqual([]);

    await t.podup.services.runner.runNow(taskId);
    expect(taskStatus(taskId)).toBe('awaiting-approval');
    expect(notices()).toEqual([{ event: 'approval-needed', dedupKey: `approval-needed:${taskId}` }]);
  });

  it('a park the store refuses writes no notice', async () => {
    await setup({ 'podup.policy': 'approve' });
    const { taskId } = await delivered('web-2');
    const park = vi.spyOn(SqliteTaskStore.prototype, 'park').mockImplementationOnce(diskFull);
    await t.podup.services.runner.runNow(taskId);
    expect(park).toHaveBeenCalledTimes(1);
    expect(taskStatus(taskId)).not.toBe('awaiting-approval');
    expect(notices()).toEqual([]);
  });
});

describe('update-available', () => {
  it('from the runner: an outbox that refuses leaves the unit unrecorded and the task queued; the next run writes both once', async () => {
    await setup({ 'podup.policy': 'notify' });
    const { taskId, digest } = await delivered('web-2');
    outboxRefusesOnce();
    await t.podup.services.runner.runNow(taskId);
    expect(taskStatus(taskId)).toBe('queued');
    expect(notices()).toEqual([]);
    expect(t.podup.db.prepare('SELECT count(*) FROM task_units WHERE task_id = ?').pluck().get(taskId)).toBe(
      0,
    );

    await t.podup.services.runner.runNow(taskId);
    expect(taskStatus(taskId)).toBe('skipped');
    expect(notices()).toEqual([
      { event: 'update-available', dedupKey: `update-available:${UNIT}:${digest}` },
    ]);
  });

  it('from a check: an outbox that refuses leaves the check unrecorded; the next check writes both once', async () => {
    await setup({ 'podup.policy': 'notify' });
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedules',
      headers: adminHeaders,
      payload: { name: 'nightly', cron: '0 3 * * *', action: 'check', paused: true },
    });
    expect(made.statusCode, made.body).toBe(201);
    const pushed = t.host.push(REF, 'web-2');
    const run = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/schedules/nightly/run', headers: adminHeaders });
    const checks = () => t.podup.db.prepare('SELECT unit, verdict FROM unit_checks').all();

    outboxRefusesOnce();
    const refused = await run();
    expect(refused.statusCode, refused.body).toBe(200);
    // The check's unit of work was refused as a whole: the run failed, with nothing of it recorded.
    expect(refused.json()).toMatchObject({
      status: 'failed',
      summary: expect.stringMatching(/^disk full/),
    });
    expect(checks()).toEqual([]);
    expect(notices().filter((n) => n.event === 'update-available')).toEqual([]);

    const ok = await run();
    expect(ok.json()).toMatchObject({ status: 'ok' });
    expect(checks()).toEqual([{ unit: UNIT, verdict: 'notify' }]);
    expect(notices().filter((n) => n.event === 'update-available')).toEqual([
      { event: 'update-available', dedupKey: `update-available:${UNIT}:${pushed.digest}` },
    ]);
  });

  it('a check record the store refuses writes no notice', async () => {
    await setup({ 'podup.policy': 'notify' });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedules',
      headers: adminHeaders,
      payload: { name: 'nightly', cron: '0 3 * * *', action: 'check', paused: true },
    });
    t.host.push(REF, 'web-2');
    // The check's rows are written first, then its notice: refusing the rows is refusing the transaction.
    vi.spyOn(SqliteUnitCheckStore.prototype, 'record').mockImplementationOnce(diskFull);
    await t.app.inject({ method: 'POST', url: '/api/v1/schedules/nightly/run', headers: adminHeaders });
    expect(notices().filter((n) => n.event === 'update-available')).toEqual([]);
  });
});

describe('check-failed (a scheduled check run fails)', () => {
  it('an outbox that refuses leaves the run unrecorded; the schedule is not left blocked, and the next run writes both', async () => {
    await setup();
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedules',
      headers: adminHeaders,
      payload: { name: 'nightly', cron: '0 3 * * *', action: 'check', paused: true },
    });
    t.host.lookupErrors.set(REF, new Error('registry answered 503 Service Unavailable'));
    const run = () =>
      t.app.inject({ method: 'POST', url: '/api/v1/schedules/nightly/run', headers: adminHeaders });
    const lastRun = () =>
      t.podup.db.prepare('SELECT last_status AS status, last_run_at AS at FROM schedules').get() as {
        status: string | null;
        at: number | null;
      };

    outboxRefusesOnce();
    const refused = await run();
    expect(refused.statusCode).toBeGreaterThanOrEqual(500);
    expect(lastRun()).toEqual({ status: null, at: null });
    expect(notices()).toEqual([]);

    // The refused end left the run's claim behind; this process knows it no longer runs it.
    const again = await run();
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'failed' });
    expect(lastRun().status).toBe('failed');
    expect(notices().map((n) => n.event)).toEqual(['check-failed']);
  });
});

describe('degraded (a part down for PODUP_NOTIFY_DEGRADED_AFTER)', () => {
  const episode = () =>
    JSON.parse(
      (t.podup.db.prepare(`SELECT value FROM meta WHERE key = 'degraded:podman'`).get() as { value: string })
        .value,
    ) as { since: number; notified: boolean };

  async function downLongEnough(): Promise<void> {
    await setup({}, { PODUP_NOTIFY_DEGRADED_AFTER: '100ms' });
    t.host.down.add('podman');
    await t.podup.services.healthWatch.check();
    expect(episode().notified).toBe(false);
    await new Promise((r) => setTimeout(r, 150));
  }

  it('an outbox that refuses leaves the episode unnotified; the next look writes both once', async () => {
    await downLongEnough();
    outboxRefusesOnce();
    await t.podup.services.healthWatch.check();
    expect(episode().notified).toBe(false);
    expect(notices()).toEqual([]);

    await t.podup.services.healthWatch.check();
    await t.podup.services.healthWatch.check();
    expect(episode().notified).toBe(true);
    expect(notices()).toEqual([{ event: 'degraded', dedupKey: `degraded:podman:${episode().since}` }]);
  });

  it('an episode the store refuses takes its notice back with it (the notice is written first)', async () => {
    await downLongEnough();
    const set = vi.spyOn(SqliteMetaStore.prototype, 'set').mockImplementationOnce(diskFull);
    await t.podup.services.healthWatch.check();
    expect(set).toHaveBeenCalled();
    expect(episode().notified).toBe(false);
    expect(notices()).toEqual([]);

    await t.podup.services.healthWatch.check();
    expect(episode().notified).toBe(true);
    expect(notices().map((n) => n.event)).toEqual(['degraded']);
  });
});
