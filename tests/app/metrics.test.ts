/**
 * GET /metrics through the whole app on the fakes: only a read-scoped credential or PODUP_METRICS_TOKEN gets it
 * (that token opens nothing else), it parses as Prometheus text, and its values move with what podup does:
 * requests, tasks by trigger and status, step durations, rollbacks, the queue, units and "update available",
 * schedules' next runs, the notification outbox (also its given-up deliveries), webhook deliveries by outcome.
 */
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { githubHeaders, injectEvent, packagePublished } from '../helpers/github.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const REF = 'ghcr.io/acme-corp/web-app:stable';
const UNIT = 'web-app.service';

let t: FakeTestApp;
beforeEach(async () => {
  t = await buildFakeApp({
    PODUP_METRICS_TOKEN: METRICS_TOKEN,
    PODUP_HEALTH_WINDOW: '200ms',
    PODUP_NOTIFY: 'json://127.0.0.1:9/hook?events=all',
  });
  t.host.push(REF, 'web-1');
  t.host.addUnit(UNIT, REF);
});
afterEach(async () => {
  await t.close();
});

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/**
 * The families of a scrape. The parser folds a histogram's series into one when they have labels besides
 * `le`, so histograms are parsed once more without their TYPE line: then each `_count` series stands alone.
 */
async function scrape(): Promise<PromFamily[]> {
  const res = await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(METRICS_TOKEN) });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const counts = parsePrometheusTextFormat(res.body.replace(/^# TYPE \S+ histogram$/gm, '')).filter((f) =>
    f.name.endsWith('_count'),
  );
  // Each label set's _count comes between _bucket and _sum lines: one family per name again.
  const merged = new Map<string, PromFamily>();
  for (const f of counts) {
    const m = merged.get(f.name);
    if (m) m.metrics.push(...f.metrics);
    else merged.set(f.name, { ...f, metrics: [...f.metrics] });
  }
  return [...parsePrometheusTextFormat(res.body), ...merged.values()];
}

const family = (families: PromFamily[], name: string): PromFamily => {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`no ${name} in ${families.map((x) => x.name).join(', ')}`);
  return f;
};

/** The sum of `name` over the samples with (at least) these labels (a histogram's count); 0 when none. */
const value = (families: PromFamily[], name: string, labels: Record<string, string> = {}): number =>
  family(families, name)
    .metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((sum, m) => sum + Number(m.value ?? m.count ?? 0), 0);

async function runUpdate(version: string, crashes = false): Promise<void> {
  t.host.push(REF, version, { crashes });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tasks',
    headers: adminHeaders,
    payload: { units: [UNIT] },
  });
  expect(res.statusCode).toBe(202);
  await t.podup.services.runner.runNow(res.json<{ taskId: string }>().taskId);
}

