/**
 * Update policies on the real test host (real units, Podman, registry; podup in-process on the real adapters):
 * digests pushed to the local registry without a webhook, found by a scheduled check and applied (auto),
 * recorded only (notify), held until approved and then applied (approve), rejected; a cooldown defers and then
 * applies by itself; a window holds work until it opens; skip and snooze hold a scheduled check's work; an
 * approval expires; a webhook obeys the same policy, and one for a notify unit records update-available (a real
 * receiver gets it) and restarts nothing.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTaskDetail, CheckReply, type ScheduleRunReply } from '../../server/src/contract/api.js';
import { adminHeaders, buildTestApp, type TestApp } from '../helpers/app.js';
import { injectEvent, packagePublished } from '../helpers/github.js';
import { Receiver } from '../helpers/receiver.js';
import { containerOf, pushImage, removeUnits, startUnits, writeUnit } from '../helpers/units.js';

const run = randomBytes(3).toString('hex');
let t: TestApp;
let receiver: Receiver;
const units: string[] = [];

beforeAll(async () => {
  receiver = await Receiver.start();
  t = await buildTestApp({
    PODUP_HEALTH_WINDOW: '1s',
    PODUP_COALESCE_WINDOW: '0',
    PODUP_RATE_LIMIT_IMAGE: 'off',
    PODUP_NOTIFY: `${receiver.url('json', '/updates')}?events=update-available`,
  });
  mkdirSync(join(t.stateDir, 'no-quadlets'));
});
afterAll(async () => {
  t.podup.services.runner.stop(5000).catch(() => undefined);
  await t.podup.services.dispatcher.stop();
  await t.close();
  await receiver.close();
  removeUnits(...units);
});

const inject = async <T = any>(
  on: TestApp,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
) => {
  const res = await on.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json<T>() };
};
const api = async <T = any>(method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  inject<T>(t, method, url, payload);
const task = async (id: string) => ApiTaskDetail.parse((await api('GET', `/api/tasks/${id}`)).body);
const reasons = (d: ApiTaskDetail) => d.unitResults.map((u) => u.reason).join('; ');

/** A unit on its own image, v1 running; returns the unit, the repository and a second digest pushed. */
function unitWith(base: string, labels: Record<string, string> = {}) {
  const repo = `acme-corp/${base}-${run}`;
  const v1 = pushImage(repo, 'stable', `${base}-1`);
  const unit = writeUnit(`${base}-${run}`, `ghcr.io/${repo}:stable`, { labels });
  units.push(unit);
  startUnits(unit);
  const v2 = pushImage(repo, 'stable', `${base}-2`);
  return { unit, repo, v1, v2 };
}

/** A scheduled check of one unit, run now; the task it queued. */
async function scheduledCheck(unit: string): Promise<string> {
  const name = `check-${unit.replace(/\.service$/, '')}`.slice(0, 60);
  await api('POST', '/api/schedules', {
    name,
    cron: '0 3 * * *',
    zone: 'UTC',
    action: 'check',
    units: [unit],
  });
  const r = await api<ScheduleRunReply>('POST', `/api/schedules/${name}/run`);
  expect(r.body.taskId, r.body.summary).toBeTruthy();
  return r.body.taskId ?? '';
}

/**
 * Runs the task now, and waits until it has settled: once a test started the runner, it may have claimed the task
 * first (runNow then finds it taken), and the task shows "running" until the runner decided.
 */
async function runTask(id: string): Promise<ApiTaskDetail> {
  await t.podup.services.runner.runNow(id);
  const deadline = Date.now() + 30_000;
  let d = await task(id);
  while ((d.status === 'queued' || d.status === 'running') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    d = await task(id);
  }
  return d;
}

