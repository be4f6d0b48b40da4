/**
 * A token's unit patterns on every route that moves or decides for a unit: a dry run, force-stop, retry,
 * approve, reject, skip and snooze are refused (403 naming the unit and the token's patterns) for a unit
 * outside them, and succeed for a unit inside them. A task whose units are not known until it runs is refused
 * to a restricted token. Approve and retry done with a token name the token on the task and the event rows.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiTaskDetail, CreatedToken, EventsPage, TaskActionReply } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { injectEvent, packagePublished } from '../helpers/github.js';

const WEB = 'web-app.service';
const DB = 'db.service';
const WEB_REF = 'ghcr.io/acme/web-app:stable';
const DB_REF = 'ghcr.io/acme/db:stable';

let t: FakeTestApp;
let token: string;

beforeEach(async () => {
  t = await buildFakeApp({ PODUP_COALESCE_WINDOW: '0', PODUP_RATE_LIMIT_IMAGE: 'off' });
  t.host.push(WEB_REF, 'web-1');
  t.host.push(DB_REF, 'db-1');
  t.host.addUnit(WEB, WEB_REF, { labels: { 'podup.policy': 'approve' } });
  t.host.addUnit(DB, DB_REF, { labels: { 'podup.policy': 'approve' } });
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: adminHeaders,
    payload: { name: 'web-bot', scopes: ['read', 'trigger', 'control', 'approve'], units: ['web-*'] },
  });
  expect(res.statusCode, res.body).toBe(201);
  token = CreatedToken.parse(res.json()).token;
});
afterEach(async () => {
  await t.close();
});

const asBot = (url: string, payload: object = {}) =>
  t.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload });
const asAdmin = (method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: adminHeaders, ...(payload ? { payload } : {}) });

async function task(id: string): Promise<ApiTaskDetail> {
  return ApiTaskDetail.parse((await asAdmin('GET', `/api/v1/tasks/${id}`)).json());
}

/** A task for `unit` queued by the admin (its units known from the start). */
async function queued(unit: string): Promise<string> {
  const res = await asAdmin('POST', '/api/v1/tasks', { units: [unit] });
  expect(res.statusCode, res.body).toBe(202);
  return res.json<{ taskId: string }>().taskId;
}

/** A new digest of `ref` delivered by webhook; its task's units are known only once it runs. */
async function delivered(ref: string, version: string): Promise<{ taskId: string; digest: string }> {
  const pushed = t.host.push(ref, version);
  const [owner, name] = ref.replace('ghcr.io/', '').replace(/:.*/, '').split('/');
  const res = await injectEvent(
    t.app,
    'package',
    packagePublished({ owner: owner!, name: name!, tag: 'stable', digest: pushed.digest }),
  );
  expect(res.statusCode, res.body).toBe(202);
  return { taskId: res.json<{ taskId: string }>().taskId, digest: pushed.digest };
}

/** A webhook update of `ref` run until it waits for approval (policy approve). */
async function awaitingApproval(ref: string, version: string): Promise<{ taskId: string; digest: string }> {
  const d = await delivered(ref, version);
  await t.podup.services.runner.runNow(d.taskId);
  expect((await task(d.taskId)).status).toBe('awaiting-approval');
  return d;
}

/** 403 FORBIDDEN whose message names the token, the refused unit and the token's patterns. */
function expectRefused(res: { statusCode: number; body: string }, unit: string): void {
  expect(res.statusCode, res.body).toBe(403);
  const { error } = JSON.parse(res.body) as { error: { code: string; message: string } };
  expect(error.code).toBe('FORBIDDEN');
  expect(error.message).toContain('token web-bot may not');
  expect(error.message).toContain(unit);
  expect(error.message).toContain('(its units: web-*)');
}

