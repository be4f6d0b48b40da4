/**
 * The mock half of the API contract test: every recorded answer in the fixtures, and every MSW handler in
 * every fixture profile, satisfy the server's own zod schemas (server/src/contract/api.ts), with the status
 * the real server would use. That the fixtures are what the server answers now is the drift test's part
 * (tests/app/mock-fixtures.test.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ApiChannel,
  ApiEvent,
  ApiSchedule,
  CronPreview,
  PolicyReply,
  ScheduleRunReply,
  SchedulesReply,
  ApiTask,
  ApiTaskDetail,
  ApiTaskLog,
  ChannelsReply,
  CreatedToken,
  ErrorBody,
  EventsPage,
  Health,
  Overview,
  Readiness,
  Session,
  Settings,
  TestDeliveryReply,
  TaskActionReply,
  TaskLogEnd,
  TasksPage,
  TestReply,
  TokensReply,
  TriggerReply,
  UnitsReply,
} from '@contract';
import type { Recorded, SseFrame, TaskStory } from './fixture-format';
import { DATA_FIXTURES, TRANSPORT } from './fixtures';
import { handlers } from './handlers';
import { PROFILES, type Profile } from './profiles';
import { detailOf, findTask, mockState, recordedTransport, resetMocks, tick } from './state';

const csrfToken = () => recordedTransport().session.body.csrfToken ?? '';
const firstWith = (status: string) => mockState().tasks.find((t) => t.task.status === status);

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** Handler headers ("GET /api/tasks/:id") that some call below went through. */
const covered = new Set<string>();