describe('GET /metrics', () => {
  it('answers PODUP_METRICS_TOKEN and read-scoped tokens only; the metrics token opens nothing else', async () => {
    const token = async (scopes: string[]) =>
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/tokens',
          headers: adminHeaders,
          payload: { name: `t-${scopes.join('-')}`, scopes },
        })
      ).json<{ token: string }>().token;
    const get = (headers: Record<string, string>) =>
      t.app.inject({ method: 'GET', url: '/metrics', headers });
    expect((await get({})).statusCode).toBe(401);
    expect((await get(bearer('not-the-metrics-token-00000'))).statusCode).toBe(401);
    expect((await get(bearer(await token(['trigger'])))).statusCode).toBe(403);
    expect((await get(bearer(await token(['read'])))).statusCode).toBe(200);
    expect((await get(bearer(METRICS_TOKEN))).statusCode).toBe(200);
    expect((await get(adminHeaders)).statusCode).toBe(200);
    const other = await t.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: bearer(METRICS_TOKEN) });
    expect(other.statusCode).toBe(401);
  });

  it('parses as Prometheus text with every documented series, and its values move with activity', async () => {
    const before = await scrape();
    expect(family(before, 'podup_build_info').metrics[0]?.labels).toMatchObject({
      version: expect.any(String),
    });
    for (const name of [
      'podup_http_requests_total',
      'podup_tasks_finished_total',
      'podup_update_step_duration_seconds',
      'podup_rollbacks_total',
      'podup_task_queue',
      'podup_units',
      'podup_unit_update_available',
      'podup_schedule_next_run_timestamp_seconds',
      'podup_notification_deliveries',
      'process_cpu_seconds_total',
    ])
      expect(before.map((f) => f.name)).toContain(name);
    expect(family(before, 'podup_update_step_duration_seconds').type).toBe('HISTOGRAM');

    // Listing units asks the registry: the pushed version is newer than what runs.
    await t.app.inject({ method: 'GET', url: '/api/v1/units', headers: adminHeaders });
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: adminHeaders,
      payload: { units: [UNIT], dryRun: true },
    });
    t.host.push(REF, 'web-1b');
    const queued = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: adminHeaders,
      payload: { units: [UNIT] },
    });
    const mid = await scrape();
    expect(value(mid, 'podup_task_queue', { state: 'queued' })).toBe(1);
    expect(value(mid, 'podup_units', { managed: 'true' })).toBe(1);
    expect(value(mid, 'podup_http_requests_total', { route: '/api/v1/tasks', method: 'POST' })).toBe(2);
    await t.podup.services.runner.runNow(queued.json<{ taskId: string }>().taskId);

    await runUpdate('web-2');
    await runUpdate('web-3', true);
    await t.app.inject({ method: 'GET', url: '/api/v1/units', headers: adminHeaders });
    const after = await scrape();
    expect(value(after, 'podup_task_queue', { state: 'queued' })).toBe(0);
    expect(value(after, 'podup_tasks_finished_total', { trigger: 'api', status: 'succeeded' })).toBe(2);
    expect(value(after, 'podup_tasks_finished_total', { trigger: 'api', status: 'rolled-back' })).toBe(1);
    expect(value(after, 'podup_rollbacks_total')).toBe(1);
    for (const step of ['pull', 'restart', 'health'])
      expect(value(after, 'podup_update_step_duration_seconds_count', { step }), step).toBeGreaterThanOrEqual(
        2,
      );
    expect(value(after, 'podup_unit_update_available', { unit: UNIT })).toBe(1);
    // Three task ends for the one channel, none delivered (no dispatcher runs here).
    expect(value(after, 'podup_notification_deliveries', { status: 'pending' })).toBe(3);
    expect(
      value(after, 'podup_http_requests_total', { route: '/metrics', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(2);
  });

  it('counts webhook deliveries by route and outcome: accepted, a ping and a bad signature', async () => {
    const webhook = { route: '/webhooks/github', method: 'POST' };
    const before = await scrape();
    const count = (families: PromFamily[], outcome: string) =>
      value(families, 'podup_http_requests_total', { ...webhook, outcome });
    const pushed = t.host.push(REF, 'web-9');
    const body = packagePublished({
      owner: 'acme-corp',
      name: 'web-app',
      tag: 'stable',
      digest: pushed.digest,
    });
    expect((await injectEvent(t.app, 'package', body)).statusCode).toBe(202);
    // GitHub's ping when the hook is made: answered and counted as such, not as an error.
    expect((await injectEvent(t.app, 'ping', '{"zen":"hi"}')).statusCode).toBeLessThan(300);
    const forged = await t.app.inject({
      method: 'POST',
      url: '/webhooks/github',
      headers: { ...githubHeaders('package', body), 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` },
      payload: body,
    });
    expect(forged.statusCode).toBe(401);

    const after = await scrape();
    const outcomes = family(after, 'podup_http_requests_total')
      .metrics.filter((m) => m.labels?.route === webhook.route)
      .map((m) => `${m.labels?.outcome}=${m.value}`)
      .sort();
    expect(outcomes.length, outcomes.join(' ')).toBeGreaterThanOrEqual(3);
    const moved = (outcome: string) => count(after, outcome) - count(before, outcome);
    expect(moved('accepted'), outcomes.join(' ')).toBe(1);
    expect(moved('pong'), outcomes.join(' ')).toBe(1);
    expect(moved('rejected'), outcomes.join(' ')).toBe(1);
  });

  it("moves the outbox's failed series once a delivery gives up", async () => {
    await t.close();
    t = await buildFakeApp({
      PODUP_METRICS_TOKEN: METRICS_TOKEN,
      PODUP_HEALTH_WINDOW: '200ms',
      PODUP_NOTIFY: 'json://127.0.0.1:9/hook?events=all',
      PODUP_NOTIFY_BACKOFF: '1ms',
      PODUP_NOTIFY_BACKOFF_MAX: '1ms',
      PODUP_NOTIFY_GIVE_UP: '50ms',
    });
    t.host.push(REF, 'web-1');
    t.host.addUnit(UNIT, REF);
    t.adapters.sender.answer('http://127.0.0.1:9/hook', 'down');
    await runUpdate('web-2');
    const pending = await scrape();
    expect(value(pending, 'podup_notification_deliveries', { status: 'pending' })).toBe(1);
    expect(value(pending, 'podup_notification_deliveries', { status: 'failed' })).toBe(0);

    const { dispatcher } = t.podup.services;
    const deadline = Date.now() + 5000;
    while (value(await scrape(), 'podup_notification_deliveries', { status: 'failed' }) === 0) {
      if (Date.now() > deadline) throw new Error('the delivery was never given up');
      await dispatcher.drain();
      await new Promise((r) => setTimeout(r, 10));
    }
    const after = await scrape();
    expect(value(after, 'podup_notification_deliveries', { status: 'failed' })).toBe(1);
    expect(value(after, 'podup_notification_deliveries', { status: 'pending' })).toBe(0);
    expect(t.adapters.sender.attempts).toBeGreaterThanOrEqual(2);
  });

  it("exports each schedule's next run in unix seconds; a paused schedule has none", async () => {
    const add = (payload: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/schedules', headers: adminHeaders, payload });
    expect((await add({ name: 'nightly', cron: '0 3 * * *', zone: 'UTC', action: 'check' })).statusCode).toBe(
      201,
    );
    expect((await add({ name: 'weekly', cron: '0 4 * * 0', zone: 'UTC', action: 'prune' })).statusCode).toBe(
      201,
    );
    await t.app.inject({ method: 'POST', url: '/api/v1/schedules/weekly/pause', headers: adminHeaders });
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/schedules', headers: adminHeaders });
    const nightly = listed
      .json<{ schedules: Array<{ name: string; nextRunAt: string | null }> }>()
      .schedules.find((s) => s.name === 'nightly');
    const series = family(await scrape(), 'podup_schedule_next_run_timestamp_seconds').metrics;
    expect(series.map((m) => m.labels?.schedule)).toEqual(['nightly']);
    expect(Number(series[0]?.value)).toBe(Date.parse(nightly?.nextRunAt ?? '') / 1000);
  });
});
