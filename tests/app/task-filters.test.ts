/**
 * The tasks list's categories against the server (the panel's All / Manual / Webhook / Automatic / Maintenance):
 * several triggers in one filter, and the maintenance kind, on tasks each path really created.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TasksPage } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { injectEvent, packagePublished } from '../helpers/github.js';

const REF = 'ghcr.io/acme-corp/web-app:stable';
const UNIT = 'web-app.service';

let t: FakeTestApp;
/** The id of the task each path created. */
const ids: Record<'webhook' | 'api' | 'scheduled' | 'prune', string> = {
  webhook: '',
  api: '',
  scheduled: '',
  prune: '',
};

const api = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const res = await t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() };
};

const listed = async (query: string) => {
  const res = await api('GET', `/api/tasks?${query}`);
  expect(res.status).toBe(200);
  const page = TasksPage.parse(res.body);
  return { ids: page.tasks.map((x) => x.id), total: page.total };
};

beforeEach(async () => {
  t = await buildFakeApp({
    PODUP_HEALTH_WINDOW: '300ms',
    PODUP_COALESCE_WINDOW: '0',
    PODUP_RATE_LIMIT_IMAGE: 'off',
  });
  t.host.push(REF, 'web-1');
  t.host.addUnit(UNIT, REF);
  const pushed = t.host.push(REF, 'web-2');
  const hook = await injectEvent(
    t.app,
    'package',
    packagePublished({ owner: 'acme-corp', name: 'web-app', tag: 'stable', digest: pushed.digest }),
  );
  expect(hook.statusCode).toBe(202);
  ids.webhook = hook.json<{ taskId: string }>().taskId;
  // Each later task is created after the one before (the list is newest first).
  await t.podup.services.runner.runNow(ids.webhook);
  ids.api = (await api('POST', '/api/tasks', { units: [UNIT] })).body.taskId;
  await t.podup.services.runner.runNow(ids.api);
  await api('POST', '/api/schedules', {
    name: 'nightly',
    cron: '0 3 * * *',
    action: 'update',
    units: [UNIT],
  });
  ids.scheduled = (await api('POST', '/api/schedules/nightly/run')).body.taskId;
  await t.podup.services.runner.runNow(ids.scheduled);
  await api('POST', '/api/schedules', { name: 'weekly-prune', cron: '0 4 * * 0', action: 'prune' });
  ids.prune = (await api('POST', '/api/schedules/weekly-prune/run')).body.taskId;
});

afterEach(async () => {
  t.podup.services.scheduler.stop();
  await t.close();
});

describe('the tasks list filters', () => {
  it('takes several comma-separated triggers', async () => {
    expect(new Set(Object.values(ids)).size).toBe(4);
    expect(await listed('trigger=webhook,scheduler')).toEqual({
      ids: [ids.prune, ids.scheduled, ids.webhook],
      total: 3,
    });
    expect(await listed('trigger=webhook')).toEqual({ ids: [ids.webhook], total: 1 });
    // The panel's "Manual".
    expect(await listed('trigger=api,cli,retry')).toEqual({ ids: [ids.api], total: 1 });
    expect(await listed('trigger=cli')).toEqual({ ids: [], total: 0 });
    expect(await listed('')).toEqual({ ids: [ids.prune, ids.scheduled, ids.api, ids.webhook], total: 4 });
  });

  it('the Maintenance category is the maintenance kind, whoever started it', async () => {
    expect(await listed('kind=maintenance')).toEqual({ ids: [ids.prune], total: 1 });
    expect(await listed('trigger=scheduler&kind=maintenance')).toEqual({ ids: [ids.prune], total: 1 });
    expect(await listed('trigger=webhook&kind=maintenance')).toEqual({ ids: [], total: 0 });
  });

  it('refuses a trigger or kind it does not know', async () => {
    for (const query of ['trigger=webhook,nope', 'trigger=', 'kind=cleanup']) {
      const res = await api('GET', `/api/tasks?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code, query).toBe('INVALID_QUERY');
    }
  });
});
