/**
 * The stable API for bots, through the whole app on the fakes: /api/v1/openapi.json is a valid OpenAPI 3.1
 * document that matches the routes (a test walks it: every operation exists and every /api/v1 route is
 * documented; each needs exactly its scope, matrix of scope x operation; every operation called for real
 * answers a documented status with a body its schema accepts, and the bodies sent match the requestBody schemas),
 * Idempotency-Key makes a retried task-creating call answer the first result and create nothing, and the
 * replaced system's POST /auto-update still triggers all units, saying it is deprecated.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CreatedToken } from '../../server/src/contract/api.js';
import { SCOPES, type Scope } from '../../server/src/contract/vocabulary.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { injectEvent, packagePublished } from '../helpers/github.js';

const WEB = 'web-app.service';
const DB = 'db.service';

interface Operation {
  operationId: string;
  'x-podup-scope'?: Scope;
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, object> };
}

let t: FakeTestApp;
let doc: Doc;

beforeEach(async () => {
  t = await buildFakeApp({ PODUP_RATE_LIMIT_BAD_SIGNATURE: 'off' });
  t.host.push('ghcr.io/acme/web-app:stable', 'web-1');
  t.host.push('ghcr.io/acme/db:stable', 'db-1');
  t.host.addUnit(WEB, 'ghcr.io/acme/web-app:stable');
  t.host.addUnit(DB, 'ghcr.io/acme/db:stable');
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
  expect(res.statusCode).toBe(200);
  doc = res.json<Doc>();
});
afterEach(async () => {
  await t.close();
});

const operations = (): Array<{ method: string; path: string; op: Operation }> =>
  Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );

/** Fastify's route tree (printRoutes) as "METHOD /full/path" lines. */
function registeredRoutes(): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ├└─]*)(\S.*?) \(([A-Z, ]+)\)$/.exec(line);
    if (!m) continue;
    const depth = (m[1] ?? '').length / 4;
    const segment = m[2] ?? '';
    stack.length = depth;
    const parent = stack.at(-1) ?? '';
    const path =
      depth === 0 ? segment : `${parent.replace(/\/$/, '')}${segment.startsWith('/') ? '' : '/'}${segment}`;
    stack[depth] = path;
    for (const method of (m[3] ?? '').split(', ')) routes.push(`${method} ${path}`);
  }
  return routes;
}

const toFastify = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

async function token(name: string, scopes: Scope[], units?: string[]): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: adminHeaders,
    payload: { name, scopes, ...(units ? { units } : {}) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return CreatedToken.parse(res.json()).token;
}

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

/** What each operation is called with in the tests: harmless (dry runs, unknown ids). */
const SAMPLE: Record<string, { params?: Record<string, string>; body?: object }> = {
  triggerUnits: { body: { units: [WEB], dryRun: true } },
  updateUnit: { params: { unit: WEB }, body: { dryRun: true } },
  prune: { body: { dryRun: true } },
  createToken: { body: { name: 'made-in-matrix', scopes: ['read'] } },
  revokeToken: { params: { name: 'nobody' } },
  addChannel: { body: { url: 'ntfy://ntfy.example.com/x' } },
  changeChannel: { params: { id: 'ch_none' }, body: { name: 'x' } },
  removeChannel: { params: { id: 'ch_none' } },
  testChannel: { params: { id: 'ch_none' } },
};

