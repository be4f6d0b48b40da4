/**
 * What podup exposes to a browser: the security headers on every kind of answer (JSON, errors, the panel and
 * its assets, the SSE log stream), no source maps, and a Secure session cookie whenever the browser talks TLS.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queuedTask } from '../../server/src/domain/tasks/task.js';
import { adminHeaders, buildFakeApp, type TestApp } from '../helpers/app.js';
import { ADMIN_TOKEN, githubHeaders, rawFixture } from '../helpers/github.js';
import { repoRoot } from '../helpers/paths.js';

let t: TestApp | undefined;
let dist: string;

beforeAll(() => {
  dist = mkdtempSync(join(tmpdir(), 'podup-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>podup</title><div id="root"></div>');
  writeFileSync(
    join(dist, 'assets', 'index-abc123.js'),
    'console.log("app")\n//# sourceMappingURL=index-abc123.js.map',
  );
  writeFileSync(
    join(dist, 'assets', 'index-abc123.js.map'),
    '{"version":3,"sourcesContent":["secret source"]}',
  );
});
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function app(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  t = await buildFakeApp({ PODUP_WEB_DIST: dist, ...env });
  return t;
}

type Headers = Record<string, string | string[] | number | undefined>;

function expectSecurityHeaders(headers: Headers): void {
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['referrer-policy']).toBe('no-referrer');
  expect(headers['permissions-policy']).toMatch(/camera=\(\).*microphone=\(\)/);
  expect(headers['x-frame-options']).toBe('DENY');
  const csp = String(headers['content-security-policy']);
  expect(csp).toMatch(/frame-ancestors 'none'/);
  expect(csp).toMatch(/base-uri 'none'/);
  expect(csp).toMatch(/form-action '(none|self)'/);
}

describe('security headers', () => {
  it('on JSON answers, errors, webhooks, the panel and its assets', async () => {
    const { app: a } = await app();
    const answers = [
      await a.inject({ method: 'GET', url: '/healthz' }),
      await a.inject({ method: 'GET', url: '/api/tasks', headers: adminHeaders }),
      await a.inject({ method: 'GET', url: '/api/tasks' }),
      await a.inject({ method: 'GET', url: '/api/nope' }),
      await a.inject({
        method: 'POST',
        url: '/api/tasks',
        headers: { ...adminHeaders, 'content-type': 'application/json' },
        payload: '{',
      }),
      await a.inject({
        method: 'POST',
        url: '/webhooks/github',
        headers: githubHeaders('ping', rawFixture('ping')),
        payload: rawFixture('ping'),
      }),
      await a.inject({ method: 'GET', url: '/assets/index-abc123.js' }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 200, 401, 404, 400, 200, 200]);
    for (const r of answers) expectSecurityHeaders(r.headers);
    // Nothing but the panel's document may load or embed anything.
    expect(answers[0]?.headers['content-security-policy']).toMatch(/^default-src 'none'/);
  });

  it("the panel's document gets its own CSP, with base-uri and form-action", async () => {
    const { app: a } = await app();
    for (const url of ['/', '/tasks?status=failed']) {
      const res = await a.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(200);
      expectSecurityHeaders(res.headers);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toMatch(/^default-src 'self'/);
      expect(csp).toMatch(/base-uri 'none'/);
      expect(csp).toMatch(/form-action 'self'/);
      expect(csp).toMatch(/object-src 'none'/);
    }
  });

  it('on the SSE log stream', async () => {
    const { app: a, podup } = await app();
    const now = Date.now();
    const task = queuedTask({
      id: 'tsk_SSEHEADERS',
      kind: 'image-update',
      status: 'succeeded',
      image: 'ghcr.io/acme/app:stable',
      units: null,
      trigger: 'webhook',
      delivery: null,
      caller: null,
      reason: null,
      createdAt: now,
      updatedAt: now,
      startedAt: now,
      finishedAt: now,
      notBefore: null,
    });
    podup.state.stores.tasks.create(task);
    await a.listen({ host: '127.0.0.1', port: 0 });
    const { port } = a.server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/api/tasks/${task.id}/log`, { headers: adminHeaders });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expectSecurityHeaders(Object.fromEntries(res.headers));
    expect(res.headers.get('x-request-id')).toBeTruthy();
    await res.text();
  });
});

describe('source maps', () => {
  it('are never served, even when a build left some in web/dist', async () => {
    const { app: a } = await app();
    const res = await a.inject({ method: 'GET', url: '/assets/index-abc123.js.map' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('secret source');
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it.skipIf(!existsSync(join(repoRoot, 'web/dist/index.html')))(
    'are not in the built panel (web/dist)',
    () => {
      const files = readdirSync(join(repoRoot, 'web/dist'), { recursive: true }).map(String);
      expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
      const entry = files.filter((f) => f.endsWith('.js'));
      expect(entry.length).toBeGreaterThan(0);
    },
  );
});

describe('the session cookie', () => {
  const signIn = (a: TestApp, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') =>
    a.app.inject({
      method: 'POST',
      url: '/api/session',
      payload: { token: ADMIN_TOKEN },
      headers,
      remoteAddress,
    });
  const cookieOf = (res: { headers: Headers }) => String(res.headers['set-cookie']);

  it('is Secure when a trusted proxy says the browser used TLS, and only then', async () => {
    const a = await app({ PODUP_TRUST_PROXY: '127.0.0.1' });
    expect(cookieOf(await signIn(a, { 'x-forwarded-proto': 'https' }))).toMatch(/; Secure/);
    expect(cookieOf(await signIn(a))).not.toMatch(/; Secure/);
    // Any client can send the header; from a peer podup does not trust it means nothing.
    expect(cookieOf(await signIn(a, { 'x-forwarded-proto': 'https' }, '192.0.2.9'))).not.toMatch(/; Secure/);
  });

  it('is Secure when PODUP_PUBLIC_URL is https, even without X-Forwarded-Proto', async () => {
    const a = await app({ PODUP_PUBLIC_URL: 'https://podup.example.com' });
    const res = await signIn(a);
    expect(res.statusCode).toBe(200);
    expect(cookieOf(res)).toMatch(/; Secure/);
    const out = await a.app.inject({ method: 'DELETE', url: '/api/session' });
    expect(cookieOf(out)).toMatch(/; Secure/);
  });
});
