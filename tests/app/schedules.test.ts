/**
 * Schedules through the whole app on the fake host: created, listed with their next run, run now, paused,
 * deleted; a scheduled check finds a digest pushed without a webhook and applies it per policy; a run missed
 * while podup was down runs once at the next start; one schedule never runs twice at once; the service
 * manager's wake-up timer follows the next time podup is needed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiSchedule, ApiTaskDetail, CronPreview, SchedulesReply } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';

const REF = 'ghcr.io/acme-corp/web-app:stable';
const UNIT = 'web-app.service';
const T0 = Date.parse('2026-11-25T12:00:00Z');

let t: FakeTestApp;

async function setup(env: Record<string, string> = {}, labels: Record<string, string> = {}) {
  vi.useFakeTimers({ toFake: ['Date'], now: T0, shouldAdvanceTime: true });
  t = await buildFakeApp({ PODUP_HEALTH_WINDOW: '300ms', PODUP_COALESCE_WINDOW: '0', ...env });
  t.host.push(REF, 'web-1');
  t.host.addUnit(UNIT, REF, { labels });
}

afterEach(async () => {
  t.podup.services.scheduler.stop();
  await t.close();
  vi.useRealTimers();
});

const api = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
  const res = await t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() };
};

const task = async (id: string) => ApiTaskDetail.parse((await api('GET', `/api/tasks/${id}`)).body);

describe('schedules', () => {
  it('are created with an explicit zone, listed with their next run, edited, paused, resumed and deleted', async () => {
    await setup();
    const created = await api('POST', '/api/schedules', {
      cron: '0 3 * * *',
      zone: 'Europe/Berlin',
      action: 'check',
    });
    expect(created.status).toBe(201);
    expect(ApiSchedule.parse(created.body)).toMatchObject({
      name: 'check-1',
      zone: 'Europe/Berlin',
      units: null,
      nextRunAt: '2026-11-26T02:00:00.000Z',
    });
    const bad = await api('POST', '/api/schedules', { cron: '61 * * * *', action: 'check' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/cron "61 \* \* \* \*"/);
    expect(
      (await api('POST', '/api/schedules', { cron: '* * * * *', zone: 'Mars/Base', action: 'check' })).status,
    ).toBe(400);

    const edited = await api('PUT', '/api/schedules/check-1', {
      cron: '30 4 * * 6',
      zone: 'UTC',
      units: [UNIT],
    });
    expect(edited.body).toMatchObject({
      cron: '30 4 * * 6',
      units: [UNIT],
      nextRunAt: '2026-11-28T04:30:00.000Z',
    });
    expect((await api('POST', '/api/schedules/check-1/pause')).body).toMatchObject({
      paused: true,
      nextRunAt: null,
    });
    expect((await api('POST', '/api/schedules/check-1/resume')).body.nextRunAt).toBe(
      '2026-11-28T04:30:00.000Z',
    );
    const list = SchedulesReply.parse((await api('GET', '/api/schedules')).body);
    expect(list.schedules.map((s) => s.name)).toEqual(['check-1']);
    const preview = CronPreview.parse(
      (await api('GET', '/api/schedules/preview?cron=0%203%20*%20*%20*&zone=UTC')).body,
    );
    expect(preview.next[0]).toBe('2026-11-26T03:00:00.000Z');
    expect((await api('DELETE', '/api/schedules/check-1')).status).toBe(200);
    expect((await api('GET', '/api/schedules')).body.schedules).toEqual([]);
  });

  it('a scheduled check finds a digest pushed without a webhook and applies it (auto)', async () => {
    await setup();
    const pushed = t.host.push(REF, 'web-2');
    await api('POST', '/api/schedules', { name: 'nightly', cron: '0 3 * * *', action: 'check' });
    const ran = await api('POST', '/api/schedules/nightly/run');
    expect(ran.body).toMatchObject({ status: 'ok', summary: expect.stringMatching(/1 with an update/) });
    const detail = await task(ran.body.taskId);
    expect(detail).toMatchObject({ trigger: 'scheduler', caller: 'schedule nightly' });
    await t.podup.services.runner.runNow(ran.body.taskId);
    expect((await task(ran.body.taskId)).status).toBe('succeeded');
    expect(t.host.images.get(t.host.runningImageOf(UNIT) ?? '')?.digest).toBe(pushed.digest);
    const units = (await api('GET', '/api/units')).body.units;
    expect(units[0].check).toMatchObject({ status: 'available', digest: pushed.digest, verdict: 'apply' });
  });

  it('a check of an approve unit parks one task, and the next check does not add another', async () => {
    await setup({}, { 'podup.policy': 'approve' });
    t.host.push(REF, 'web-2');
    await api('POST', '/api/schedules', { name: 'nightly', cron: '0 3 * * *', action: 'check' });
    const first = await api('POST', '/api/schedules/nightly/run');
    await t.podup.services.runner.runNow(first.body.taskId);
    expect((await task(first.body.taskId)).status).toBe('awaiting-approval');
    const second = await api('POST', '/api/schedules/nightly/run');
    expect(second.body).toMatchObject({ taskId: null, summary: expect.stringMatching(/nothing to apply/) });
    const overview = (await api('GET', '/api/overview')).body;
    expect(overview.pendingApprovals.map((x: { id: string }) => x.id)).toEqual([first.body.taskId]);
  });

  it('a prune schedule records a maintenance task of the scheduler', async () => {
    await setup();
    await api('POST', '/api/schedules', { name: 'weekly-prune', cron: '0 4 * * 0', action: 'prune' });
    const ran = await api('POST', '/api/schedules/weekly-prune/run');
    expect(await task(ran.body.taskId)).toMatchObject({
      kind: 'maintenance',
      trigger: 'scheduler',
      status: 'succeeded',
    });
    const listed = await api('GET', '/api/tasks?trigger=scheduler&kind=maintenance');
    expect(listed.body.tasks).toHaveLength(1);
    // The panel's Automatic: the scheduler's updates, not its prunes; and kinds or triggers as a list.
    await api('POST', '/api/schedules', {
      name: 'nightly',
      cron: '0 3 * * *',
      action: 'update',
      units: [UNIT],
    });
    const update = (await api('POST', '/api/schedules/nightly/run')).body.taskId as string;
    const automatic = await api('GET', '/api/tasks?trigger=scheduler&kind=image-update,unit-update');
    expect(automatic.body.tasks.map((x: { id: string }) => x.id)).toEqual([update]);
    const both = await api('GET', '/api/tasks?trigger=scheduler,webhook&kind=unit-update,maintenance');
    expect(both.body.tasks.map((x: { id: string }) => x.id).sort()).toEqual([update, ran.body.taskId].sort());
    expect((await api('GET', '/api/tasks?kind=image-update,nonsense')).status).toBe(400);
  });

  it('a missed run runs once at the next start, not once per miss; the wake-up timer follows', async () => {
    await setup();
    await api('POST', '/api/schedules', {
      name: 'often',
      cron: '*/10 * * * *',
      action: 'update',
      units: [UNIT],
    });
    // podup was down for an hour: six runs missed.
    vi.setSystemTime(T0 + 3_600_000);
    const outcomes = await t.podup.services.scheduler.runDue();
    expect(outcomes).toHaveLength(1);
    expect(await t.podup.services.scheduler.runDue()).toEqual([]);
    const s = (await api('GET', '/api/schedules')).body.schedules[0];
    expect(Date.parse(s.nextRunAt)).toBeGreaterThan(Date.now());
    expect((await api('GET', '/api/tasks?trigger=scheduler')).body.tasks).toHaveLength(1);

    t.podup.services.scheduler.start({ wake: true });
    await vi.waitFor(() => expect(t.host.wakeAt).toBe(Date.parse(s.nextRunAt)));
    expect(t.podup.services.scheduler.canSleep()).toBe(true);
  });

  it('never runs one schedule twice at once', async () => {
    await setup();
    await api('POST', '/api/schedules', { name: 'slow', cron: '0 3 * * *', action: 'check' });
    const lookups = t.host.lookups.length;
    const [a, b] = await Promise.all([
      api('POST', '/api/schedules/slow/run'),
      api('POST', '/api/schedules/slow/run'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(t.host.lookups.length - lookups).toBe(1);
  });

  it('a random delay moves the next run by up to that much', async () => {
    await setup();
    const s = await api('POST', '/api/schedules', { cron: '0 3 * * *', action: 'check', randomDelay: '30m' });
    const next = Date.parse(s.body.nextRunAt);
    expect(next).toBeGreaterThanOrEqual(Date.parse('2026-11-26T03:00:00Z'));
    expect(next).toBeLessThan(Date.parse('2026-11-26T03:30:00Z'));
    expect(s.body.randomDelay).toBe('30m');
  });
});
