/**
 * Notifications through the whole app on the fakes, to real HTTP receivers on 127.0.0.1: a task's end reaches
 * a signed JSON webhook once (what, why, digests, link); a receiver that is down is retried with backoff until
 * it answers and gets the message once, also across a restart; a message is given up after
 * PODUP_NOTIFY_GIVE_UP; channels added from the API are sealed (their URLs appear in no answer, file or log),
 * "send a test" goes through the outbox in ntfy's, Gotify's and Matrix's formats; ?events= selects; a part
 * down for PODUP_NOTIFY_DEGRADED_AFTER is notified once, even across a restart. (kill -9 of a real podup
 * process: tests/integration/notify-outbox.test.ts.)
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { httpSender } from '../../server/src/adapters/notify/http-sender.js';
import { ApiChannel, ChannelsReply } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { Receiver } from '../helpers/receiver.js';

const NOTIFY_SECRET = 'notify-secret-for-tests-0123456789';
const REF = 'ghcr.io/acme-corp/web-app:stable';
const UNIT = 'web-app.service';
const FAST = {
  PODUP_NOTIFY_SECRET: NOTIFY_SECRET,
  PODUP_NOTIFY_BACKOFF: '40ms',
  PODUP_NOTIFY_BACKOFF_MAX: '150ms',
  PODUP_PUBLIC_URL: 'https://podup.example.com',
  PODUP_HEALTH_WINDOW: '200ms',
  PODUP_COALESCE_WINDOW: '0',
};

let receiver: Receiver;
const apps: FakeTestApp[] = [];
const dirs: string[] = [];

/** A state dir that outlives one app (a restart): removed after the test. */
function sharedStateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'podup-notify-'));
  dirs.push(dir);
  return dir;
}

beforeEach(async () => {
  receiver = await Receiver.start();
});
afterEach(async () => {
  for (const a of apps.splice(0)) {
    await a.podup.services.dispatcher.stop();
    await a.close();
  }
  await receiver.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function app(env: Record<string, string>, stateDir?: string): Promise<FakeTestApp> {
  const a = await buildFakeApp({ ...FAST, ...env }, { sender: httpSender(NOTIFY_SECRET), stateDir });
  apps.push(a);
  return a;
}

async function until<T>(what: string, check: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs an update of UNIT to `version` on the fake host (crashing: it is rolled back); the task id. */
async function runUpdate(a: FakeTestApp, version: string, crashes = false): Promise<string> {
  a.host.push(REF, version, { crashes });
  const res = await a.app.inject({
    method: 'POST',
    url: '/api/v1/tasks',
    headers: adminHeaders,
    payload: { units: [UNIT], reason: `deploy ${version}` },
  });
  expect(res.statusCode, res.body).toBe(202);
  const id = res.json<{ taskId: string }>().taskId;
  expect(await a.podup.services.runner.runNow(id)).toBe(true);
  return id;
}

const channels = async (a: FakeTestApp) =>
  ChannelsReply.parse(
    (
      await a.app.inject({ method: 'GET', url: '/api/v1/notifications/channels', headers: adminHeaders })
    ).json(),
  );

function filesUnder(dir: string): Array<{ path: string; bytes: Buffer }> {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [{ path, bytes: readFileSync(path) }];
  });
}

describe('a task end reaches a signed JSON webhook', () => {
  it('delivers a rollback once, signed with PODUP_NOTIFY_SECRET, with unit, why, digests and a link', async () => {
    const a = await app({ PODUP_NOTIFY: receiver.url('json', '/hooks/podup?events=rolled-back,succeeded') });
    const v1 = a.host.push(REF, 'web-1');
    a.host.addUnit(UNIT, REF);
    a.podup.services.dispatcher.start();

    const id = await runUpdate(a, 'web-2', true);
    const got = await until('the webhook', () => receiver.requests[0]);
    expect(got.method).toBe('POST');
    expect(got.path).toBe('/hooks/podup');
    const expected = createHmac('sha256', NOTIFY_SECRET).update(got.body).digest('hex');
    expect(got.headers['x-podup-signature-256']).toBe(`sha256=${expected}`);
    expect(got.headers['x-podup-event']).toBe('rolled-back');
    expect(got.headers['x-podup-delivery']).toBe(`rolled-back:${id}`);
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({
      version: 1,
      event: 'rolled-back',
      dedupKey: `rolled-back:${id}`,
      taskId: id,
      severity: 'warning',
      title: `${UNIT}: rolled back`,
      link: `https://podup.example.com/tasks?task=${id}`,
    });
    expect(body.units).toEqual([
      expect.objectContaining({ unit: UNIT, status: 'rolled-back', digestBefore: v1.digest }),
    ]);
    expect(body.text).toContain('why: ');
    expect(body.text).toContain(v1.digest.slice(7, 19));

    const ok = await runUpdate(a, 'web-3');
    await until('the second webhook', () => receiver.requests.length === 2);
    expect(JSON.parse(receiver.requests[1]?.body ?? '{}')).toMatchObject({ event: 'succeeded', taskId: ok });
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.requests).toHaveLength(2);
  });
});