function urlOf(path: string, op: Operation): string {
  const params = { id: 'tsk_NONE', ...SAMPLE[op.operationId]?.params };
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name as 'id'] ?? 'x'));
}

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents exactly the /api/v1 routes', async () => {
    const documented = operations()
      .map(({ method, path }) => `${method} ${toFastify(path)}`)
      .sort();
    // Every API route is registered once under /api; those that answer under /api/v1 too are the stable API.
    const served: string[] = [];
    const unversioned: string[] = [];
    for (const route of registeredRoutes().filter((r) => / \/api\//.test(r) && !r.startsWith('HEAD '))) {
      const [method = '', path = ''] = route.split(' ');
      const v1 = path.replace(/^\/api\//, '/api/v1/');
      const res = await t.app.inject({ method: method as 'GET', url: v1.replace(/:\w+/g, 'x') });
      const noRoute = res.statusCode === 404 && /^no route for /.test(res.json().error?.message ?? '');
      (noRoute ? unversioned : served).push(`${method} ${v1}`);
    }
    expect(served.sort()).toEqual(documented);
    // The panel's own routes stay out of the stable API.
    expect(unversioned.sort()).toEqual([
      'DELETE /api/v1/session',
      'GET /api/v1/session',
      'POST /api/v1/session',
    ]);
  });

  it('answers a JSON 404 naming the path as called for a route that is not in the stable API', async () => {
    for (const url of ['/api/v1/session', '/api/v1/no-such-thing']) {
      const res = await t.app.inject({ method: 'GET', url, headers: adminHeaders });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error).toMatchObject({ code: 'NOT_FOUND', message: `no route for GET ${url}` });
    }
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/session', headers: adminHeaders })).statusCode,
    ).toBe(200);
  });

  it('names the scope each operation needs, and each needs exactly it (scope x operation)', async () => {
    const tokens = new Map<Scope, string>();
    for (const scope of SCOPES) tokens.set(scope, await token(`only-${scope}`, [scope]));
    let checked = 0;
    for (const { method, path, op } of operations()) {
      const needs = op['x-podup-scope'];
      if (op.operationId === 'streamTaskLog') continue; // a stream: its scope is checked on its own below
      for (const scope of SCOPES) {
        const res = await t.app.inject({
          method: method as 'GET',
          url: urlOf(path, op),
          headers: bearer(tokens.get(scope) ?? ''),
          ...(SAMPLE[op.operationId]?.body ? { payload: SAMPLE[op.operationId]?.body } : {}),
        });
        const label = `${scope} ${method} ${path}: ${res.statusCode} ${res.body.slice(0, 200)}`;
        expect(res.statusCode, label).not.toBe(401);
        if (needs === undefined || scope === needs || scope === 'admin')
          expect(res.statusCode, label).not.toBe(403);
        else expect(res.statusCode, label).toBe(403);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20 * SCOPES.length);
    const stream = await t.app.inject({
      method: 'GET',
      url: '/api/v1/tasks/tsk_NONE/log',
      headers: bearer(tokens.get('trigger') ?? ''),
    });
    expect(stream.statusCode).toBe(403);
  });

  // GETs whose query has a required parameter, with a value it accepts.
  const REQUIRED_QUERY: Record<string, string> = { '/api/v1/schedules/preview': '?cron=0%203%20*%20*%20*' };

  it('answers what it documents (every GET without path parameters, validated against its schema)', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    let validated = 0;
    for (const { method, path, op } of operations()) {
      if (method !== 'GET' || path.includes('{')) continue;
      const res = await t.app.inject({
        method: 'GET',
        url: path + (REQUIRED_QUERY[path] ?? ''),
        headers: adminHeaders,
      });
      expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
      const schema = op.responses['200']?.content?.['application/json']?.schema;
      expect(schema, path).toBeDefined();
      const validate = ajv.compile({ ...schema, components: doc.components });
      expect(validate(res.json()), `${path}: ${JSON.stringify(validate.errors)}`).toBe(true);
      validated++;
    }
    expect(validated).toBeGreaterThanOrEqual(8);
  });
});

