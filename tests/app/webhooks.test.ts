/**
 * POST /webhooks/github and the legacy POST /github-package-update/:unit, through the whole app (inject),
 * on a real SQLite state directory and the fake adapters.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookReply } from '../../server/src/contract/api.js';
import { adminHeaders, buildFakeApp, type TestApp } from '../helpers/app.js';
import { SECRET, githubHeaders, newDelivery, packagePublished, rawFixture, sign } from '../helpers/github.js';

let t: TestApp;
beforeEach(async () => {
  t = await buildFakeApp();
});
afterEach(async () => {
  await t.close();
});

const post = (body: Buffer | string, headers: Record<string, string>, url = '/webhooks/github') =>
  t.app.inject({ method: 'POST', url, headers, payload: body });

const taskCount = (): number => t.podup.db.prepare('SELECT count(*) FROM tasks').pluck().get() as number;
/** Rows of reads are committed with the next batch, not before the reply: commit what is queued first. */
const eventRows = () => {
  t.podup.state.writes.flush();
  return t.podup.db.prepare('SELECT * FROM events ORDER BY id').all() as Array<Record<string, unknown>>;
};

describe('signature', () => {
  const body = rawFixture('package-published');

  it('accepts a body signed with the configured secret', async () => {
    const res = await post(body, githubHeaders('package', body));
    expect(res.statusCode).toBe(202);
  });

  it.each([
    ['missing header', undefined, 'SIGNATURE_MISSING'],
    ['signed with another secret', sign(body, 'not-the-secret'), 'SIGNATURE_INVALID'],
    ['signature of a different body', sign(Buffer.concat([body, Buffer.from(' ')])), 'SIGNATURE_INVALID'],
    ['truncated hex', sign(body).slice(0, 40), 'SIGNATURE_INVALID'],
    ['sha1 prefix', sign(body).replace('sha256=', 'sha1='), 'SIGNATURE_INVALID'],
  ])('rejects %s with 401 and creates nothing', async (_name, signature, code) => {
    const headers = githubHeaders('package', body);
    if (signature === undefined) delete headers['x-hub-signature-256'];
    else headers['x-hub-signature-256'] = signature;
    const res = await post(body, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code } });
    expect(taskCount()).toBe(0);
  });

  it('does not accept the legacy SHA-1 header alone', async () => {
    const headers = githubHeaders('package', body);
    delete headers['x-hub-signature-256'];
    headers['x-hub-signature'] = 'sha1=' + 'a'.repeat(40);
    const res = await post(body, headers);
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('SIGNATURE_MISSING');
  });

  it('verifies the raw bytes, not a re-serialisation', async () => {
    // Same JSON, different whitespace: the signature of the compact form must not validate the pretty form.
    const compact = Buffer.from(JSON.stringify(JSON.parse(body.toString())));
    const headers = githubHeaders('package', compact);
    const res = await post(body, headers);
    expect(res.statusCode).toBe(401);
  });

  it('fails closed with 503 when no secret is configured', async () => {
    await t.close();
    t = await buildFakeApp({ PODUP_GITHUB_WEBHOOK_SECRET: undefined });
    const res = await post(body, githubHeaders('package', body));
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: { code: 'WEBHOOK_SECRET_MISSING' } });
    expect(res.json().error.hint).toContain('PODUP_GITHUB_WEBHOOK_SECRET');
    expect(taskCount()).toBe(0);
  });
});