describe('unit patterns on each route', () => {
  it('a dry run: refused outside the patterns, a plan inside them', async () => {
    const refused = await asBot('/api/v1/tasks', { units: [DB], dryRun: true });
    expectRefused(refused, DB);
    const ok = await asBot('/api/v1/tasks', { units: [WEB], dryRun: true });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'dry-run' });
  });

  it('force-stop: refused for another unit’s task and for a task whose units are not known yet; allowed for its own', async () => {
    expectRefused(await asBot(`/api/v1/tasks/${await queued(DB)}/force-stop`), DB);

    const { taskId: unknown } = await delivered(WEB_REF, 'web-2');
    const notYet = await asBot(`/api/v1/tasks/${unknown}/force-stop`);
    expect(notYet.statusCode).toBe(403);
    expect(notYet.json().error.message).toBe(
      `token web-bot may not force-stop task ${unknown}: its units are not known until it runs`,
    );
    expect((await task(unknown)).status).toBe('queued');

    const mine = await queued(WEB);
    const ok = await asBot(`/api/v1/tasks/${mine}/force-stop`);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await task(mine)).log.map((l) => l.message).join('\n')).toContain(
      'force-stop requested by web-bot',
    );
  });

  it('retry: refused for another unit’s task; its own names the token as who queued the new task', async () => {
    const db = await queued(DB);
    expect((await asAdmin('POST', `/api/v1/tasks/${db}/stop`)).statusCode).toBe(200);
    const refused = await asBot(`/api/v1/tasks/${db}/retry`);
    expectRefused(refused, DB);

    const web = await queued(WEB);
    expect((await asAdmin('POST', `/api/v1/tasks/${web}/stop`)).statusCode).toBe(200);
    const ok = await asBot(`/api/v1/tasks/${web}/retry`);
    expect(ok.statusCode, ok.body).toBe(202);
    const retryId = TaskActionReply.parse(ok.json()).retryTaskId!;
    const retry = await task(retryId);
    expect(retry).toMatchObject({ actor: 'web-bot', units: [WEB] });
    expect(retry.log.map((l) => l.message)).toContain(`retry of ${web}, queued by web-bot`);
    const events = EventsPage.parse((await asAdmin('GET', `/api/v1/events?task=${retryId}`)).json());
    expect(events.events.map((e) => [e.route, e.actor])).toEqual([['/api/v1/tasks/:id/retry', 'web-bot']]);
  });

  it('approve: refused for another unit’s waiting task; its own is approved by the token, on the task and the event row', async () => {
    const db = await awaitingApproval(DB_REF, 'db-2');
    expectRefused(await asBot(`/api/v1/tasks/${db.taskId}/approve`), DB);
    expect((await task(db.taskId)).status).toBe('awaiting-approval');

    const web = await awaitingApproval(WEB_REF, 'web-2');
    const ok = await asBot(`/api/v1/tasks/${web.taskId}/approve`);
    expect(ok.statusCode, ok.body).toBe(200);
    const approved = await task(web.taskId);
    expect(approved).toMatchObject({ status: 'queued', approvedBy: 'web-bot' });
    expect(approved.log.map((l) => l.message)).toContain(`approved by web-bot for ${web.digest}`);
    const events = EventsPage.parse((await asAdmin('GET', `/api/v1/events?task=${web.taskId}`)).json());
    expect(events.events.filter((e) => e.route === '/api/v1/tasks/:id/approve').map((e) => e.actor)).toEqual([
      'web-bot',
    ]);
  });

  it('reject: refused for another unit’s waiting task, allowed for its own', async () => {
    const db = await awaitingApproval(DB_REF, 'db-2');
    expectRefused(await asBot(`/api/v1/tasks/${db.taskId}/reject`), DB);
    expect((await task(db.taskId)).status).toBe('awaiting-approval');

    const web = await awaitingApproval(WEB_REF, 'web-2');
    const ok = await asBot(`/api/v1/tasks/${web.taskId}/reject`);
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await task(web.taskId)).status).toBe('cancelled');
  });

  it('skip and snooze: refused for a unit outside the patterns, allowed inside them', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expectRefused(await asBot(`/api/v1/units/${DB}/skip`, { digest }), DB);
    expectRefused(await asBot(`/api/v1/units/${DB}/snooze`, { until: '2h' }), DB);
    // Refused before the unit is looked up: a unit that does not exist is a 403 too, never "no such unit".
    expectRefused(await asBot('/api/v1/units/secret.service/snooze', { until: '2h' }), 'secret.service');

    const skip = await asBot(`/api/v1/units/${WEB}/skip`, { digest });
    expect(skip.statusCode, skip.body).toBe(200);
    const snooze = await asBot(`/api/v1/units/${WEB}/snooze`, { until: '2h' });
    expect(snooze.statusCode, snooze.body).toBe(200);
    const events = EventsPage.parse((await asAdmin('GET', '/api/v1/events?actor=web-bot')).json());
    expect(events.events.map((e) => [e.route, e.status])).toEqual(
      expect.arrayContaining([
        ['/api/v1/units/:unit/skip', 200],
        ['/api/v1/units/:unit/snooze', 200],
      ]),
    );
  });
});
