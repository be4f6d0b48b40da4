/**
 * The admin API behind the task panel, through the whole app on a real SQLite state dir
 * and the fake adapters: sign-in sessions
 * (HttpOnly cookie + CSRF), ForwardAuth, task control (stop / force-stop / retry), the live task log over
 * SSE with Last-Event-ID, overview and settings, and the static app with SPA fallback and no way out of
 * web/dist.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queuedTask, type TaskRecord } from '../../server/src/domain/tasks/task.js';
import { Overview, Session, Settings, TaskActionReply, TasksPage } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type TestApp } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET } from '../helpers/github.js';

let t: TestApp | undefined;
let dist: string;

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'podup-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>podup</title><div id="root"></div>');
  writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log("app")');
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const app = async (env: Record<string, string | undefined> = {}) => {
  const fake = await buildFakeApp({ PODUP_WEB_DIST: dist, ...env });
  t = fake;
  return fake;
};

function task(over: Partial<TaskRecord> = {}): TaskRecord {
  const now = Date.now();
  return queuedTask({
    id: `tsk_${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    kind: 'image-update',
    status: 'queued',
    image: 'ghcr.io/acme/app:stable',
    units: null,
    trigger: 'webhook',
    delivery: null,
    caller: null,
    reason: null,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    notBefore: null,
    ...over,
  });
}

const cookieOf = (setCookie: string | string[] | undefined): string => {
  const c = (Array.isArray(setCookie) ? setCookie[0] : setCookie) ?? '';
  return c.split(';')[0] ?? '';
};

describe('sign-in sessions', () => {
  it('signs in with the admin token into an HttpOnly, SameSite=Strict cookie; writes need the CSRF header', async () => {
    const { app: a } = await app();
    const anon = Session.parse((await a.inject({ method: 'GET', url: '/api/session' })).json());
    expect(anon).toEqual({ authenticated: false, method: 'none', user: null, csrfToken: null });

    const wrong = await a.inject({
      method: 'POST',
      url: '/api/session',
      payload: { token: 'not-the-token' },
    });
    expect(wrong.statusCode).toBe(401);

    const ok = await a.inject({ method: 'POST', url: '/api/session', payload: { token: ADMIN_TOKEN } });
    expect(ok.statusCode).toBe(200);
    const setCookie = String(ok.headers['set-cookie']);
    expect(setCookie).toMatch(/^podup_session=[\w-]{40,};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toContain(ADMIN_TOKEN);
    const session = Session.parse(ok.json());
    expect(session).toMatchObject({ authenticated: true, method: 'cookie' });
    const cookie = cookieOf(ok.headers['set-cookie']);

    expect((await a.inject({ method: 'GET', url: '/api/tasks', headers: { cookie } })).statusCode).toBe(200);
    const me = Session.parse(
      (await a.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).json(),
    );
    expect(me.csrfToken).toBe(session.csrfToken);

    const noCsrf = await a.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { cookie },
      payload: { all: true },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('CSRF_FAILED');
    const badCsrf = await a.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { cookie, 'x-csrf-token': 'guess' },
      payload: { all: true },
    });
    expect(badCsrf.statusCode).toBe(403);
    // With the token the request is authorised (and then answered on its merits: no unit is known here).
    const withCsrf = await a.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { cookie, 'x-csrf-token': session.csrfToken ?? '' },
      payload: { all: true },
    });
    expect(withCsrf.statusCode).not.toBe(403);
    expect(withCsrf.statusCode).not.toBe(401);

    const out = await a.inject({ method: 'DELETE', url: '/api/session', headers: { cookie } });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/podup_session=;/);
    expect((await a.inject({ method: 'GET', url: '/api/tasks', headers: { cookie } })).statusCode).toBe(401);
  });

  it('the database stores no session id, and changing the admin token ends every session', async () => {
    const first = await app();
    const ok = await first.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { token: ADMIN_TOKEN },
    });
    const cookie = cookieOf(ok.headers['set-cookie']);
    const id = cookie.split('=')[1] ?? '';
    expect(first.podup.db.prepare('SELECT count(*) FROM sessions WHERE id_hash = ?').pluck().get(id)).toBe(0);
    const dir = first.stateDir;
    await first.app.close();
    await first.podup.close();
    t = await buildFakeApp(
      { PODUP_WEB_DIST: dist, PODUP_ADMIN_TOKEN: 'a-brand-new-admin-token-123456' },
      { stateDir: dir },
    );
    expect((await t.app.inject({ method: 'GET', url: '/api/tasks', headers: { cookie } })).statusCode).toBe(
      401,
    );
  });

  it('rate-limits failed sign-ins per address', async () => {
    const { app: a } = await app({ PODUP_RATE_LIMIT_BAD_SIGNATURE: '3/10m' });
    for (let i = 0; i < 3; i++) {
      expect(
        (await a.inject({ method: 'POST', url: '/api/session', payload: { token: `wrong-${i}` } }))
          .statusCode,
      ).toBe(401);
    }
    const limited = await a.inject({ method: 'POST', url: '/api/session', payload: { token: 'wrong-3' } });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The right token is never refused by the limiter.
    const ok = await a.inject({ method: 'POST', url: '/api/session', payload: { token: ADMIN_TOKEN } });
    expect(ok.statusCode).toBe(200);
  });
});

describe('ForwardAuth', () => {
  const env = {
    PODUP_ADMIN_TOKEN: undefined,
    PODUP_FORWARD_AUTH_HEADER: 'Remote-Groups',
    PODUP_FORWARD_AUTH_VALUE: 'podup-admins',
    PODUP_FORWARD_AUTH_USER_HEADER: 'Remote-User',
    // inject() connects from 127.0.0.1: the proxy.
    PODUP_TRUST_PROXY: '127.0.0.1',
  };

  it('admits the proxy header value, names the user, and still wants CSRF on writes', async () => {
    const { app: a } = await app(env);
    const headers = { 'remote-groups': 'podup-admins', 'remote-user': 'alice' };
    expect(
      (await a.inject({ method: 'GET', url: '/api/tasks', headers: { 'remote-groups': 'users' } }))
        .statusCode,
    ).toBe(401);
    expect((await a.inject({ method: 'GET', url: '/api/tasks', headers })).statusCode).toBe(200);
    const s = Session.parse((await a.inject({ method: 'GET', url: '/api/session', headers })).json());
    expect(s).toMatchObject({ authenticated: true, method: 'forward-auth', user: 'alice' });
    expect(
      (await a.inject({ method: 'POST', url: '/api/tasks', headers, payload: { all: true } })).statusCode,
    ).toBe(403);
    const ok = await a.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: { ...headers, 'x-csrf-token': s.csrfToken ?? '' },
      payload: { all: true },
    });
    expect([403, 401]).not.toContain(ok.statusCode);
  });
});

describe('task control', () => {
  it('stop cancels a queued task; stopping it again is a 409; retry queues a linked copy', async () => {
    const { app: a, podup: rt } = await app();
    const original = task({ units: ['a.service'], kind: 'unit-update', image: null, trigger: 'api' });
    rt.state.stores.tasks.create(original);

    const stop = await a.inject({
      method: 'POST',
      url: `/api/tasks/${original.id}/stop`,
      headers: adminHeaders,
    });
    expect(stop.statusCode).toBe(200);
    expect(TaskActionReply.parse(stop.json())).toMatchObject({
      task: { id: original.id, status: 'cancelled' },
      message: 'cancelled before it started',
    });
    expect(
      (await a.inject({ method: 'POST', url: `/api/tasks/${original.id}/force-stop`, headers: adminHeaders }))
        .statusCode,
    ).toBe(409);

    const retry = await a.inject({
      method: 'POST',
      url: `/api/tasks/${original.id}/retry`,
      headers: adminHeaders,
    });
    expect(retry.statusCode).toBe(202);
    const r = TaskActionReply.parse(retry.json());
    expect(r.task).toMatchObject({
      status: 'queued',
      retryOf: original.id,
      units: ['a.service'],
      kind: 'unit-update',
      trigger: 'retry',
    });
    expect(r.retryTaskId).toBe(r.task.id);
    expect(
      (await a.inject({ method: 'POST', url: `/api/tasks/${r.task.id}/retry`, headers: adminHeaders }))
        .statusCode,
    ).toBe(409);
    expect(
      (await a.inject({ method: 'POST', url: '/api/tasks/tsk_NOPE/stop', headers: adminHeaders })).statusCode,
    ).toBe(404);
  });

  it('stop and force-stop of a running task are recorded for the runner to act on', async () => {
    const { app: a, podup: rt } = await app();
    const running = task({ status: 'running', startedAt: Date.now() });
    rt.state.stores.tasks.create(running);
    const r = await a.inject({
      method: 'POST',
      url: `/api/tasks/${running.id}/force-stop`,
      headers: adminHeaders,
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().message).toMatch(/rolled back/);
    expect(rt.state.stores.tasks.get(running.id)?.stopRequested).toBe('force');
    expect(rt.state.stores.journals.logs(running.id).at(-1)?.message).toMatch(
      /^force-stop requested by bearer/,
    );
  });

  it('text search and filters page through many tasks', async () => {
    const { app: a, podup: rt } = await app();
    for (let i = 0; i < 30; i++)
      rt.state.stores.tasks.create(
        task({
          image: `ghcr.io/acme/svc-${i % 3}:stable`,
          createdAt: 1_700_000_000_000 + i,
          status: i % 2 ? 'succeeded' : 'failed',
        }),
      );
    const get = async (q: string) =>
      TasksPage.parse(
        (await a.inject({ method: 'GET', url: `/api/tasks?${q}`, headers: adminHeaders })).json(),
      );
    expect((await get('q=svc-1&limit=200')).tasks).toHaveLength(10);
    expect(
      (await get('q=svc-1&status=failed&limit=200')).tasks.every(
        (x) => x.status === 'failed' && x.image?.includes('svc-1'),
      ),
    ).toBe(true);
    expect((await get('q=100%25')).tasks).toHaveLength(0);
    const first = await get('limit=20');
    const second = await get(`limit=20&cursor=${first.nextCursor ?? ''}`);
    expect(first.tasks).toHaveLength(20);
    expect(second.tasks).toHaveLength(10);
    expect(new Set([...first.tasks, ...second.tasks].map((x) => x.id)).size).toBe(30);
  });
});

describe('live task log (SSE)', () => {
  it('sends the backlog, then live lines, then end; resumes after Last-Event-ID', async () => {
    const { app: a, podup: rt } = await app();
    const running = task({ status: 'running', startedAt: Date.now() });
    rt.state.stores.tasks.create(running);
    const j = rt.state.stores.journals;
    const first = j.log(running.id, 'info', 'task', 'started');
    j.log(running.id, 'info', 'plan', 'a.service: update');

    await a.listen({ host: '127.0.0.1', port: 0 });
    const address = a.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const url = `http://127.0.0.1:${port}/api/tasks/${running.id}/log`;
    const res = await fetch(url, { headers: adminHeaders });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      const deadline = Date.now() + 5000;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no "${needle}" in:\n${text}`);
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
    };
    await readUntil('a.service: update');
    expect(text).toContain(`id: ${first}\nevent: log\n`);
    j.log(running.id, 'info', 'restart', 'restarted a.service', 'a.service', 120);
    await readUntil('restarted a.service');
    rt.state.stores.tasks.finish(running.id, 'succeeded', '1 succeeded', Date.now());
    await readUntil('event: end');
    expect(text).toMatch(/event: end\ndata: \{"status":"succeeded","summary":"1 succeeded"\}/);

    const resumed = await fetch(url, { headers: { ...adminHeaders, 'last-event-id': String(first) } });
    const all = await resumed.text();
    expect(all).not.toContain('data: {"id":' + first + ',');
    expect(all).toContain('a.service: update');
    expect(all).toContain('event: end');
  });
});

describe('overview and settings', () => {
  it('overview reports parts, counts and units; settings never show a secret', async () => {
    const { app: a, podup: rt } = await app();
    rt.state.stores.tasks.create(task({ status: 'failed', finishedAt: Date.now(), summary: 'x' }));
    const o = Overview.parse(
      (await a.inject({ method: 'GET', url: '/api/overview', headers: adminHeaders })).json(),
    );
    expect(o.counts.failed24h).toBe(1);
    expect(o.health.db.ok).toBe(true);
    expect(o.recentTasks).toHaveLength(1);

    const res = await a.inject({
      method: 'GET',
      url: '/api/settings',
      headers: { ...adminHeaders, host: 'podup.example.net' },
    });
    const s = Settings.parse(res.json());
    expect(s.webhookUrl).toBe('http://podup.example.net/webhooks/github');
    expect(res.body).not.toContain(SECRET);
    expect(res.body).not.toContain(ADMIN_TOKEN);
    expect(s.config).toMatchObject({ webhookSecret: 'set', adminToken: 'set' });
  });

  it('settings say why discovery failed, and list the units found last', async () => {
    const f = await app();
    f.host.push('ghcr.io/acme/web:main', 'web-1');
    f.host.addUnit('web.service', 'ghcr.io/acme/web:main');
    const get = async () =>
      Settings.parse(
        (await f.app.inject({ method: 'GET', url: '/api/settings', headers: adminHeaders })).json(),
      );
    const up = await get();
    expect(up.units.discoveryError).toBeNull();
    expect(up.units.discovered.map((u) => u.unit)).toEqual(['web.service']);
    f.host.down.add('podman');
    const down = await get();
    expect(down.units.discoveryError).toMatch(/podman/i);
    expect(down.units.discovered.map((u) => u.unit)).toEqual(['web.service']);
  });

  it('settings use PODUP_PUBLIC_URL for the webhook URL', async () => {
    const { app: a } = await app({ PODUP_PUBLIC_URL: 'https://hooks.example.com/podup/' });
    const s = Settings.parse(
      (await a.inject({ method: 'GET', url: '/api/settings', headers: adminHeaders })).json(),
    );
    expect(s.webhookUrl).toBe('https://hooks.example.com/podup/webhooks/github');
  });
});

describe('the task list total', () => {
  it('counts the matches up to 1000 and says when more match', async () => {
    t = await buildFakeApp({ PODUP_WEB_DIST: dist });
    const { stores } = t.podup.state;
    const base = Date.now() - 3_600_000;
    for (let i = 0; i < 1003; i++)
      stores.tasks.create(
        task({
          id: `tsk_T${String(i).padStart(15, '0')}`,
          createdAt: base + i,
          status: i < 3 ? 'failed' : 'queued',
        }),
      );
    const page = async (query: string) =>
      TasksPage.parse(
        (
          await t!.app.inject({ method: 'GET', url: `/api/tasks?limit=5${query}`, headers: adminHeaders })
        ).json(),
      );
    const all = await page('');
    expect(all.tasks).toHaveLength(5);
    expect(all).toMatchObject({ total: 1000, totalCapped: true });
    const failed = await page('&status=failed');
    expect(failed.total).toBe(3);
    expect(failed.totalCapped).toBeUndefined();
  });
});

describe('the task panel files', () => {
  it('serves the app with the right caching, falls back to it for client routes, and keeps API 404s JSON', async () => {
    const { app: a } = await app();
    const root = await a.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(200);
    expect(root.body).toContain('<div id="root">');
    expect(root.headers['cache-control']).toBe('no-cache');
    const asset = await a.inject({ method: 'GET', url: '/assets/index-abc123.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const deep = await a.inject({ method: 'GET', url: '/tasks/tsk_ABC', headers: { accept: 'text/html' } });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('<div id="root">');
    const api = await a.inject({ method: 'GET', url: '/api/nope', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(404);
    expect(api.json().error.code).toBe('NOT_FOUND');
  });

  it.each([
    '/..%2f..%2f..%2fpackage.json',
    '/assets/..%2f..%2f..%2f..%2fetc%2fpasswd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/%2e%2e%2f%2e%2e%2fserver%2fsrc%2fconfig.ts',
    '/..\\..\\package.json',
    '/assets/../../package.json',
  ])('never serves a file outside web/dist: %s', async (url) => {
    const { app: a } = await app();
    const res = await a.inject({ method: 'GET', url });
    expect(res.body).not.toContain('"workspaces"');
    expect(res.body).not.toContain('root:x:0:0');
    expect(res.body).not.toContain('PODUP_');
    expect([200, 400, 403, 404]).toContain(res.statusCode);
    if (res.statusCode === 200) expect(res.body).toContain('<div id="root">');
  });
});