describe('never lost', () => {
  it('retries a receiver that is down with backoff; once it is back the message arrives once', async () => {
    const a = await app({ PODUP_NOTIFY: receiver.url('json', '/hooks/podup?events=all') });
    a.host.push(REF, 'web-1');
    a.host.addUnit(UNIT, REF);
    await receiver.down();
    a.podup.services.dispatcher.start();
    const id = await runUpdate(a, 'web-2');

    await until('three failed attempts', () => {
      const row = a.podup.db.prepare('SELECT attempts, status, last_error FROM notify_deliveries').get() as
        { attempts: number; status: string; last_error: string } | undefined;
      return row && row.attempts >= 3 ? row : undefined;
    });
    const view = await channels(a);
    expect(view.channels[0]?.counts.pending).toBe(1);
    expect(view.channels[0]?.recent[0]).toMatchObject({ status: 'pending', dedupKey: `succeeded:${id}` });
    expect(view.channels[0]?.recent[0]?.lastError).toContain('unreachable');
    expect(view.channels[0]?.recent[0]?.lastError).not.toContain('/hooks');

    await receiver.up();
    await until('the delivery', () => receiver.requests.length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests.map((r) => r.headers['x-podup-delivery'])).toEqual([`succeeded:${id}`]);
    expect((await channels(a)).channels[0]?.recent[0]).toMatchObject({ status: 'delivered' });
  });

  it('keeps what was queued across a restart and delivers it once after', async () => {
    const env = { PODUP_NOTIFY: receiver.url('json', '/hooks/podup?events=all') };
    const dir = sharedStateDir();
    const first = await app(env, dir);
    first.host.push(REF, 'web-1');
    first.host.addUnit(UNIT, REF);
    await receiver.down();
    const id = await runUpdate(first, 'web-2');
    await first.podup.services.dispatcher.drain();
    apps.splice(apps.indexOf(first), 1);
    await first.close();

    await receiver.up();
    const second = await app(env, dir);
    second.podup.services.dispatcher.start();
    await until('the delivery after the restart', () => receiver.requests.length > 0);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.requests.map((r) => r.headers['x-podup-delivery'])).toEqual([`succeeded:${id}`]);
  });

  it('gives a message up after PODUP_NOTIFY_GIVE_UP and says so', async () => {
    const a = await app({
      PODUP_NOTIFY: receiver.url('json', '/x?events=all'),
      PODUP_NOTIFY_GIVE_UP: '250ms',
    });
    a.host.push(REF, 'web-1');
    a.host.addUnit(UNIT, REF);
    receiver.answer(500);
    a.podup.services.dispatcher.start();
    await runUpdate(a, 'web-2');
    await until('given up', () => {
      const row = a.podup.db.prepare(`SELECT status FROM notify_deliveries`).get() as { status: string };
      return row.status === 'failed';
    });
    const view = await channels(a);
    expect(view.channels[0]?.counts).toMatchObject({ failed: 1, pending: 0 });
    expect(view.channels[0]?.recent[0]).toMatchObject({
      lastStatus: 500,
      lastError: 'json answered HTTP 500',
    });
  });
});