describe('real payload shapes', () => {
  it.each([
    ['package', 'package-published'],
    ['registry_package', 'registry-package-published'],
  ] as const)('%s published -> 202 and one queued task for the normalised image', async (event, name) => {
    const body = rawFixture(name);
    const headers = githubHeaders(event, body);
    const res = await post(body, headers);
    expect(res.statusCode).toBe(202);
    const reply = WebhookReply.parse(res.json());
    expect(reply).toMatchObject({
      status: 'accepted',
      image: 'ghcr.io/acme-corp/web-app:stable',
      delivery: headers['x-github-delivery'],
    });
    const task = t.podup.state.stores.tasks.get(reply.status === 'accepted' ? reply.taskId : '');
    expect(task).toMatchObject({
      status: 'queued',
      kind: 'image-update',
      trigger: 'webhook',
      image: 'ghcr.io/acme-corp/web-app:stable',
      delivery: headers['x-github-delivery'],
      units: null,
      caller: 'github hook 123456789',
    });
  });

  it('the task says which commit GitHub built the image from, with its page and the package version page', async () => {
    const body = rawFixture('package-published');
    const reply = WebhookReply.parse((await post(body, githubHeaders('package', body))).json());
    const id = reply.status === 'accepted' ? reply.taskId : '';
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/tasks/${id}`, headers: adminHeaders });
    expect(res.json().source).toEqual({
      commit: '2464b545bbb85c88daa132be76030aab6b5cb201',
      commitUrl: 'https://github.com/Acme-Corp/web-app/commit/2464b545bbb85c88daa132be76030aab6b5cb201',
      page: 'https://github.com/orgs/acme-corp/packages/container/web-app/612345678',
    });
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tasks', headers: adminHeaders });
    expect(list.json().tasks[0].source.commit).toBe('2464b545bbb85c88daa132be76030aab6b5cb201');
  });

  it('the package and registry_package deliveries of one push share one task', async () => {
    const a = rawFixture('package-published');
    const b = rawFixture('registry-package-published');
    const r1 = (await post(a, githubHeaders('package', a))).json();
    const r2 = (await post(b, githubHeaders('registry_package', b))).json();
    expect(r2.taskId).toBe(r1.taskId);
    expect(r2.coalesced).toBe(true);
    expect(taskCount()).toBe(1);
  });

  it('an untagged platform manifest is recorded and runs nothing', async () => {
    const body = rawFixture('package-published-untagged');
    const res = await post(body, githubHeaders('package', body));
    expect(res.statusCode).toBe(200);
    expect(WebhookReply.parse(res.json())).toMatchObject({ status: 'recorded' });
    expect(res.json().image).toMatch(/^ghcr\.io\/acme-corp\/web-app@sha256:[0-9a-f]{64}$/);
    expect(taskCount()).toBe(0);
    expect(eventRows().at(-1)).toMatchObject({ outcome: 'recorded', status: 200 });
  });

  it.each([
    ['package', 'package-updated', /action "updated"/],
    ['package', 'package-published-npm', /not a container/],
    ['push', 'package-published', /event "push" is not handled/],
    // GitHub's event names carry digits too: every signed event gets a 2xx.
    ['projects_v2_item', 'package-published', /event "projects_v2_item" is not handled/],
    ['security_and_analysis', 'package-published', /not handled/],
  ] as const)('%s %s -> 200 ignored with a reason', async (event, name, reason) => {
    const body = rawFixture(name);
    const res = await post(body, githubHeaders(event, body));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ignored' });
    expect(res.json().reason).toMatch(reason);
    expect(taskCount()).toBe(0);
  });

  it('ping -> 200 pong', async () => {
    const body = rawFixture('ping');
    const res = await post(body, githubHeaders('ping', body));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'pong' });
  });

  it('accepts GitHub form encoding (payload=<json>), signed over the encoded body', async () => {
    const json = rawFixture('package-published').toString();
    const body = `payload=${encodeURIComponent(json)}`;
    const res = await post(
      body,
      githubHeaders('package', body, { 'content-type': 'application/x-www-form-urlencoded' }),
    );
    expect(res.statusCode).toBe(202);
    expect(res.json().image).toBe('ghcr.io/acme-corp/web-app:stable');
  });

  it('a signed package event without the fields GitHub always sends is a 400, not a restart', async () => {
    const body = Buffer.from(
      JSON.stringify({ action: 'published', package: { package_type: 'CONTAINER', name: 'x' } }),
    );
    const res = await post(body, githubHeaders('package', body));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_PAYLOAD');
    expect(taskCount()).toBe(0);
  });
});

describe('dedupe by X-GitHub-Delivery', () => {
  it('a redelivery answers 200 duplicate and creates nothing', async () => {
    const body = rawFixture('package-published');
    const headers = githubHeaders('package', body);
    const first = await post(body, headers);
    expect(first.statusCode).toBe(202);
    const again = await post(body, headers);
    expect(again.statusCode).toBe(200);
    expect(WebhookReply.parse(again.json())).toMatchObject({
      status: 'duplicate',
      duplicate: true,
      taskId: first.json().taskId,
      firstOutcome: 'accepted',
    });
    expect(taskCount()).toBe(1);
    expect(t.podup.db.prepare('SELECT count(*) FROM deliveries').pluck().get()).toBe(1);
  });

  it('survives a restart of the app on the same state directory', async () => {
    const body = rawFixture('package-published');
    const headers = githubHeaders('package', body);
    expect((await post(body, headers)).statusCode).toBe(202);
    const dir = t.stateDir;
    await t.app.close();
    await t.podup.close();
    t = await buildFakeApp({}, { stateDir: dir });
    const again = await post(body, headers);
    expect(again.json()).toMatchObject({ status: 'duplicate' });
    expect(taskCount()).toBe(1);
  });
});

describe('malformed requests', () => {
  const body = rawFixture('package-published');

  it('413 beyond the body limit, before the signature is even looked at', async () => {
    await t.close();
    t = await buildFakeApp({ PODUP_WEBHOOK_BODY_LIMIT: '16KiB' });
    const big = Buffer.alloc(20 * 1024, 'a');
    const res = await post(big, githubHeaders('package', big));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(res.json().error.message).toContain('16384');
  });

  it('the default limit is 1 MiB', async () => {
    const payload = JSON.parse(body.toString()) as Record<string, unknown>;
    payload.padding = 'x'.repeat(900 * 1024);
    const under = Buffer.from(JSON.stringify(payload));
    expect((await post(under, githubHeaders('package', under))).statusCode).toBe(202);
    payload.padding = 'x'.repeat(1024 * 1024);
    const over = Buffer.from(JSON.stringify(payload));
    const res = await post(over, githubHeaders('package', over));
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toContain('1048576');
  });

  it('415 for other media types', async () => {
    const res = await post(body, githubHeaders('package', body, { 'content-type': 'text/plain' }));
    expect(res.statusCode).toBe(415);
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('400 for malformed JSON with a valid signature; the reason quotes nothing of the body', async () => {
    const bad = Buffer.from('{"action": "published", "secret-ish": "hunter2');
    const res = await post(bad, githubHeaders('package', bad));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_JSON');
    expect(JSON.stringify(res.json())).not.toContain('hunter2');
    expect(String(eventRows().at(-1)?.reason)).not.toContain('hunter2');
    expect(taskCount()).toBe(0);
  });

  it.each(['x-github-event', 'x-github-delivery'])('400 without %s', async (name) => {
    const headers = githubHeaders('package', body);
    delete headers[name];
    const res = await post(body, headers);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('MISSING_HEADER');
  });

  it.each(['GET', 'PUT', 'DELETE'] as const)('405 for %s, with Allow: POST', async (method) => {
    const res = await t.app.inject({ method, url: '/webhooks/github' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json().error.code).toBe('METHOD_NOT_ALLOWED');
  });

  it('404 JSON for unknown routes', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
  });
});

describe('legacy per-unit route', () => {
  it.each(['/github-package-update/web-app', '/github-package-update/web-app/redeploy'])(
    '%s queues a task for that unit only',
    async (url) => {
      const body = rawFixture('package-published');
      const res = await post(body, githubHeaders('package', body), url);
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ unit: 'web-app.service' });
      expect(t.podup.state.stores.tasks.get(res.json().taskId)?.units).toEqual(['web-app.service']);
    },
  );

  it('a unit-scoped task and an image-wide task stay separate', async () => {
    const body = rawFixture('package-published');
    const a = (await post(body, githubHeaders('package', body), '/github-package-update/web-app')).json();
    const b = (await post(body, githubHeaders('package', body))).json();
    expect(a.taskId).not.toBe(b.taskId);
  });

  it('rejects names that are not systemd service names', async () => {
    const body = rawFixture('package-published');
    const res = await post(body, githubHeaders('package', body), '/github-package-update/bad%20name');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('INVALID_UNIT');
    expect(taskCount()).toBe(0);
  });
});

describe('event log', () => {
  it('writes a row per delivery and refusal with the delivery facts, and never a secret or signature', async () => {
    const body = packagePublished({ tag: 'v2', digest: `sha256:${'b'.repeat(64)}` });
    const headers = githubHeaders('package', body);
    await post(body, headers);
    const bad = githubHeaders('package', body, { 'x-hub-signature-256': sign(body, 'wrong-secret') });
    await post(body, bad);
    // A health probe is counted, not stored (tests/app/event-noise.test.ts).
    await t.app.inject({ method: 'GET', url: '/healthz' });

    const rows = eventRows();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      route: '/webhooks/github',
      method: 'POST',
      status: 202,
      delivery: headers['x-github-delivery'],
      event: 'package',
      action: 'published',
      image: 'ghcr.io/acme-corp/web-app:v2',
      outcome: 'accepted',
      source: '127.0.0.1',
    });
    expect(rows[0]?.task_id).toMatch(/^tsk_/);
    expect(rows[1]).toMatchObject({ status: 401, outcome: 'rejected', count: 1 });

    // Nothing secret anywhere on disk: database, WAL, logs.
    t.podup.state.writes.flush();
    const disk = readdirSync(t.stateDir)
      .map((f) => readFileSync(join(t.stateDir, f)).toString('latin1'))
      .join('\n');
    const logs = t.logs.join('\n');
    for (const secret of [
      SECRET,
      headers['x-hub-signature-256'],
      bad['x-hub-signature-256'],
      sign(body, SECRET).slice(7),
    ]) {
      expect(disk).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
  });

  it('every response carries its request id, which is the event row id', async () => {
    const body = rawFixture('ping');
    const res = await post(body, { ...githubHeaders('ping', body), 'x-request-id': 'trace-abc.1' });
    expect(res.headers['x-request-id']).toBe('trace-abc.1');
    expect(eventRows().at(-1)?.request_id).toBe('trace-abc.1');
    const probe = await t.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'trace-abc.2' },
    });
    expect(probe.headers['x-request-id']).toBe('trace-abc.2');
  });

  it('unique deliveries each get their own row and delivery id', async () => {
    for (let i = 0; i < 3; i++) {
      const body = packagePublished({ name: `svc-${i}`, tag: '1', digest: `sha256:${String(i).repeat(64)}` });
      expect(
        (await post(body, githubHeaders('package', body, { 'x-github-delivery': newDelivery() }))).statusCode,
      ).toBe(202);
    }
    expect(new Set(eventRows().map((r) => r.delivery)).size).toBe(3);
    expect(taskCount()).toBe(3);
  });
});

describe('behind a reverse proxy', () => {
  it('records the client address from X-Forwarded-For only when the proxy is trusted', async () => {
    const body = rawFixture('ping');
    const headers = { ...githubHeaders('ping', body), 'x-forwarded-for': '203.0.113.9' };
    await post(body, headers);
    expect(eventRows().at(-1)?.source).toBe('127.0.0.1');

    await t.close();
    t = await buildFakeApp({ PODUP_TRUST_PROXY: '127.0.0.1' });
    await post(body, { ...headers, 'x-github-delivery': newDelivery() });
    expect(eventRows().at(-1)?.source).toBe('203.0.113.9');
  });
});
