/**
 * Update policies through the whole app on the fake host: a webhook (and the API) meets the same decision as
 * every other path. auto applies, notify records, approve waits for an approval (or a rejection, or expiry),
 * a cooldown and a maintenance window defer, skip and snooze hold, --force overrides and is recorded.
 * Time is the system clock moved by vitest (Date only), as the app reads it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiTaskDetail, CheckReply, UnitsReply } from '../../server/src/contract/api.js';
import { AppError } from '../../server/src/errors.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { injectEvent, packagePublished } from '../helpers/github.js';

const REF = 'ghcr.io/acme-corp/web-app:stable';
const UNIT = 'web-app.service';
const T0 = Date.parse('2026-11-25T12:00:00Z'); // a Wednesday
const H = 3_600_000;

let t: FakeTestApp;

async function setup(env: Record<string, string> = {}, labels: Record<string, string> = {}) {
  vi.useFakeTimers({ toFake: ['Date'], now: T0, shouldAdvanceTime: true });
  t = await buildFakeApp({
    PODUP_HEALTH_WINDOW: '300ms',
    PODUP_COALESCE_WINDOW: '0',
    PODUP_RATE_LIMIT_IMAGE: 'off',
    ...env,
  });
  t.host.push(REF, 'web-1');
  t.host.addUnit(UNIT, REF, { labels });
}

afterEach(async () => {
  await t.close();
  vi.useRealTimers();
});

const api = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
  const res = await t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() };
};

async function deliver(
  version: string,
  options: { created?: number } = {},
): Promise<{ taskId: string; digest: string }> {
  const pushed = t.host.push(REF, version, options);
  return deliverPushed(pushed.digest);
}

/** The webhook of a digest already in the registry. */
async function deliverPushed(digest: string): Promise<{ taskId: string; digest: string }> {
  const body = packagePublished({ owner: 'acme-corp', name: 'web-app', tag: 'stable', digest });
  const res = await injectEvent(t.app, 'package', body);
  expect(res.statusCode).toBe(202);
  return { taskId: res.json<{ taskId: string }>().taskId, digest };
}

async function run(taskId: string): Promise<ApiTaskDetail> {
  await t.podup.services.runner.runNow(taskId);
  return ApiTaskDetail.parse((await api('GET', `/api/tasks/${taskId}`)).body);
}

/** The clock runs on from T0 as the test runs (shouldAdvanceTime): times are compared to the second. */
const near = (iso: string | null | undefined, expected: number) =>
  expect(Math.abs(Date.parse(iso ?? '') - expected)).toBeLessThan(5000);

const running = () => t.host.runningImageOf(UNIT);
const unitView = async () => UnitsReply.parse((await api('GET', '/api/units')).body).units[0];

