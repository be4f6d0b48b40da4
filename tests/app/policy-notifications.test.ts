/**
 * The notifications of update policies and schedules through the whole app on the fake host, read from the
 * outbox (what is written in the transaction of the change, per channel): approval-needed once per task that
 * waits (a parked task, a task split off for its approve unit), update-available once per notify unit and
 * digest whichever path found it first (a webhook's task, a scheduled check), check-failed once per failed run
 * of a check schedule. Each message names the unit, the digest, why, and links the panel; each channel gets
 * only the events it selected.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChannelsReply } from '../../server/src/contract/api.js';
import type { NotificationMessage } from '../../server/src/domain/notifications/message.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { injectEvent, packagePublished } from '../helpers/github.js';

const REF = 'ghcr.io/acme-corp/web-app:stable';
const UNIT = 'web-app.service';
const OTHER = 'web-worker.service';
const T0 = Date.parse('2026-11-25T12:00:00Z');
const PANEL = 'https://podup.example.com';
// Nothing listens on port 9: no dispatcher runs here, the outbox is what is read.
const CHANNELS = [
  'json://127.0.0.1:9/approvals?events=approval-needed',
  'json://127.0.0.1:9/updates?events=update-available,check-failed',
  'json://127.0.0.1:9/defaults',
].join(',');

let t: FakeTestApp;

async function setup(env: Record<string, string> = {}, labels: Record<string, string> = {}) {
  vi.useFakeTimers({ toFake: ['Date'], now: T0, shouldAdvanceTime: true });
  t = await buildFakeApp({
    PODUP_HEALTH_WINDOW: '300ms',
    PODUP_COALESCE_WINDOW: '0',
    PODUP_RATE_LIMIT_IMAGE: 'off',
    PODUP_PUBLIC_URL: PANEL,
    PODUP_NOTIFY: CHANNELS,
    ...env,
  });
  t.host.push(REF, 'web-1');
  t.host.addUnit(UNIT, REF, { labels });
}

afterEach(async () => {
  t.podup.services.scheduler.stop();
  await t.close();
  vi.useRealTimers();
});

const api = async (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => {
  const res = await t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() };
};

/** A package webhook for `digest` (already in the registry); its task run. */
async function webhook(digest: string): Promise<string> {
  const body = packagePublished({ owner: 'acme-corp', name: 'web-app', tag: 'stable', digest });
  const res = await injectEvent(t.app, 'package', body);
  expect(res.statusCode).toBe(202);
  const taskId = res.json<{ taskId: string }>().taskId;
  await t.podup.services.runner.runNow(taskId);
  return taskId;
}

/** A new digest pushed (each push is one), and its webhook. */
async function deliver(version: string): Promise<{ taskId: string; digest: string }> {
  const pushed = t.host.push(REF, version);
  return { taskId: await webhook(pushed.digest), digest: pushed.digest };
}

/** The channel ids by the path of their URL: /approvals, /updates, /defaults. */
async function channelIds(): Promise<Record<string, string>> {
  const { channels } = ChannelsReply.parse((await api('GET', '/api/v1/notifications/channels')).body);
  const byEvents = (events: string[]) => channels.find((c) => c.events.join() === events.join())?.id ?? '?';
  return {
    approvals: byEvents(['approval-needed']),
    updates: byEvents(['update-available', 'check-failed']),
    defaults: channels.find((c) => c.events.length > 2)?.id ?? '?',
  };
}

interface Queued {
  event: string;
  message: NotificationMessage;
  channels: string[];
}

/** The outbox: each message once, with the channels it goes to. */
function outbox(event: string): Queued[] {
  const rows = t.podup.db
    .prepare(
      `SELECT n.event, n.message, group_concat(d.channel_id) AS channels
         FROM notifications n JOIN notify_deliveries d ON d.notification_id = n.id
        WHERE n.event = ? GROUP BY n.id ORDER BY n.id`,
    )
    .all(event) as Array<{ event: string; message: string; channels: string }>;
  return rows.map((r) => ({
    event: r.event,
    message: JSON.parse(r.message) as NotificationMessage,
    channels: r.channels.split(',').sort(),
  }));
}