describe('every operation, called for real', () => {
  /**
   * One real call per documented operation (two where both of its answers matter), in an order that makes each
   * succeed: the request body sent validates against the operation's requestBody, and the answer's status is one
   * it documents, its body valid against that response's schema. An operation added to the document without a
   * call here fails the walk.
   */
  it('answers every operation with a documented status and a body its schema accepts; the bodies sent match the requestBody schemas', async () => {
    await t.close();
    t = await buildFakeApp({
      PODUP_RATE_LIMIT_BAD_SIGNATURE: 'off',
      PODUP_NOTIFY_SECRET: 'notify-secret-0123456789abcdef',
      PODUP_COALESCE_WINDOW: '0',
      PODUP_RATE_LIMIT_IMAGE: 'off',
    });
    const DB_REF = 'ghcr.io/acme/db:stable';
    t.host.push('ghcr.io/acme/web-app:stable', 'web-1');
    t.host.push(DB_REF, 'db-1');
    t.host.addUnit(WEB, 'ghcr.io/acme/web-app:stable');
    t.host.addUnit(DB, DB_REF, { labels: { 'podup.policy': 'approve' } });
    doc = (await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json<Doc>();

    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const valid = (schema: object, value: unknown, label: string) => {
      const validate = ajv.compile({ ...schema, components: doc.components });
      expect(validate(value), `${label}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    const byKey = new Map(operations().map(({ method, path, op }) => [`${method} ${path}`, op]));
    const walked = new Set<string>();

    async function call<T = Record<string, unknown>>(
      method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      path: string,
      options: { params?: Record<string, string>; body?: object; query?: string } = {},
    ): Promise<T> {
      const key = `${method} /api/v1${path}`;
      const op = byKey.get(key);
      expect(op, `${key} is not documented`).toBeDefined();
      if (options.body !== undefined) {
        const schema = op?.requestBody?.content?.['application/json']?.schema;
        expect(schema, `${key}: no requestBody documented`).toBeDefined();
        valid(schema ?? {}, options.body, `${key} request`);
      }
      const url =
        '/api/v1' +
        path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? '')) +
        (options.query ?? '');
      const res = await t.app.inject({
        method,
        url,
        headers: adminHeaders,
        ...(options.body !== undefined ? { payload: options.body } : {}),
      });
      expect(res.statusCode, `${key}: ${res.body.slice(0, 300)}`).toBeLessThan(300);
      const documented = op?.responses[String(res.statusCode)];
      expect(documented, `${key} answered ${res.statusCode}, which it does not document`).toBeDefined();
      const schema = documented?.content?.['application/json']?.schema;
      if (schema) valid(schema, res.json(), `${key} ${res.statusCode}`);
      else expect(res.body, `${key} ${res.statusCode} documents no body`).toBe('');
      walked.add(key);
      return (res.body ? res.json() : undefined) as T;
    }
    const queuedId = (r: { taskId?: unknown }) => String(r.taskId);
    async function awaitingApproval(version: string): Promise<string> {
      const pushed = t.host.push(DB_REF, version);
      const res = await injectEvent(
        t.app,
        'package',
        packagePublished({ owner: 'acme', name: 'db', tag: 'stable', digest: pushed.digest }),
      );
      expect(res.statusCode, res.body).toBe(202);
      const id = res.json<{ taskId: string }>().taskId;
      await t.podup.services.runner.runNow(id);
      return id;
    }

    // Reads.
    for (const path of ['/tasks', '/units', '/events', '/overview', '/settings', '/check', '/schedules'])
      await call('GET', path);
    await call('GET', '/schedules/preview', { query: '?cron=0%203%20*%20*%20*' });
    await call('GET', '/openapi.json');
    // Nothing listens at the public URL on the fakes: answered all the same, with what did not.
    await call('POST', '/settings/test-delivery');

    // Tasks: a dry run (200) and a queued task (202), then control.
    await call('POST', '/tasks', { body: { units: [WEB], dryRun: true } });
    const first = queuedId(await call('POST', '/tasks', { body: { units: [WEB], reason: 'walk' } }));
    await call('GET', '/tasks/{id}', { params: { id: first } });
    await call('POST', '/tasks/{id}/stop', { params: { id: first } });
    const second = queuedId(await call('POST', '/units/{unit}/update', { params: { unit: WEB }, body: {} }));
    await call('POST', '/tasks/{id}/force-stop', { params: { id: second } });
    await call('POST', '/tasks/{id}/retry', { params: { id: first } });

    // Decisions: reject one waiting task, approve the next; policies.
    await call('POST', '/tasks/{id}/reject', { params: { id: await awaitingApproval('db-2') } });
    await call('POST', '/tasks/{id}/approve', { params: { id: await awaitingApproval('db-3') } });
    await call('PUT', '/units/{unit}/policy', {
      params: { unit: WEB },
      body: { policy: 'notify', minAge: '1h' },
    });
    await call('POST', '/units/{unit}/skip', {
      params: { unit: WEB },
      body: { digest: `sha256:${'a'.repeat(64)}` },
    });
    await call('POST', '/units/{unit}/snooze', { params: { unit: WEB }, body: { until: '2h' } });

    // Schedules.
    await call('POST', '/schedules', {
      body: { name: 'walk', cron: '0 3 * * *', zone: 'UTC', action: 'update', units: [WEB], paused: true },
    });
    await call('PUT', '/schedules/{name}', { params: { name: 'walk' }, body: { cron: '0 4 * * *' } });
    await call('POST', '/schedules/{name}/resume', { params: { name: 'walk' } });
    await call('POST', '/schedules/{name}/pause', { params: { name: 'walk' } });
    await call('POST', '/schedules/{name}/run', { params: { name: 'walk' } });
    await call('DELETE', '/schedules/{name}', { params: { name: 'walk' } });

    // Tokens and notification channels.
    await call('GET', '/tokens');
    await call('POST', '/tokens', {
      body: { name: 'walker', scopes: ['read'], units: ['web-*'], expires: '1d' },
    });
    await call('DELETE', '/tokens/{name}', { params: { name: 'walker' } });
    await call('GET', '/notifications/channels');
    const channel = await call<{ id: string }>('POST', '/notifications/channels', {
      body: { name: 'walk', url: 'ntfy://ntfy.example.com/walk', events: ['failed'] },
    });
    await call('PATCH', '/notifications/channels/{id}', {
      params: { id: channel.id },
      body: { name: 'walked', events: ['failed', 'rolled-back'] },
    });
    await call('POST', '/notifications/channels/{id}/test', { params: { id: channel.id } });
    await call('DELETE', '/notifications/channels/{id}', { params: { id: channel.id } });

    await call('POST', '/maintenance/prune', { body: { dryRun: true } });

    // The live log is a stream (text/event-stream): task-log-streams.test.ts holds it to its contract.
    const notWalked = [...byKey]
      .filter(([key, op]) => !walked.has(key) && op.operationId !== 'streamTaskLog')
      .map(([key]) => key);
    expect(notWalked).toEqual([]);
    expect(walked.size).toBeGreaterThanOrEqual(30);
  });
});

describe('Idempotency-Key', () => {
  const trigger = (key: string | undefined, body: object, auth = adminHeaders) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/tasks',
      headers: { ...auth, ...(key ? { 'idempotency-key': key } : {}) },
      payload: body,
    });
  const taskCount = () => (t.podup.db.prepare('SELECT count(*) FROM tasks').pluck().get() as number) ?? 0;

  it('answers a retried call with the first answer and creates one task', async () => {
    const first = await trigger('deploy-1234', { units: [WEB] });
    expect(first.statusCode).toBe(202);
    const again = await trigger('deploy-1234', { units: [WEB] });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(taskCount()).toBe(1);

    const other = await trigger('deploy-5678', { units: [WEB] });
    expect(other.json().taskId).not.toBe(first.json().taskId);
    expect(taskCount()).toBe(2);
    const plain = await trigger(undefined, { units: [WEB] });
    expect(plain.statusCode).toBe(202);
    expect(taskCount()).toBe(3);
  });

  it('creates one task for concurrent calls with one key, and refuses the key with another request', async () => {
    const answers = await Promise.all(Array.from({ length: 5 }, () => trigger('burst-1', { units: [DB] })));
    expect(new Set(answers.map((a) => a.json().taskId)).size).toBe(1);
    expect(answers.every((a) => a.statusCode === 202)).toBe(true);
    expect(taskCount()).toBe(1);
    const mismatch = await trigger('burst-1', { units: [WEB] });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(taskCount()).toBe(1);
  });

  it('is per credential, applies to one unit and to retries, and is ignored by dry runs', async () => {
    const bot = await token('bot', ['trigger', 'control']);
    const mine = await trigger('same-key', { units: [WEB] });
    const theirs = await trigger('same-key', { units: [WEB] }, bearer(bot));
    expect(theirs.json().taskId).not.toBe(mine.json().taskId);

    const unit = (key: string) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/units/${DB}/update`,
        headers: { ...adminHeaders, 'idempotency-key': key },
        payload: {},
      });
    expect((await unit('u-1')).json()).toEqual((await unit('u-1')).json());

    const id = mine.json().taskId as string;
    await t.podup.services.runner.runNow(id);
    const retry = () =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/tasks/${id}/retry`,
        headers: { ...bearer(bot), 'idempotency-key': 'retry-1' },
      });
    const r1 = await retry();
    const r2 = await retry();
    expect(r1.statusCode).toBe(202);
    expect(r2.json().retryTaskId).toBe(r1.json().retryTaskId);
    expect(r2.headers['idempotent-replayed']).toBe('true');

    const before = taskCount();
    const dry = await trigger('dry-1', { units: [WEB], dryRun: true });
    const dry2 = await trigger('dry-1', { units: [WEB], dryRun: true });
    expect([dry.statusCode, dry2.statusCode]).toEqual([200, 200]);
    expect(taskCount()).toBe(before);
  });

  it('runs a schedule once for a retried POST /schedules/{name}/run; another key runs it again', async () => {
    const made = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedules',
      headers: adminHeaders,
      payload: { name: 'nightly', cron: '0 3 * * *', action: 'update', units: [WEB], paused: true },
    });
    expect(made.statusCode, made.body).toBe(201);
    const run = (key?: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/schedules/nightly/run',
        headers: { ...adminHeaders, ...(key ? { 'idempotency-key': key } : {}) },
      });
    const first = await run('run-1');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ status: 'ok', taskId: expect.stringMatching(/^tsk_/) });
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(taskCount()).toBe(1);

    const again = await run('run-1');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(taskCount()).toBe(1);

    const other = await run('run-2');
    expect(other.json().taskId).not.toBe(first.json().taskId);
    expect(taskCount()).toBe(2);
    // The same key on another schedule's run is another request: refused, nothing runs.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedules',
      headers: adminHeaders,
      payload: { name: 'weekly', cron: '0 4 * * 0', action: 'update', units: [DB], paused: true },
    });
    const mismatch = await t.app.inject({
      method: 'POST',
      url: '/api/v1/schedules/weekly/run',
      headers: { ...adminHeaders, 'idempotency-key': 'run-1' },
    });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(taskCount()).toBe(2);

    t.podup.state.writes.flush();
    const rows = t.podup.db
      .prepare(
        `SELECT outcome, task_id AS taskId FROM events WHERE route = '/api/v1/schedules/:name/run' ORDER BY id`,
      )
      .all();
    expect(rows).toEqual([
      { outcome: 'accepted', taskId: first.json().taskId },
      { outcome: 'duplicate', taskId: first.json().taskId },
      { outcome: 'accepted', taskId: other.json().taskId },
      { outcome: 'rejected', taskId: null },
    ]);
  });

  it('answers a retried POST /auto-update with the first answer and queues one task', async () => {
    const bot = await token('legacy-bot', ['trigger']);
    const call = (key: string) =>
      t.app.inject({
        method: 'POST',
        url: '/auto-update',
        headers: { 'x-podup-token': bot, 'idempotency-key': key },
      });
    const first = await call('hook-1');
    expect(first.statusCode, first.body).toBe(202);
    const again = await call('hook-1');
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.deprecation).toMatch(/^@\d+$/);
    expect(taskCount()).toBe(1);
    expect((await call('hook-2')).json().taskId).not.toBe(first.json().taskId);
    expect(taskCount()).toBe(2);
  });
});

describe('POST /auto-update (pod-upgrade-trigger)', () => {
  it('triggers all units the token may with a deprecation notice; the token may come as a header or ?token=', async () => {
    const bot = await token('legacy-bot', ['trigger'], ['web-*']);
    const res = await t.app.inject({
      method: 'POST',
      url: '/auto-update',
      headers: { 'x-podup-token': bot },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.headers.deprecation).toMatch(/^@\d+$/);
    expect(res.headers.link).toContain('</api/v1/tasks>; rel="successor-version"');
    expect(res.json()).toMatchObject({ status: 'queued', units: [WEB] });
    const byQuery = await t.app.inject({ method: 'POST', url: `/auto-update?token=${bot}` });
    expect(byQuery.statusCode).toBe(202);
    const admin = await t.app.inject({ method: 'POST', url: '/auto-update', headers: adminHeaders });
    expect(admin.json().units).toEqual([DB, WEB].sort());

    t.podup.state.writes.flush();
    const rows = t.podup.db
      .prepare(`SELECT route, actor, reason FROM events WHERE route = '/auto-update' ORDER BY id`)
      .all();
    expect(rows).toEqual([
      { route: '/auto-update', actor: 'legacy-bot', reason: 'deprecated /auto-update: trigger-all' },
      { route: '/auto-update', actor: 'legacy-bot', reason: 'deprecated /auto-update: trigger-all' },
      { route: '/auto-update', actor: 'bearer', reason: 'deprecated /auto-update: trigger-all' },
    ]);
    const everything = JSON.stringify(t.podup.db.prepare('SELECT * FROM events').all()) + t.logs.join('\n');
    expect(everything).not.toContain(bot.slice(4));
  });

  it('refuses a missing, wrong or read-only token and other methods', async () => {
    const reader = await token('reader', ['read']);
    const none = await t.app.inject({ method: 'POST', url: '/auto-update' });
    expect(none.statusCode).toBe(401);
    expect(none.headers.deprecation).toBeDefined();
    expect(
      (await t.app.inject({ method: 'POST', url: '/auto-update', headers: bearer('pdp_nope') })).statusCode,
    ).toBe(401);
    expect(
      (await t.app.inject({ method: 'POST', url: '/auto-update', headers: bearer(reader) })).statusCode,
    ).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/auto-update' })).statusCode).toBe(405);
  });
});