async function call(
  route: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply> {
  covered.add(route);
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken();
  const res = await fetch(new URL(path, location.origin), {
    method,
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

function conforms(schema: z.ZodType, body: unknown, what: string): void {
  const r = schema.safeParse(body);
  expect(r.success, `${what}: ${r.success ? '' : JSON.stringify(r.error.issues, null, 1)}`).toBe(true);
}

/**
 * The status podup would answer and, on success, the body's schema: 401 for everything while signed out,
 * 429 with Retry-After for state-changing calls when rate limited.
 */
function check(
  reply: Reply,
  what: string,
  ok: { status: number; schema?: z.ZodType },
  mutating: boolean,
): boolean {
  const { signedIn, profile } = mockState();
  const expected = !signedIn ? 401 : mutating && profile === 'rate-limited' ? 429 : ok.status;
  expect(reply.status, what).toBe(expected);
  if (expected >= 400) {
    conforms(ErrorBody, reply.body, what);
    if (expected === 429) expect(Number(reply.headers.get('retry-after')), what).toBeGreaterThan(0);
    return false;
  }
  if (ok.schema) conforms(ok.schema, reply.body, what);
  else expect(reply.text, what).toBe('');
  return true;
}

interface Frame {
  id?: string;
  event?: string;
  data?: string;
}

function frames(text: string): Frame[] {
  return text
    .split('\n\n')
    .filter((f) => f.trim())
    .map((f) => {
      const frame: Frame = {};
      for (const line of f.split('\n')) {
        const i = line.indexOf(': ');
        const [k, v] = i < 0 ? [line, ''] : [line.slice(0, i), line.slice(i + 2)];
        if (k === 'id' || k === 'event' || k === 'data') frame[k] = v;
      }
      return frame;
    })
    .filter((f) => f.event);
}

/** Every `log` frame is an ApiTaskLog whose id is the event id; the last frame is `end` with TaskLogEnd. */
function checkStream(text: string, what: string): Frame[] {
  const all = frames(text);
  expect(all.length, what).toBeGreaterThan(0);
  for (const f of all.slice(0, -1)) {
    expect(f.event, what).toBe('log');
    const data = JSON.parse(f.data ?? 'null') as { id: number };
    conforms(ApiTaskLog, data, `${what} log`);
    expect(f.id, what).toBe(String(data.id));
  }
  const end = all.at(-1)!;
  expect(end.event, what).toBe('end');
  conforms(TaskLogEnd, JSON.parse(end.data ?? 'null'), `${what} end`);
  return all;
}

async function exerciseReads(p: string): Promise<void> {
  const signedIn = mockState().signedIn;
  const session = await call('GET /api/session', '/api/session');
  if (mockState().profile === 'auth-error' && !signedIn)
    check(session, `${p} GET /api/session`, { status: 200 }, false);
  else {
    expect(session.status).toBe(200);
    conforms(Session, session.body, `${p} GET /api/session`);
  }

  const health = await call('GET /healthz', '/healthz');
  expect(health.status).toBe(200);
  conforms(Health, health.body, `${p} /healthz`);
  const ready = await call('GET /readyz', '/readyz');
  expect(ready.status).toBe(mockState().profile === 'degraded' ? 503 : 200);
  conforms(Readiness, ready.body, `${p} /readyz`);

  check(
    await call('GET /api/overview', '/api/overview'),
    `${p} overview`,
    { status: 200, schema: Overview },
    false,
  );
  check(await call('GET /api/units', '/api/units'), `${p} units`, { status: 200, schema: UnitsReply }, false);
  check(
    await call('GET /api/settings', '/api/settings'),
    `${p} settings`,
    { status: 200, schema: Settings },
    false,
  );
  check(
    await call('POST /api/v1/settings/test-delivery', '/api/v1/settings/test-delivery', { method: 'POST' }),
    `${p} test delivery`,
    // As recorded: 503 where the profile has no webhook secret to sign with.
    { status: mockState().data.testDelivery.reached.status, schema: TestDeliveryReply },
    true,
  );

  const tasks = await call('GET /api/tasks', '/api/tasks?limit=20');
  if (check(tasks, `${p} tasks`, { status: 200, schema: TasksPage }, false)) {
    const page = tasks.body as TasksPage;
    if (page.nextCursor) {
      const next = await call(
        'GET /api/tasks',
        `/api/tasks?limit=20&cursor=${encodeURIComponent(page.nextCursor)}`,
      );
      check(next, `${p} tasks page 2`, { status: 200, schema: TasksPage }, false);
      const ids = new Set(page.tasks.map((t) => t.id));
      expect((next.body as TasksPage).tasks.some((t) => ids.has(t.id))).toBe(false);
    }
    for (const q of [
      'status=failed',
      'kind=unit-update',
      'unit=web.service',
      'q=acme',
      'image=ghcr.io%2Facme%2Fweb%3Amain',
    ])
      check(
        await call('GET /api/tasks', `/api/tasks?${q}`),
        `${p} tasks ${q}`,
        { status: 200, schema: TasksPage },
        false,
      );
    check(await call('GET /api/tasks', '/api/tasks?limit=5000'), `${p} bad limit`, { status: 400 }, false);

    const first = page.tasks[0];
    if (first) {
      const detail = await call('GET /api/tasks/:id', `/api/tasks/${first.id}`);
      check(detail, `${p} task`, { status: 200, schema: ApiTaskDetail }, false);
      const log = (detail.body as ApiTaskDetail).log;
      const mid = log[Math.floor(log.length / 2)];
      if (mid) {
        const after = await call('GET /api/tasks/:id', `/api/tasks/${first.id}?after=${mid.id}`);
        check(after, `${p} task after`, { status: 200, schema: ApiTaskDetail }, false);
        expect((after.body as ApiTaskDetail).log.every((l) => l.id > mid.id)).toBe(true);
      }
    }
  }
  check(await call('GET /api/tasks/:id', '/api/tasks/tsk_NOPE'), `${p} unknown task`, { status: 404 }, false);

  const events = await call('GET /api/events', '/api/events?limit=50');
  if (check(events, `${p} events`, { status: 200, schema: EventsPage }, false)) {
    const page = events.body as EventsPage;
    if (page.nextCursor)
      check(
        await call('GET /api/events', `/api/events?cursor=${page.nextCursor}`),
        `${p} events 2`,
        { status: 200, schema: EventsPage },
        false,
      );
    for (const q of [
      'outcome=accepted',
      'route=%2Fwebhooks',
      'event=package',
      'since=24h',
      `until=${Date.now()}`,
      'status=401',
    ])
      check(
        await call('GET /api/events', `/api/events?${q}`),
        `${p} events ${q}`,
        { status: 200, schema: EventsPage },
        false,
      );
    check(
      await call('GET /api/events', '/api/events?outcome=maybe'),
      `${p} bad outcome`,
      { status: 400 },
      false,
    );
  }
}

async function exerciseStream(p: string): Promise<void> {
  // One with a few lines to resume in (a scheduled prune logs one line).
  const finished = mockState().tasks.find((t) => t.task.status === 'succeeded' && detailOf(t).log.length > 2);
  if (!mockState().signedIn) {
    const r = await call('GET /api/tasks/:id/log', '/api/tasks/tsk_ANY/log', {
      headers: { accept: 'text/event-stream' },
    });
    check(r, `${p} log stream`, { status: 200 }, false);
    return;
  }
  if (finished) {
    const r = await call('GET /api/tasks/:id/log', `/api/tasks/${finished.task.id}/log`);
    expect(r.headers.get('content-type')).toMatch(/^text\/event-stream\b/);
    const { log } = detailOf(finished);
    const all = checkStream(r.text, `${p} finished stream`);
    expect(all.length).toBe(log.length + 1);
    // Resumed with Last-Event-ID: only what came after.
    const from = log[1]!.id;
    const resumed = await call('GET /api/tasks/:id/log', `/api/tasks/${finished.task.id}/log`, {
      headers: { 'last-event-id': String(from) },
    });
    expect(checkStream(resumed.text, `${p} resumed`).length).toBe(log.length - 2 + 1);
  }
  const running = firstWith('running');
  if (running) {
    // Live: lines played while the stream is open arrive, then `end`.
    const pending = call('GET /api/tasks/:id/log', `/api/tasks/${running.task.id}/log`);
    await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 200 && running.task.status === 'running'; i++) tick();
    const r = await pending;
    const all = checkStream(r.text, `${p} live stream`);
    expect(all.length).toBe(detailOf(running).log.length + 1);
  }
  check(
    await call('GET /api/tasks/:id/log', '/api/tasks/tsk_NOPE/log'),
    `${p} unknown stream`,
    { status: 404 },
    false,
  );
}

/** What each kind of recorded change answers. */
function exchangeSchema(method: string, path: string): z.ZodType {
  if (path.startsWith('/api/units/') && !path.endsWith('/update')) return PolicyReply;
  if (path.startsWith('/api/schedules')) {
    if (method === 'DELETE') return z.object({ message: z.string() });
    return path.endsWith('/run') ? ScheduleRunReply : ApiSchedule;
  }
  return TriggerReply;
}

/** Policies, approvals and schedules: every handler, with what the recordings answer. */
async function exercisePolicies(p: string): Promise<void> {
  const { reads, tasks } = mockState();
  check(
    await call('GET /api/schedules', '/api/schedules'),
    `${p} schedules`,
    { status: 200, schema: SchedulesReply },
    false,
  );
  const preview = await call(
    'GET /api/schedules/preview',
    '/api/schedules/preview?cron=0%203%20*%20*%20*&zone=UTC',
  );
  check(preview, `${p} preview`, { status: 200, schema: CronPreview }, false);
  const unit = reads.units.body.units.find((u) => u.managed);
  const send = (route: string, path: string, method: string, body?: unknown) =>
    call(route, path, { method, body });
  if (unit) {
    const base = `/api/units/${unit.unit}`;
    const ok = { status: 200, schema: PolicyReply };
    check(
      await send('PUT /api/units/:unit/policy', `${base}/policy`, 'PUT', { policy: 'approve' }),
      `${p} policy`,
      ok,
      true,
    );
    check(
      await send('POST /api/units/:unit/snooze', `${base}/snooze`, 'POST', { until: '1d' }),
      `${p} snooze`,
      ok,
      true,
    );
    const digest = unit.check?.digest ?? unit.registryDigest;
    const skip = await send('POST /api/units/:unit/skip', `${base}/skip`, 'POST', { digest });
    if (digest && digest !== unit.runningDigest) check(skip, `${p} skip`, ok, true);
  } else {
    await send('PUT /api/units/:unit/policy', '/api/units/x.service/policy', 'PUT', { policy: 'off' });
    await send('POST /api/units/:unit/snooze', '/api/units/x.service/snooze', 'POST', { until: null });
    await send('POST /api/units/:unit/skip', '/api/units/x.service/skip', 'POST', { digest: 'sha256:x' });
  }
  const [schedule] = reads.schedules.body.schedules;
  const name = schedule?.name ?? 'none';
  const has = (s: z.ZodType) => (schedule ? { status: 200, schema: s } : { status: 500 });
  const path = `/api/schedules/${name}`;
  if (schedule) {
    for (const action of schedule.paused ? ['resume', 'pause'] : ['pause', 'resume'])
      check(
        await send(`POST /api/schedules/:name/${action}`, `${path}/${action}`, 'POST'),
        `${p} ${action}`,
        has(ApiSchedule),
        true,
      );
    check(
      await send('POST /api/schedules/:name/run', `${path}/run`, 'POST'),
      `${p} run`,
      has(ScheduleRunReply),
      true,
    );
    const { cron, zone, action, units, randomDelay } = schedule;
    check(
      await send('PUT /api/schedules/:name', path, 'PUT', { cron, zone, action, units, randomDelay }),
      `${p} edit`,
      has(ApiSchedule),
      true,
    );
    check(
      await send('DELETE /api/schedules/:name', path, 'DELETE'),
      `${p} delete`,
      has(z.object({ message: z.string() })),
      true,
    );
  } else {
    for (const action of ['pause', 'resume', 'run'])
      await send(`POST /api/schedules/:name/${action}`, `${path}/${action}`, 'POST');
    await send('PUT /api/schedules/:name', path, 'PUT', { cron: '0 3 * * *' });
    await send('DELETE /api/schedules/:name', path, 'DELETE');
  }
  const created = await send('POST /api/schedules', '/api/schedules', 'POST', {
    name: 'from-the-panel',
    cron: '0 3 * * *',
    zone: 'UTC',
    action: 'check',
  });
  check(created, `${p} create`, { status: 201, schema: ApiSchedule }, true);
  const awaiting = tasks.find((t) => t.task.status === 'awaiting-approval');
  const id = awaiting?.task.id ?? 'tsk_NONE';
  const approve = await send('POST /api/tasks/:id/approve', `/api/tasks/${id}/approve`, 'POST');
  if (awaiting) check(approve, `${p} approve`, { status: 200, schema: TaskActionReply }, true);
  const other = tasks.find((t) => t.task.status === 'awaiting-approval' && t.task.id !== id);
  const reject = await send(
    'POST /api/tasks/:id/reject',
    `/api/tasks/${other?.task.id ?? id}/reject`,
    'POST',
  );
  if (other) check(reject, `${p} reject`, { status: 200, schema: TaskActionReply }, true);
}

async function exerciseWrites(p: string): Promise<void> {
  const unit = mockState().reads.units.body.units.find((u) => u.managed)?.unit;
  const post = (route: string, path: string, body?: unknown) => call(route, path, { method: 'POST', body });

  if (unit) {
    const dry = await post('POST /api/units/:unit/update', `/api/units/${unit}/update`, { dryRun: true });
    if (check(dry, `${p} unit dry run`, { status: 200, schema: TriggerReply }, true))
      expect((dry.body as TriggerReply).status).toBe('dry-run');
    const queued = await post('POST /api/units/:unit/update', `/api/units/${unit}/update`, {
      reason: 'contract',
    });
    if (check(queued, `${p} unit update`, { status: 202, schema: TriggerReply }, true))
      expect((queued.body as TriggerReply).status).toBe('queued');
    check(
      await post('POST /api/units/:unit/update', `/api/units/${unit}/update`, { sudo: true }),
      `${p} strict body`,
      { status: 400 },
      true,
    );
  }
  check(
    await post('POST /api/units/:unit/update', '/api/units/nope.service/update', {}),
    `${p} unknown unit`,
    { status: 404 },
    true,
  );

  const all = await post('POST /api/tasks', '/api/tasks', { all: true, dryRun: true, caller: 'web' });
  check(all, `${p} trigger dry run`, unit ? { status: 200, schema: TriggerReply } : { status: 404 }, true);
  if (unit)
    check(
      await post('POST /api/tasks', '/api/tasks', { units: [unit] }),
      `${p} trigger`,
      { status: 202, schema: TriggerReply },
      true,
    );
  check(
    await post('POST /api/tasks', '/api/tasks', { units: ['nope.service'] }),
    `${p} trigger unknown`,
    { status: 404 },
    true,
  );

  const finished = firstWith('failed') ?? mockState().tasks.find((t) => t.task.status !== 'queued');
  check(await post('POST /api/tasks', '/api/tasks', {}), `${p} trigger nothing`, { status: 400 }, true);
  const active = firstWith('queued') ?? firstWith('running');
  if (finished) {
    const id = finished.task.id;
    check(
      await post('POST /api/tasks/:id/stop', `/api/tasks/${id}/stop`),
      `${p} stop finished`,
      { status: 409 },
      true,
    );
    check(
      await post('POST /api/tasks/:id/force-stop', `/api/tasks/${id}/force-stop`),
      `${p} force finished`,
      { status: 409 },
      true,
    );
    const retry = await post('POST /api/tasks/:id/retry', `/api/tasks/${id}/retry`);
    if (check(retry, `${p} retry`, { status: 202, schema: TaskActionReply }, true)) {
      const newId = (retry.body as TaskActionReply).retryTaskId!;
      // Like podup: the reply's task is the new one.
      expect((retry.body as TaskActionReply).task.id).toBe(newId);
      expect(findTask(newId)?.task.retryOf).toBe(id);
      check(
        await post('POST /api/tasks/:id/retry', `/api/tasks/${newId}/retry`),
        `${p} retry queued`,
        { status: 409 },
        true,
      );
      check(
        await post('POST /api/tasks/:id/stop', `/api/tasks/${newId}/stop`),
        `${p} stop queued`,
        { status: 200, schema: TaskActionReply },
        true,
      );
    }
  }
  if (active) {
    check(
      await post('POST /api/tasks/:id/force-stop', `/api/tasks/${active.task.id}/force-stop`),
      `${p} force`,
      { status: 200, schema: TaskActionReply },
      true,
    );
  }
  check(
    await post('POST /api/tasks/:id/stop', '/api/tasks/tsk_NOPE/stop'),
    `${p} stop unknown`,
    { status: 404 },
    true,
  );
}

/** The Tokens and Notifications pages: lists, create and revoke, test, add and remove, as podup answers them. */
async function exerciseAdmin(p: string): Promise<void> {
  const { data } = mockState();
  const tokens = await call('GET /api/v1/tokens', '/api/v1/tokens');
  check(tokens, `${p} tokens`, { status: 200, schema: TokensReply }, false);
  const created = await call('POST /api/v1/tokens', '/api/v1/tokens', {
    method: 'POST',
    body: { name: 'contract-bot', scopes: ['read'], units: ['web*'] },
  });
  if (check(created, `${p} create token`, { status: 201, schema: CreatedToken }, true)) {
    expect(created.body).toMatchObject({ name: 'contract-bot', scopes: ['read'], units: ['web*'] });
    const listed = await call('GET /api/v1/tokens', '/api/v1/tokens');
    expect((listed.body as TokensReply).tokens.map((t) => t.name)).toContain('contract-bot');
    expect(JSON.stringify(listed.body)).not.toContain((created.body as CreatedToken).token);
  }
  check(
    await call('POST /api/v1/tokens', '/api/v1/tokens', {
      method: 'POST',
      body: { name: 'x', scopes: ['root'] },
    }),
    `${p} bad token body`,
    { status: 400 },
    true,
  );
  check(
    await call('DELETE /api/v1/tokens/:name', '/api/v1/tokens/contract-bot', { method: 'DELETE' }),
    `${p} revoke`,
    { status: 204 },
    true,
  );

  const channels = await call('GET /api/v1/notifications/channels', '/api/v1/notifications/channels');
  check(channels, `${p} channels`, { status: 200, schema: ChannelsReply }, false);
  for (const c of mockState().channels) {
    const test = await call(
      'POST /api/v1/notifications/channels/:id/test',
      `/api/v1/notifications/channels/${c.id}/test`,
      { method: 'POST' },
    );
    check(test, `${p} test ${c.id}`, { status: 202, schema: TestReply }, true);
  }
  const added = await call('POST /api/v1/notifications/channels', '/api/v1/notifications/channels', {
    method: 'POST',
    body: { name: 'contract', url: 'ntfy://ntfy.sh/x', events: ['failed'] },
  });
  const addStatus = data.notifications.add.reply.status;
  const fromEnv = mockState().channels.find((c) => c.source === 'env');
  if (fromEnv)
    check(
      await call('PATCH /api/v1/notifications/channels/:id', `/api/v1/notifications/channels/${fromEnv.id}`, {
        method: 'PATCH',
        body: { events: ['failed'] },
      }),
      `${p} change a channel of PODUP_NOTIFY`,
      { status: data.notifications.changeEnv.status },
      true,
    );
  if (check(added, `${p} add channel`, { status: addStatus, schema: ApiChannel }, true)) {
    const id = (added.body as ApiChannel).id;
    const changed = await call(
      'PATCH /api/v1/notifications/channels/:id',
      `/api/v1/notifications/channels/${id}`,
      { method: 'PATCH', body: { name: 'contract 2', events: ['failed', 'degraded'] } },
    );
    const changeStatus = data.notifications.change.reply.status;
    if (check(changed, `${p} change channel`, { status: changeStatus, schema: ApiChannel }, true))
      expect(changed.body).toMatchObject({ id, name: 'contract 2', events: ['failed', 'degraded'] });
    check(
      await call('DELETE /api/v1/notifications/channels/:id', `/api/v1/notifications/channels/${id}`, {
        method: 'DELETE',
      }),
      `${p} remove channel`,
      { status: 204 },
      true,
    );
  } else
    check(
      await call('DELETE /api/v1/notifications/channels/:id', '/api/v1/notifications/channels/ch_none', {
        method: 'DELETE',
      }),
      `${p} remove channel`,
      { status: data.notifications.remove.status },
      true,
    );
}

async function exerciseSession(p: string): Promise<void> {
  const wrong = await call('POST /api/session', '/api/session', { method: 'POST', body: { token: 'wrong' } });
  expect(wrong.status, p).toBe(401);
  conforms(ErrorBody, wrong.body, `${p} wrong token`);
  const bad = await call('POST /api/session', '/api/session', { method: 'POST', body: { token: '' } });
  expect(bad.status, p).toBe(400);
  conforms(ErrorBody, bad.body, `${p} empty token`);
  const token = recordedTransport().token;
  const ok = await call('POST /api/session', '/api/session', { method: 'POST', body: { token } });
  expect(ok.status, p).toBe(200);
  conforms(Session, ok.body, `${p} sign in`);
  expect((ok.body as { authenticated: boolean }).authenticated).toBe(true);

  const out = await call('DELETE /api/session', '/api/session', { method: 'DELETE' });
  if (mockState().profile === 'rate-limited') {
    expect(out.status).toBe(429);
    conforms(ErrorBody, out.body, `${p} sign out`);
  } else {
    expect(out.status, `${p} sign out`).toBe(204);
    expect(out.text).toBe('');
    const after = await call('GET /api/session', '/api/session');
    if (mockState().profile === 'auth-error') {
      // auth-error: every /api call is 401 while signed out, the session included.
      expect(after.status).toBe(401);
      conforms(ErrorBody, after.body, `${p} signed out`);
    } else {
      conforms(Session, after.body, `${p} signed out`);
      expect((after.body as { authenticated: boolean }).authenticated).toBe(false);
    }
    check(await call('GET /api/overview', '/api/overview'), `${p} after sign out`, { status: 200 }, false);
  }
}

describe('mock API conforms to the contract', () => {
  it.each(PROFILES)('%s', async (profile: Profile) => {
    resetMocks(profile);
    await exerciseReads(profile);
    await exerciseStream(profile);
    await exerciseWrites(profile);
    await exercisePolicies(profile);
    await exerciseAdmin(profile);
    if (profile === 'auth-error') {
      // Signed in, the same calls answer for real.
      const ok = await call('POST /api/session', '/api/session', {
        method: 'POST',
        body: { token: recordedTransport().token },
      });
      expect(ok.status).toBe(200);
      await exerciseReads(`${profile} (signed in)`);
      await exerciseStream(`${profile} (signed in)`);
      await exerciseWrites(`${profile} (signed in)`);
      await exercisePolicies(`${profile} (signed in)`);
      await exerciseAdmin(`${profile} (signed in)`);
    }
    await exerciseSession(profile);
  });

  afterAll(() => {
    // Every handler was called by some case above: a new endpoint without a contract check fails here.
    expect([...covered].sort()).toEqual(handlers.map((h) => h.info.header).sort());
  });
});

describe('the recorded fixtures conform to the contract', () => {
  /** A 2xx answer has `schema`'s body, any other an ErrorBody. */
  const answer = (r: Recorded, schema: z.ZodType, what: string) =>
    conforms(r.status < 300 ? schema : ErrorBody, r.body, `${what} (${r.status})`);
  const frames = (list: SseFrame[], what: string) => {
    for (const f of list) {
      if (f.event === 'log') conforms(ApiTaskLog, JSON.parse(f.data ?? 'null'), `${what} log ${f.id}`);
      if (f.event === 'end') conforms(TaskLogEnd, JSON.parse(f.data ?? 'null'), `${what} end`);
    }
    expect(list.at(-1)?.event, what).toBe('end');
  };
  const story = (s: TaskStory, what: string) => {
    conforms(ApiTaskDetail, s.detail, what);
    if (s.retry) answer(s.retry.reply, TaskActionReply, `${what} retry`);
    if (s.retry?.task) conforms(ApiTaskDetail, s.retry.task, `${what} retried`);
  };

  it.each(Object.keys(DATA_FIXTURES) as Array<keyof typeof DATA_FIXTURES>)('%s', (name) => {
    const f = DATA_FIXTURES[name];
    answer(f.healthz, Health, 'healthz');
    conforms(Readiness, f.readyz.body, 'readyz');
    answer(f.overview, Overview, 'overview');
    answer(f.units, UnitsReply, 'units');
    answer(f.settings, Settings, 'settings');
    f.tasks.forEach((s) => story(s, `task ${s.detail.id}`));
    f.events.forEach((e) => conforms(ApiEvent, e, `event ${e.id}`));
    for (const c of f.control) {
      answer(c.reply, TaskActionReply, `${c.action} of a ${c.status} task`);
      if (c.change) conforms(ApiTask.partial(), c.change.fields, `${c.action} change`);
      c.change?.log.forEach((l) => conforms(ApiTaskLog, l, `${c.action} change log`));
    }
    answer(f.schedules, SchedulesReply, 'schedules');
    for (const pv of f.previews) answer(pv.reply, CronPreview, `preview of ${pv.cron}`);
    for (const e of f.exchanges) {
      answer(e.reply, exchangeSchema(e.method ?? 'POST', e.path), `${e.method ?? 'POST'} ${e.path}`);
      if (e.task) story(e.task, `task of POST ${e.path}`);
    }
    if (f.stream) frames(f.stream.frames, 'stream');
    answer(f.tokens.list, TokensReply, 'tokens');
    answer(f.tokens.create.reply, CreatedToken, 'created token');
    answer(f.notifications.channels, ChannelsReply, 'channels');
    f.notifications.tests.forEach((t) => answer(t.reply, TestReply, `test of ${t.channel}`));
    answer(f.notifications.add.reply, ApiChannel, 'added channel');
    answer(f.notifications.change.reply, ApiChannel, 'changed channel');
    answer(f.notifications.changeEnv, ApiChannel, 'changed channel of PODUP_NOTIFY');
    if (f.live) {
      conforms(ApiTaskDetail, f.live.running, 'running task');
      for (const [end, e] of Object.entries(f.live.ends)) {
        if (e.reply) answer(e.reply, TaskActionReply, `${end} of the running task`);
        conforms(ApiTaskDetail, e.detail, `running task after ${end}`);
        frames(e.stream, `stream to ${end}`);
      }
    }
  });

  it('transport', () => {
    for (const r of [TRANSPORT.session, TRANSPORT.signedOut, TRANSPORT.signIn]) answer(r, Session, 'session');
    const errors = [
      TRANSPORT.emptyToken,
      TRANSPORT.unauthorized,
      TRANSPORT.csrfRefused,
      TRANSPORT.rateLimited,
      TRANSPORT.taskNotFound,
      TRANSPORT.unitNotFound,
      TRANSPORT.badTasksQuery,
      TRANSPORT.badEventsQuery,
      TRANSPORT.badBody,
      ...TRANSPORT.wrongTokens,
    ];
    for (const r of errors) {
      expect(r.status).toBeGreaterThanOrEqual(400);
      conforms(ErrorBody, r.body, `error ${r.status}`);
    }
    expect(Number(TRANSPORT.rateLimited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