describe('approval-needed', () => {
  it('is written once when a task parks awaiting approval, to the channels that selected it', async () => {
    await setup({}, { 'podup.policy': 'approve' });
    const ids = await channelIds();
    const { taskId, digest } = await deliver('web-2');
    expect((await api('GET', `/api/tasks/${taskId}`)).body.status).toBe('awaiting-approval');
    // The same digest again: its unit already waits in that task, which asks nothing new.
    await webhook(digest);

    const queued = outbox('approval-needed');
    expect(queued).toHaveLength(1);
    expect(queued[0]?.channels).toEqual([ids.approvals, ids.defaults].sort());
    const m = queued[0]?.message;
    expect(m).toMatchObject({
      dedupKey: `approval-needed:${taskId}`,
      taskId,
      title: `${UNIT}: approval needed`,
      link: `${PANEL}/tasks?task=${taskId}`,
    });
    expect(m?.text).toContain(`waits for approval to move to ${digest}`);
    expect(m?.text).toMatch(/why: awaiting approval of sha256:[0-9a-f]+ \(policy approve, label\)/);
    expect(m?.units).toEqual([
      expect.objectContaining({ unit: UNIT, status: 'awaiting-approval', digestAfter: digest }),
    ]);
    expect(outbox('update-available')).toEqual([]);
  });

  it('is written for a task split off for the approve unit, not for the task that goes on', async () => {
    await setup({ PODUP_UNITS: `${OTHER}=${REF};policy=approve` });
    t.host.addUnit(OTHER, REF);
    const { taskId, digest } = await deliver('web-2');
    expect((await api('GET', `/api/tasks/${taskId}`)).body.status).toBe('succeeded');

    const queued = outbox('approval-needed');
    expect(queued).toHaveLength(1);
    const split = queued[0]?.message.taskId ?? '';
    expect(split).not.toBe(taskId);
    expect((await api('GET', `/api/tasks/${split}`)).body).toMatchObject({
      status: 'awaiting-approval',
      units: [OTHER],
      digest,
    });
    expect(queued[0]?.message.title).toBe(`${OTHER}: approval needed`);
    expect(queued[0]?.message.link).toBe(`${PANEL}/tasks?task=${split}`);
  });
});

describe('update-available', () => {
  it('is written once per notify unit and digest, from a webhook or a scheduled check', async () => {
    await setup({ PODUP_UNITS: `${UNIT}=${REF};policy=notify` });
    const ids = await channelIds();
    const first = await deliver('web-2');
    await api('POST', '/api/schedules', { name: 'nightly', cron: '0 3 * * *', action: 'check' });
    // The same digest, found again by the check and by another webhook: nothing new.
    expect((await api('POST', '/api/schedules/nightly/run')).body.status).toBe('ok');
    await webhook(first.digest);
    expect(outbox('update-available')).toHaveLength(1);

    // A newer digest, found by the check first.
    const newer = t.host.push(REF, 'web-3');
    expect((await api('POST', '/api/schedules/nightly/run')).body.status).toBe('ok');
    await webhook(newer.digest);

    const queued = outbox('update-available');
    expect(queued.map((q) => q.message.dedupKey)).toEqual([
      `update-available:${UNIT}:${first.digest}`,
      `update-available:${UNIT}:${newer.digest}`,
    ]);
    expect(queued[0]?.channels).toEqual([ids.updates, ids.defaults].sort());
    for (const [i, digest] of [first.digest, newer.digest].entries()) {
      const m = queued[i]?.message;
      expect(m).toMatchObject({ title: `${UNIT}: update available`, link: `${PANEL}/units`, taskId: null });
      expect(m?.text).toContain(`the registry has ${digest} for ${REF}`);
      expect(m?.text).toMatch(/why: update available: sha256:[0-9a-f]+ \(age \d+s?\); policy notify/);
      expect(m?.units).toEqual([expect.objectContaining({ unit: UNIT, digestAfter: digest })]);
    }
    expect(outbox('approval-needed')).toEqual([]);
  });

  it('is not written for an auto unit', async () => {
    await setup();
    await deliver('web-2');
    await api('POST', '/api/schedules', { name: 'nightly', cron: '0 3 * * *', action: 'check' });
    t.host.push(REF, 'web-3');
    await api('POST', '/api/schedules/nightly/run');
    expect(outbox('update-available')).toEqual([]);
  });
});

describe('check-failed', () => {
  it('is written once per failed run of a check schedule, naming the unit and why', async () => {
    await setup();
    const ids = await channelIds();
    await api('POST', '/api/schedules', { name: 'nightly', cron: '0 3 * * *', action: 'check' });
    t.host.lookupErrors.set(REF, new Error('registry answered 503 Service Unavailable'));
    const ran = await api('POST', '/api/schedules/nightly/run');
    expect(ran.body).toMatchObject({
      status: 'failed',
      summary: expect.stringMatching(/not checked: web-app.service: registry: .*503/),
    });
    const queued = outbox('check-failed');
    expect(queued).toHaveLength(1);
    expect(queued[0]?.channels).toEqual([ids.updates, ids.defaults].sort());
    const m = queued[0]?.message;
    expect(m).toMatchObject({ title: 'scheduled check nightly failed', link: `${PANEL}/schedules` });
    expect(m?.text).toMatch(/why: .*web-app\.service: registry: .*503 Service Unavailable/);
    expect(m?.units).toEqual([expect.objectContaining({ unit: UNIT, status: 'unknown' })]);

    // Each failed run is its own message; a run that works again writes none.
    vi.setSystemTime(T0 + 60_000);
    await api('POST', '/api/schedules/nightly/run');
    expect(outbox('check-failed')).toHaveLength(2);
    t.host.lookupErrors.clear();
    expect((await api('POST', '/api/schedules/nightly/run')).body.status).toBe('ok');
    expect(outbox('check-failed')).toHaveLength(2);
  });

  it('is not written for an update schedule', async () => {
    await setup();
    await api('POST', '/api/schedules', { name: 'nightly', cron: '0 3 * * *', action: 'update' });
    t.host.lookupErrors.set(REF, new Error('registry answered 503 Service Unavailable'));
    await api('POST', '/api/schedules/nightly/run');
    expect(outbox('check-failed')).toEqual([]);
  });
});