describe('channels from the API', () => {
  it('needs PODUP_NOTIFY_SECRET to add one', async () => {
    const a = await buildFakeApp({});
    apps.push(a);
    const res = await a.app.inject({
      method: 'POST',
      url: '/api/v1/notifications/channels',
      headers: adminHeaders,
      payload: { url: 'ntfy://ntfy.sh/topic' },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.hint).toContain('PODUP_NOTIFY_SECRET');
  });

  it('seals the URL, answers only its hint, and sends a test in ntfy, Gotify and Matrix formats', async () => {
    const a = await app({});
    a.podup.services.dispatcher.start();
    const add = async (payload: object) => {
      const res = await a.app.inject({
        method: 'POST',
        url: '/api/v1/notifications/channels',
        headers: adminHeaders,
        payload,
      });
      expect(res.statusCode, res.body).toBe(201);
      return ApiChannel.parse(res.json());
    };
    const ntfy = await add({ name: 'phone', url: receiver.url('ntfy', '/sEcReTtOpIc?scheme=http') });
    const gotify = await add({ url: receiver.url('gotify', '/gotify/AppT0kenXYZ?scheme=http') });
    const matrix = await add({
      url: `matrix://:syt_AccessTokenQQ@127.0.0.1:${receiver.port}/!RoomIdZZ:example.org?scheme=http`,
      events: ['failed', 'degraded'],
    });
    expect(ntfy).toMatchObject({
      name: 'phone',
      kind: 'ntfy',
      source: 'api',
      url: `ntfy://127.0.0.1:${receiver.port}/…`,
    });
    expect(matrix.events).toEqual(['failed', 'degraded']);

    for (const c of [ntfy, gotify, matrix]) {
      const res = await a.app.inject({
        method: 'POST',
        url: `/api/v1/notifications/channels/${c.id}/test`,
        headers: adminHeaders,
      });
      expect(res.statusCode).toBe(202);
    }
    await until('three test messages', () => receiver.requests.length === 3);
    const by = (path: string) => receiver.requests.find((r) => r.path.startsWith(path));
    expect(receiver.requests.map((r) => `${r.method} ${r.path.split('/send/')[0]}`).sort()).toEqual(
      [
        'POST /',
        'POST /gotify/message',
        `PUT /_matrix/client/v3/rooms/${encodeURIComponent('!RoomIdZZ:example.org')}`,
      ].sort(),
    );
    expect(JSON.parse(receiver.requests.find((r) => r.path === '/')?.body ?? '{}')).toMatchObject({
      topic: 'sEcReTtOpIc',
      title: 'podup test notification',
    });
    expect(by('/gotify')?.headers['x-gotify-key']).toBe('AppT0kenXYZ');
    expect(JSON.parse(by('/gotify')?.body ?? '{}')).toMatchObject({
      title: 'podup test notification',
      priority: 2,
    });
    const m = by('/_matrix');
    expect(m?.headers.authorization).toBe('Bearer syt_AccessTokenQQ');
    expect(JSON.parse(m?.body ?? '{}')).toMatchObject({ msgtype: 'm.text' });

    const listed = await channels(a);
    const text = JSON.stringify(listed);
    expect(listed.channels.map((c) => c.recent[0]?.status)).toEqual(['delivered', 'delivered', 'delivered']);
    a.podup.state.writes.flush();
    for (const secret of ['sEcReTtOpIc', 'AppT0kenXYZ', 'syt_AccessTokenQQ']) {
      expect(text).not.toContain(secret);
      expect(a.logs.join('\n')).not.toContain(secret);
      for (const { path, bytes } of filesUnder(a.stateDir)) expect(bytes.includes(secret), path).toBe(false);
    }
  });

  it('changes events, removes a channel (its pending deliveries dropped), and keeps PODUP_NOTIFY read-only', async () => {
    const a = await app({ PODUP_NOTIFY: receiver.url('json', '/env') });
    const env = (await channels(a)).channels[0];
    expect(env).toMatchObject({ source: 'env', url: `json://127.0.0.1:${receiver.port}/…` });
    expect(env?.events).not.toContain('succeeded');
    const patchEnv = await a.app.inject({
      method: 'PATCH',
      url: `/api/v1/notifications/channels/${env?.id}`,
      headers: adminHeaders,
      payload: { events: ['succeeded'] },
    });
    expect(patchEnv.statusCode).toBe(409);

    const created = ApiChannel.parse(
      (
        await a.app.inject({
          method: 'POST',
          url: '/api/v1/notifications/channels',
          headers: adminHeaders,
          payload: { url: receiver.url('jsons', '/api-channel') },
        })
      ).json(),
    );
    const patched = await a.app.inject({
      method: 'PATCH',
      url: `/api/v1/notifications/channels/${created.id}`,
      headers: adminHeaders,
      payload: { events: ['succeeded'], name: 'deploys' },
    });
    expect(patched.json()).toMatchObject({ name: 'deploys', events: ['succeeded'] });

    a.host.push(REF, 'web-1');
    a.host.addUnit(UNIT, REF);
    await runUpdate(a, 'web-2');
    const before = await channels(a);
    expect(before.channels.map((c) => [c.source, c.counts.pending])).toEqual([
      ['env', 0],
      ['api', 1],
    ]);
    const del = await a.app.inject({
      method: 'DELETE',
      url: `/api/v1/notifications/channels/${created.id}`,
      headers: adminHeaders,
    });
    expect(del.statusCode).toBe(204);
    expect((await channels(a)).channels).toHaveLength(1);
    const dropped = a.podup.db.prepare(`SELECT status FROM notify_deliveries`).all();
    expect(dropped).toEqual([{ status: 'dropped' }]);
  });
});

describe('podup degraded', () => {
  it('notifies a part down for PODUP_NOTIFY_DEGRADED_AFTER once, also across a restart', async () => {
    const env = { PODUP_NOTIFY: receiver.url('json', '/ops'), PODUP_NOTIFY_DEGRADED_AFTER: '100ms' };
    const dir = sharedStateDir();
    const a = await app(env, dir);
    a.host.down.add('podman');
    await a.podup.services.healthWatch.check();
    await a.podup.services.dispatcher.drain();
    expect(receiver.requests).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 150));
    await a.podup.services.healthWatch.check();
    await a.podup.services.healthWatch.check();
    await a.podup.services.dispatcher.drain();
    expect(receiver.requests).toHaveLength(1);
    const body = JSON.parse(receiver.requests[0]?.body ?? '{}');
    expect(body).toMatchObject({
      event: 'degraded',
      title: 'podup degraded: podman is down',
      severity: 'error',
    });

    apps.splice(apps.indexOf(a), 1);
    await a.close();
    const b = await app(env, dir);
    b.host.down.add('podman');
    await b.podup.services.healthWatch.check();
    await b.podup.services.dispatcher.drain();
    expect(receiver.requests).toHaveLength(1);

    b.host.down.delete('podman');
    await b.podup.services.healthWatch.check();
    expect(b.podup.db.prepare(`SELECT value FROM meta WHERE key = 'degraded:podman'`).get()).toEqual({
      value: '',
    });
  });
});