describe('update policies on the real host', () => {
  it('auto: a scheduled check applies a digest pushed without a webhook', async () => {
    const { unit, v2 } = unitWith('pol-auto');
    const done = await runTask(await scheduledCheck(unit));
    expect(done.status, done.log.map((l) => l.message).join('\n')).toBe('succeeded');
    expect(done.trigger).toBe('scheduler');
    expect(containerOf(unit)?.imageDigests).toContain(v2);
  });

  it('notify: recorded as available, nothing applied (a triggered task says why)', async () => {
    const { unit, v1, v2 } = unitWith('pol-notify', { 'podup.policy': 'notify' });
    await api('POST', '/api/schedules', {
      name: 'notify',
      cron: '0 3 * * *',
      action: 'check',
      units: [unit],
    });
    const r = await api<ScheduleRunReply>('POST', '/api/schedules/notify/run');
    expect(r.body).toMatchObject({
      status: 'ok',
      taskId: null,
      summary: expect.stringMatching(/nothing to apply/),
    });
    const triggered = await api('POST', '/api/tasks', { units: [unit] });
    const done = await runTask(triggered.body.taskId);
    expect(done.status).toBe('skipped');
    expect(reasons(done)).toMatch(`update available: ${v2}`);
    expect(containerOf(unit)?.imageDigests).toContain(v1);
    const u = (await api('GET', '/api/units')).body.units.find((x: { unit: string }) => x.unit === unit);
    expect(u.check).toMatchObject({ status: 'available', digest: v2, verdict: 'notify' });
  });

  it('approve: held until approved, then applied; a rejected one never runs', async () => {
    const { unit, repo, v1, v2 } = unitWith('pol-approve', { 'podup.policy': 'approve' });
    const id = await scheduledCheck(unit);
    expect(await runTask(id)).toMatchObject({ status: 'awaiting-approval', digest: v2 });
    expect(containerOf(unit)?.imageDigests).toContain(v1);
    expect((await api('POST', `/api/tasks/${id}/approve`)).status).toBe(200);
    expect((await runTask(id)).status).toBe('succeeded');
    expect(containerOf(unit)?.imageDigests).toContain(v2);

    const v3 = pushImage(repo, 'stable', 'pol-approve-3');
    const second = await api<ScheduleRunReply>(
      'POST',
      `/api/schedules/check-${unit.replace(/\.service$/, '')}/run`,
    );
    const held = await runTask(second.body.taskId ?? '');
    expect(held).toMatchObject({ status: 'awaiting-approval', digest: v3 });
    expect((await api('POST', `/api/tasks/${held.id}/reject`)).body.task.status).toBe('cancelled');
    expect(containerOf(unit)?.imageDigests).toContain(v2);
  });

  it('a webhook obeys the same policy', async () => {
    const { unit, repo, v2 } = unitWith('pol-hook', { 'podup.policy': 'approve' });
    const [owner, name] = repo.split('/') as [string, string];
    const body = packagePublished({ owner, name, tag: 'stable', digest: v2 });
    const res = await injectEvent(t.app, 'package', body);
    expect(res.statusCode).toBe(202);
    const held = await runTask(res.json<{ taskId: string }>().taskId);
    expect(held).toMatchObject({
      status: 'awaiting-approval',
      trigger: 'webhook',
      units: [unit],
      digest: v2,
    });
  });

  it('a cooldown defers the update, which then applies by itself', async () => {
    const { unit, v2 } = unitWith('pol-cool', { 'podup.min-age': '4s' });
    const id = await scheduledCheck(unit);
    const deferred = await runTask(id);
    expect(deferred.status).toBe('deferred');
    expect(deferred.summary).toMatch(/minimum image age 4s \(label\)/);
    t.podup.services.runner.start();
    const deadline = Date.now() + 30_000;
    while ((await task(id)).status !== 'succeeded' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect((await task(id)).status).toBe('succeeded');
    expect(Date.parse((await task(id)).startedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(deferred.notBefore ?? ''),
    );
    expect(containerOf(unit)?.imageDigests).toContain(v2);
  }, 45_000);

  it('a maintenance window holds work until it opens', async () => {
    const { unit, v2 } = unitWith('pol-window');
    // A one-minute window (the shortest there is) opening at a minute boundary at least 20 s away, so the
    // policy, the check and the first run (seconds on a loaded host) all happen before it opens.
    const open = new Date(Math.ceil((Date.now() + 20_000) / 60_000) * 60_000);
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const window = `daily ${hhmm(open)}-${hhmm(new Date(open.getTime() + 60_000))} UTC`;
    expect((await api('PUT', `/api/units/${unit}/policy`, { window })).status).toBe(200);
    const id = await scheduledCheck(unit);
    const held = await runTask(id);
    expect(held).toMatchObject({ status: 'deferred', notBefore: open.toISOString() });
    t.podup.services.runner.start();
    const deadline = open.getTime() + 30_000;
    while ((await task(id)).status !== 'succeeded' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect((await task(id)).status).toBe('succeeded');
    expect(Date.parse((await task(id)).startedAt ?? '')).toBeGreaterThanOrEqual(open.getTime());
    expect(containerOf(unit)?.imageDigests).toContain(v2);
  }, 130_000);

  it('skip a version and snooze a unit: a scheduled check of each holds its work', async () => {
    const { unit, v1, v2 } = unitWith('pol-skip');
    expect((await api('POST', `/api/units/${unit}/skip`, { digest: v2 })).status).toBe(200);
    const check = CheckReply.parse((await api('GET', '/api/check')).body).units.find((u) => u.unit === unit);
    expect(check).toMatchObject({ status: 'available', verdict: 'skip', reason: `version ${v2} skipped` });
    const name = `check-${unit.replace(/\.service$/, '')}`.slice(0, 60);
    await api('POST', '/api/schedules', { name, cron: '0 3 * * *', action: 'check', units: [unit] });
    const skipped = await api<ScheduleRunReply>('POST', `/api/schedules/${name}/run`);
    expect(skipped.body).toMatchObject({
      status: 'ok',
      taskId: null,
      summary: expect.stringMatching(/1 with an update.*; nothing to apply$/),
    });
    // A task asked for anyway meets the same skip.
    const triggered = await runTask((await api('POST', '/api/tasks', { units: [unit] })).body.taskId);
    expect(triggered.status).toBe('skipped');
    expect(reasons(triggered)).toBe(`version ${v2} skipped`);
    expect(containerOf(unit)?.imageDigests).toContain(v1);

    const { unit: other, v1: otherV1 } = unitWith('pol-snooze');
    const snooze = await api('POST', `/api/units/${other}/snooze`, { until: '1h' });
    expect(snooze.status).toBe(200);
    const until = Date.parse(/snoozed until (\S+)$/.exec(snooze.body.message)?.[1] ?? '');
    const snoozed = CheckReply.parse((await api('GET', '/api/check')).body).units.find(
      (u) => u.unit === other,
    );
    expect(snoozed).toMatchObject({ verdict: 'defer', reason: expect.stringMatching(/^snoozed until/) });
    const held = await runTask(await scheduledCheck(other));
    expect(held).toMatchObject({ status: 'deferred', trigger: 'scheduler', units: [other] });
    expect(Date.parse(held.notBefore ?? '')).toBe(until);
    expect(held.summary).toMatch(/^snoozed until /);
    expect(containerOf(other)?.imageDigests).toContain(otherV1);
  });

  it('an approval not given in time expires, and the task never runs', async () => {
    const short = await buildTestApp({
      PODUP_HEALTH_WINDOW: '1s',
      PODUP_COALESCE_WINDOW: '0',
      PODUP_RATE_LIMIT_IMAGE: 'off',
      PODUP_APPROVAL_TTL: '3s',
    });
    try {
      const { unit, v1, v2 } = unitWith('pol-expire', { 'podup.policy': 'approve' });
      const name = `check-${unit.replace(/\.service$/, '')}`.slice(0, 60);
      await inject(short, 'POST', '/api/schedules', {
        name,
        cron: '0 3 * * *',
        action: 'check',
        units: [unit],
      });
      const ran = await inject<ScheduleRunReply>(short, 'POST', `/api/schedules/${name}/run`);
      const id = ran.body.taskId ?? '';
      const parkedFrom = Date.now();
      await short.podup.services.runner.runNow(id);
      const parkedBy = Date.now();
      const detail = async () => ApiTaskDetail.parse((await inject(short, 'GET', `/api/tasks/${id}`)).body);
      const waiting = await detail();
      expect(waiting).toMatchObject({ status: 'awaiting-approval', digest: v2 });
      const expires = Date.parse(waiting.expiresAt ?? '');
      expect(expires).toBeGreaterThanOrEqual(parkedFrom + 3000);
      expect(expires).toBeLessThanOrEqual(parkedBy + 3000);
      short.podup.services.runner.start();
      const deadline = Date.now() + 30_000;
      while ((await detail()).status === 'awaiting-approval' && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 250));
      const expired = await detail();
      expect(expired).toMatchObject({
        status: 'cancelled',
        summary: expect.stringMatching(/approval expired/),
      });
      expect(Date.parse(expired.finishedAt ?? '')).toBeGreaterThanOrEqual(expires);
      expect((await inject(short, 'POST', `/api/tasks/${id}/approve`)).status).toBe(409);
      expect(containerOf(unit)?.imageDigests).toContain(v1);
    } finally {
      await short.podup.services.runner.stop(5000).catch(() => undefined);
      await short.close();
    }
  }, 45_000);

  it('a webhook for a notify unit records update-available, which a real receiver gets, and restarts nothing', async () => {
    const { unit, repo, v1, v2 } = unitWith('pol-hook-notify', { 'podup.policy': 'notify' });
    const before = containerOf(unit);
    const [owner, name] = repo.split('/') as [string, string];
    t.podup.services.dispatcher.start();
    const res = await injectEvent(
      t.app,
      'package',
      packagePublished({ owner, name, tag: 'stable', digest: v2 }),
    );
    expect(res.statusCode).toBe(202);
    const done = await runTask(res.json<{ taskId: string }>().taskId);
    expect(done).toMatchObject({ status: 'skipped', trigger: 'webhook' });
    expect(reasons(done)).toMatch(new RegExp(`^update available: ${v2} \\(age \\S+\\); policy notify$`));
    const deadline = Date.now() + 15_000;
    const sent = () =>
      receiver.requests
        .map(
          (r) => JSON.parse(r.body) as { event: string; units: Array<{ unit: string; digestAfter: string }> },
        )
        .filter((m) => m.event === 'update-available' && m.units[0]?.unit === unit);
    while (sent().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(sent()).toEqual([
      expect.objectContaining({
        event: 'update-available',
        units: [expect.objectContaining({ unit, digestBefore: v1, digestAfter: v2 })],
      }),
    ]);
    // The same container, on the same image: nothing was restarted.
    const after = containerOf(unit);
    expect(after?.id).toBe(before?.id);
    expect(after?.startedAt).toBe(before?.startedAt);
    expect(after?.imageDigests).toContain(v1);
  });
});