describe('update policies on every path', () => {
  it('auto (the default) applies a webhook update', async () => {
    await setup();
    const { taskId } = await deliver('web-2');
    expect((await run(taskId)).status).toBe('succeeded');
  });

  it('notify records the update and applies nothing', async () => {
    await setup({ PODUP_UNITS: `${UNIT}=${REF};policy=notify` });
    const before = running();
    const { taskId, digest } = await deliver('web-2');
    const task = await run(taskId);
    expect(task.status).toBe('skipped');
    expect(task.unitResults[0]?.reason).toMatch(
      new RegExp(`update available: ${digest} \\(age 0\\); policy notify`),
    );
    expect(running()).toBe(before);
    // Its next start runs what it runs now: no tag moved, and no image was downloaded for nobody.
    expect(t.host.tags.get(REF)).toBe(before);
    expect(t.host.calls.filter((c) => c.startsWith('pull'))).toEqual([]);
    const u = await unitView();
    expect(u?.updatePolicy.policy).toEqual({ value: 'notify', source: 'config' });
  });

  it('approve holds the task until approved, then applies exactly that digest', async () => {
    await setup({}, { 'podup.policy': 'approve' });
    const before = running();
    const { taskId, digest } = await deliver('web-2');
    const waiting = await run(taskId);
    expect(waiting).toMatchObject({ status: 'awaiting-approval', digest, units: [UNIT] });
    near(waiting.expiresAt, T0 + 7 * 24 * H);
    expect(running()).toBe(before);
    expect(t.host.tags.get(REF)).toBe(before);
    // Nothing downloaded before the approval: a rejection or expiry leaves no image behind.
    expect(t.host.calls.filter((c) => c.startsWith('pull'))).toEqual([]);
    const u = await unitView();
    expect(u?.updatePolicy.policy).toEqual({ value: 'approve', source: 'label' });
    expect(u?.waiting).toEqual([expect.objectContaining({ taskId, status: 'awaiting-approval', digest })]);
    const listed = await api('GET', '/api/tasks?status=awaiting-approval');
    expect(listed.body.tasks.map((x: { id: string }) => x.id)).toEqual([taskId]);

    const approved = await api('POST', `/api/tasks/${taskId}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.task).toMatchObject({ status: 'queued', approvedBy: 'bearer' });
    const done = await run(taskId);
    expect(done.status).toBe('succeeded');
    expect(t.host.images.get(running() ?? '')?.digest).toBe(digest);
    expect(t.host.calls.filter((c) => c.startsWith('pull'))).toEqual([
      `pull ghcr.io/acme-corp/web-app@${digest}`,
    ]);
  });

  it('a rejected or expired approval never runs; a newer digest replaces the waiting one', async () => {
    await setup({ PODUP_APPROVAL_TTL: '1h' }, { 'podup.policy': 'approve' });
    const first = await deliver('web-2');
    await run(first.taskId);
    const second = await deliver('web-3');
    await run(second.taskId);
    const replaced = ApiTaskDetail.parse((await api('GET', `/api/tasks/${first.taskId}`)).body);
    expect(replaced).toMatchObject({ status: 'cancelled' });
    expect(replaced.summary).toMatch(
      new RegExp(`replaced by task ${second.taskId}: .* newer digest ${second.digest}`),
    );

    expect((await api('POST', `/api/tasks/${second.taskId}/reject`)).body.task).toMatchObject({
      status: 'cancelled',
      summary: 'rejected by bearer',
    });
    expect((await api('POST', `/api/tasks/${second.taskId}/approve`)).status).toBe(409);

    const third = await deliver('web-4');
    await run(third.taskId);
    vi.setSystemTime(T0 + 2 * H);
    t.podup.services.runner.start();
    await vi.waitFor(async () =>
      expect((await api('GET', `/api/tasks/${third.taskId}`)).body).toMatchObject({
        status: 'cancelled',
        summary: expect.stringMatching(/approval expired/),
      }),
    );
  });

  it('a minimum image age defers the task, which then applies by itself', async () => {
    await setup({ PODUP_MIN_IMAGE_AGE: '1h' });
    const before = running();
    const { taskId } = await deliver('web-2');
    const deferred = await run(taskId);
    expect(deferred.status).toBe('deferred');
    near(deferred.notBefore, T0 + H);
    expect(deferred.summary).toMatch(/minimum image age 1h \(default\)/);
    expect(running()).toBe(before);
    vi.setSystemTime(T0 + H + 1000);
    t.podup.services.runner.start();
    await vi.waitFor(async () =>
      expect((await api('GET', `/api/tasks/${taskId}`)).body.status).toBe('succeeded'),
    );
    expect(running()).not.toBe(before);
  });

  it("a minimum image age counts from the image's created time when that is later: a future-dated image waits", async () => {
    await setup({ PODUP_MIN_IMAGE_AGE: '1h' });
    const before = running();
    const created = T0 + 3 * H;
    const { taskId, digest } = await deliver('web-2', { created });
    const deferred = await run(taskId);
    expect(deferred).toMatchObject({ status: 'deferred', notBefore: new Date(created + H).toISOString() });
    expect(deferred.summary).toBe(
      "deferred until 2026-11-25T16:00:00Z: minimum image age 1h (default), counted from the image's created time 2026-11-25T15:00:00Z",
    );
    // Read once, for the new digest; the sighting keeps it.
    expect(t.host.createdLookups).toEqual([{ reference: REF, digest }]);

    // An hour after podup first saw it is not enough.
    vi.setSystemTime(T0 + 2 * H);
    expect(await run(taskId)).toMatchObject({ status: 'deferred', notBefore: deferred.notBefore });
    expect(running()).toBe(before);
    expect(t.host.createdLookups).toHaveLength(1);

    vi.setSystemTime(created + H + 1000);
    expect((await run(taskId)).status).toBe('succeeded');
    expect(t.host.images.get(running() ?? '')?.digest).toBe(digest);
  });

  it("podup check and a scheduled check count from the image's created time too; the check records it", async () => {
    await setup({ PODUP_MIN_IMAGE_AGE: '1h' });
    const created = T0 + 3 * H;
    const pushed = t.host.push(REF, 'web-2', { created });
    const reason =
      "deferred until 2026-11-25T16:00:00Z: minimum image age 1h (default), counted from the image's created time 2026-11-25T15:00:00Z";
    const report = CheckReply.parse((await api('GET', '/api/check')).body);
    expect(report.units).toEqual([
      expect.objectContaining({ unit: UNIT, digest: pushed.digest, verdict: 'defer', reason }),
    ]);
    await api('POST', '/api/schedules', { name: 'nightly', cron: '0 3 * * *', action: 'check' });
    const ran = await api('POST', '/api/schedules/nightly/run');
    const asked = t.host.createdLookups.length;
    // The check recorded the created time with the sighting: the task's gate does not ask again.
    expect(await run(ran.body.taskId)).toMatchObject({
      status: 'deferred',
      trigger: 'scheduler',
      notBefore: new Date(created + H).toISOString(),
      summary: reason,
    });
    expect(t.host.createdLookups).toHaveLength(asked);
    t.podup.services.scheduler.stop();
  });

  it('a created time the registry does not give: the age counts from the first sighting, and the task says so', async () => {
    await setup({ PODUP_MIN_IMAGE_AGE: '1h' });
    const pushed = t.host.push(REF, 'web-2', { created: T0 + 3 * H });
    t.host.createdErrors.set(
      pushed.digest,
      new AppError('REGISTRY_UNAVAILABLE', 'registry answered 503 to GET of the config'),
    );
    const { taskId } = await deliverPushed(pushed.digest);
    const deferred = await run(taskId);
    expect(deferred.status).toBe('deferred');
    near(deferred.notBefore, T0 + H);
    expect(deferred.log).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: `created time of ${REF}@${pushed.digest} unknown (registry answered 503 to GET of the config); the minimum image age counts from its first sighting`,
      }),
    );
  });

  it('no minimum image age: the created time is never asked for', async () => {
    await setup();
    const { taskId } = await deliver('web-2', { created: T0 + 3 * H });
    expect((await run(taskId)).status).toBe('succeeded');
    expect(t.host.createdLookups).toEqual([]);
  });

  it('a deferred task that wakes to a newer digest waits for that one instead, and says so', async () => {
    await setup({ PODUP_MIN_IMAGE_AGE: '1h' });
    const { taskId, digest: older } = await deliver('web-2');
    expect(await run(taskId)).toMatchObject({ status: 'deferred', digest: older });
    const newer = t.host.push(REF, 'web-3').digest;
    const woke = T0 + H + 1000;
    vi.setSystemTime(woke);
    const again = await run(taskId);
    expect(again).toMatchObject({ status: 'deferred', digest: newer });
    near(again.notBefore, woke + H);
    expect(again.summary).toMatch(
      new RegExp(
        `^deferred until .*: minimum image age 1h \\(default\\) \\(a newer digest ${newer} replaced ${older}\\)$`,
      ),
    );
    expect(again.log.map((l) => l.message)).toContain(
      `a newer digest ${newer} replaced ${older}, which this task waited for`,
    );
  });

  it('an approved task that finds a newer digest waits for approval of that one, and says so', async () => {
    await setup({}, { 'podup.policy': 'approve' });
    const before = running();
    const { taskId, digest: older } = await deliver('web-2');
    await run(taskId);
    expect((await api('POST', `/api/tasks/${taskId}/approve`)).status).toBe(200);
    const newer = t.host.push(REF, 'web-3').digest;
    const again = await run(taskId);
    expect(again).toMatchObject({ status: 'awaiting-approval', digest: newer, approvedBy: null });
    expect(again.summary).toMatch(new RegExp(`\\(a newer digest ${newer} replaced ${older}\\)$`));
    expect(again.log).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: `a newer digest ${newer} replaced the approved ${older}: approve again`,
      }),
    );
    expect(running()).toBe(before);
  });

  it('a maintenance window holds work until it opens', async () => {
    await setup({ PODUP_MAINTENANCE_WINDOW: 'Sat 02:00-05:00 UTC' });
    const { taskId } = await deliver('web-2');
    const deferred = await run(taskId);
    expect(deferred).toMatchObject({ status: 'deferred', notBefore: '2026-11-28T02:00:00.000Z' });
    vi.setSystemTime(Date.parse('2026-11-28T02:00:01Z'));
    expect((await run(taskId)).status).toBe('succeeded');
  });

  it('skip and snooze hold a unit; --force overrides, and says so', async () => {
    await setup();
    const { taskId, digest } = await deliver('web-2');
    expect((await api('POST', `/api/units/${UNIT}/skip`, { digest })).status).toBe(200);
    expect((await run(taskId)).unitResults[0]?.reason).toBe(`version ${digest} skipped`);

    const snoozed = await api('POST', `/api/units/${UNIT}/snooze`, { until: '2h' });
    expect(snoozed.body.message).toMatch(`${UNIT} snoozed until 2026-11-25T14:00:0`);
    const next = await deliver('web-3');
    const deferred = await run(next.taskId);
    expect(deferred.status).toBe('deferred');
    near(deferred.notBefore, T0 + 2 * H);

    const forced = await api('POST', '/api/tasks', { units: [UNIT], force: true });
    expect(forced.status).toBe(202);
    const task = await run(forced.body.taskId);
    expect(task).toMatchObject({ status: 'succeeded', force: true });
    expect(task.log.map((l) => l.message).join('\n')).toMatch(/--force by bearer/);
    const events = await api('GET', `/api/events?task=${forced.body.taskId}`);
    expect(events.body.events[0].reason).toMatch(/forced by bearer/);
  });

  it('--force is refused to a trigger-scoped token and recorded for the admin', async () => {
    await setup({}, { 'podup.policy': 'off' });
    const created = await api('POST', '/api/v1/tokens', { name: 'ci-bot', scopes: ['trigger', 'read'] });
    expect(created.status).toBe(201);
    const bot = { authorization: `Bearer ${created.body.token as string}` };
    t.host.push(REF, 'web-2');
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: bot,
      payload: { units: [UNIT], force: true },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({
      code: 'FORBIDDEN',
      message: 'token ci-bot may not force past update policies (admin scope)',
    });
    expect((await api('GET', '/api/tasks')).body.tasks).toEqual([]);
    // Without --force the bot's trigger meets the policy like any other.
    const plain = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: bot,
      payload: { units: [UNIT] },
    });
    expect(plain.statusCode).toBe(202);
    const held = await run(plain.json<{ taskId: string }>().taskId);
    expect(held).toMatchObject({ status: 'skipped', force: false });

    const forced = await api('POST', '/api/tasks', { units: [UNIT], force: true });
    expect(forced.status).toBe(202);
    const task = await run(forced.body.taskId);
    expect(task).toMatchObject({ status: 'succeeded', force: true });
    expect(task.log).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'policy: forced: policy off (label) overridden',
      }),
    );
    const events = await api('GET', `/api/events?task=${forced.body.taskId}`);
    expect(events.body.events[0].reason).toBe('forced by bearer: update policies overridden');
  });

  it('a runtime override beats the label and shows where each part came from', async () => {
    await setup({ PODUP_MIN_IMAGE_AGE: '2h' }, { 'podup.policy': 'approve' });
    const res = await api('PUT', `/api/units/${UNIT}/policy`, {
      policy: 'notify',
      window: 'Sat 02:00-05:00 UTC',
    });
    expect(res.status).toBe(200);
    expect((await unitView())?.updatePolicy).toMatchObject({
      policy: { value: 'notify', source: 'override' },
      minAge: { value: '2h', source: 'default' },
      windows: { value: ['Sat 02:00-05:00 UTC'], source: 'override' },
    });
    expect((await api('PUT', `/api/units/${UNIT}/policy`, { policy: 'sometimes' })).status).toBe(400);
    expect((await api('PUT', '/api/units/nope.service/policy', { policy: 'off' })).status).toBe(404);
  });

  it('podup check says what would update and why not, and changes nothing', async () => {
    await setup({}, { 'podup.policy': 'approve' });
    const pushed = t.host.push(REF, 'web-2');
    const report = CheckReply.parse((await api('GET', '/api/check')).body);
    expect(report.units).toEqual([
      expect.objectContaining({ unit: UNIT, status: 'available', digest: pushed.digest, verdict: 'approve' }),
    ]);
    expect((await api('GET', '/api/tasks')).body.tasks).toEqual([]);
  });
});
