/**
 * The live task log (SSE) under load and across sign-out, through the whole app on the fakes, listening on
 * 127.0.0.1 (streams need a real socket): one shared poll per task however many streams follow it, a cap on
 * streams per credential (429), and a stream that ends with the session or API token that opened it (sign-out,
 * revoke, expiry).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { queuedTask } from '../../server/src/domain/tasks/task.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { ADMIN_TOKEN } from '../helpers/github.js';
import { rawConnect } from '../helpers/raw-socket.js';

let t: FakeTestApp | undefined;
const streams: Stream[] = [];
afterEach(async () => {
  for (const s of streams.splice(0)) s.abort();
  await t?.close();
  t = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Stream {
  status: number;
  headers: Headers;
  text(): string;
  waitFor(needle: string, timeoutMs?: number): Promise<void>;
  /** Resolves once the server ended the stream. */
  ended: Promise<void>;
  abort(): void;
}

async function openStream(url: string, headers: Record<string, string>): Promise<Stream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers, signal: controller.signal });
  let text = '';
  const wake = new Set<() => void>();
  const ended = (async () => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
        for (const w of wake) w();
      }
    } catch {
      /* aborted by the test */
    }
  })();
  const s: Stream = {
    status: res.status,
    headers: res.headers,
    text: () => text,
    ended,
    waitFor: async (needle, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(needle)) {
        if (Date.now() > deadline) throw new Error(`no "${needle}" in:\n${text}`);
        await Promise.race([new Promise<void>((r) => wake.add(r)), ended, sleep(50)]);
      }
    },
    abort: () => controller.abort(),
  };
  streams.push(s);
  return s;
}

async function listening(env: Record<string, string> = {}) {
  t = await buildFakeApp(env);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { ...t, port, base: `http://127.0.0.1:${port}` };
}

function runningTask(app: FakeTestApp): string {
  const now = Date.now();
  const task = queuedTask({
    id: `tsk_${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
    kind: 'image-update',
    status: 'running',
    image: 'ghcr.io/acme/app:stable',
    units: null,
    trigger: 'webhook',
    delivery: null,
    caller: null,
    reason: null,
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    finishedAt: null,
    notBefore: null,
  });
  app.podup.state.stores.tasks.create(task);
  app.podup.state.stores.journals.log(task.id, 'info', 'task', 'started');
  return task.id;
}

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: ADMIN_TOKEN }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/** A read-scoped API token made through the API; its plain text. */
async function apiToken(base: string, name: string, expires?: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/tokens`, {
    method: 'POST',
    headers: { ...adminHeaders, 'content-type': 'application/json' },
    body: JSON.stringify({ name, scopes: ['read'], ...(expires ? { expires } : {}) }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

describe('one feed per task', () => {
  it('polls the store once per tick for all the streams of a task, and stops when the last one leaves', async () => {
    const a = await listening();
    const id = runningTask(a);
    const { queries } = a.podup.services;
    const taskLog = vi.spyOn(queries, 'taskLog');
    const findTask = vi.spyOn(queries, 'findTask');

    const url = `${a.base}/api/tasks/${id}/log`;
    const open = await Promise.all(Array.from({ length: 12 }, () => openStream(url, adminHeaders)));
    await Promise.all(open.map((s) => s.waitFor('started')));

    taskLog.mockClear();
    findTask.mockClear();
    await sleep(1000);
    // 4 polls a second, each one read of new lines and one of the task's status, for all 12 streams.
    expect(taskLog.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(taskLog.mock.calls.length).toBeLessThanOrEqual(6);
    expect(findTask.mock.calls.length).toBeLessThanOrEqual(6);

    a.podup.state.stores.journals.log(id, 'info', 'plan', 'a line for everyone');
    await Promise.all(open.map((s) => s.waitFor('a line for everyone')));
    a.podup.state.stores.tasks.finish(id, 'succeeded', '1 succeeded', Date.now());
    await Promise.all(open.map((s) => s.ended));
    for (const s of open) {
      expect(s.text()).toMatch(/event: end\ndata: \{"status":"succeeded","summary":"1 succeeded"\}/);
      expect(s.text().match(/a line for everyone/g)).toHaveLength(1);
    }

    // Streams that leave by closing their connection (as a closed browser tab does).
    const other = runningTask(a);
    const late = await Promise.all(Array.from({ length: 3 }, () => rawConnect(a.port)));
    for (const c of late) {
      c.socket.write(
        `GET /api/tasks/${other}/log HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: ${adminHeaders.authorization}\r\n\r\n`,
      );
    }
    await Promise.all(late.map((c) => c.waitFor('started')));
    for (const c of late) c.destroy();
    await sleep(400);
    taskLog.mockClear();
    findTask.mockClear();
    await sleep(600);
    expect(taskLog).not.toHaveBeenCalled();
    expect(findTask).not.toHaveBeenCalled();
  });

  it('a stream that joins a running feed gets its own backlog from Last-Event-ID, then the shared lines', async () => {
    const a = await listening();
    const id = runningTask(a);
    const j = a.podup.state.stores.journals;
    const second = j.log(id, 'info', 'plan', 'second');
    const url = `${a.base}/api/tasks/${id}/log`;
    const first = await openStream(url, adminHeaders);
    await first.waitFor('second');
    j.log(id, 'info', 'plan', 'third');
    await first.waitFor('third');

    const resumed = await openStream(url, { ...adminHeaders, 'last-event-id': String(second) });
    await resumed.waitFor('third');
    expect(resumed.text()).not.toContain('"message":"second"');
    j.log(id, 'info', 'plan', 'fourth');
    await Promise.all([first.waitFor('fourth'), resumed.waitFor('fourth')]);
    expect(resumed.text()).toMatch(/id: \d+\nevent: log\ndata: \{[^\n]*"message":"fourth"/);
  });
});

describe('streams per credential', () => {
  it('answers 429 with Retry-After beyond the cap, per credential, and counts a closed stream out', async () => {
    const a = await listening({ PODUP_MAX_STREAMS_PER_CREDENTIAL: '2' });
    const id = runningTask(a);
    const url = `${a.base}/api/tasks/${id}/log`;
    const bearer = await Promise.all([openStream(url, adminHeaders), openStream(url, adminHeaders)]);
    for (const s of bearer) expect(s.status).toBe(200);

    const refused = await fetch(url, { headers: adminHeaders });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');

    // Another credential has its own share.
    const cookie = await signIn(a.base);
    const withSession = await openStream(url, { cookie });
    expect(withSession.status).toBe(200);

    bearer[0].abort();
    await sleep(200);
    expect((await openStream(url, adminHeaders)).status).toBe(200);

    // The refusal has its event-log row; the streams, successful reads, are counted per minute.
    const events = a.podup.db
      .prepare(`SELECT status FROM events WHERE route = '/api/tasks/:id/log' ORDER BY id`)
      .pluck()
      .all();
    expect(events).toEqual([429]);
    await a.podup.services.audit.flush();
    const opened = a.podup.db
      .prepare(`SELECT sum(count) FROM request_counts WHERE route = '/api/tasks/:id/log' AND status = 200`)
      .pluck()
      .get();
    expect(opened).toBe(4);
  });
});

describe('streams end with their session or token', () => {
  it('signing out ends the streams of that session at once, and only those', async () => {
    const a = await listening();
    const id = runningTask(a);
    const url = `${a.base}/api/tasks/${id}/log`;
    const mine = await signIn(a.base);
    const theirs = await signIn(a.base);
    const [s1, s2, other, bearer] = await Promise.all([
      openStream(url, { cookie: mine }),
      openStream(url, { cookie: mine }),
      openStream(url, { cookie: theirs }),
      openStream(url, adminHeaders),
    ]);
    await Promise.all([s1, s2, other, bearer].map((s) => s.waitFor('started')));

    const out = await fetch(`${a.base}/api/session`, { method: 'DELETE', headers: { cookie: mine } });
    expect(out.status).toBe(204);
    const cut = await Promise.race([
      Promise.all([s1.ended, s2.ended]).then(() => true),
      sleep(1000).then(() => false),
    ]);
    expect(cut).toBe(true);
    for (const s of [s1, s2]) {
      expect(s.text()).toContain(': signed out');
      expect(s.text()).not.toContain('event: end');
    }

    a.podup.state.stores.journals.log(id, 'info', 'plan', 'still here');
    await Promise.all([other.waitFor('still here'), bearer.waitFor('still here')]);
    expect(s1.text()).not.toContain('still here');
    // EventSource reconnects by itself; the session is gone.
    expect((await fetch(url, { headers: { cookie: mine } })).status).toBe(401);
  });

  it('a stream ends when its session expires', async () => {
    const a = await listening({ PODUP_SESSION_TTL: '1500ms' });
    const id = runningTask(a);
    const cookie = await signIn(a.base);
    const s = await openStream(`${a.base}/api/tasks/${id}/log`, { cookie });
    await s.waitFor('started');
    const cut = await Promise.race([s.ended.then(() => true), sleep(4000).then(() => false)]);
    expect(cut).toBe(true);
    expect(s.text()).toContain(': session expired');
    expect(s.text()).not.toContain('event: end');
  });

  it('revoking an API token ends its streams at once, and only those', async () => {
    const a = await listening();
    const id = runningTask(a);
    const url = `${a.base}/api/v1/tasks/${id}/log`;
    const [bot, other] = [await apiToken(a.base, 'log-bot'), await apiToken(a.base, 'other-bot')];
    const [s1, s2, theirs, admin] = await Promise.all([
      openStream(url, { authorization: `Bearer ${bot}` }),
      openStream(url, { authorization: `Bearer ${bot}` }),
      openStream(url, { authorization: `Bearer ${other}` }),
      openStream(url, adminHeaders),
    ]);
    expect(s1.status).toBe(200);
    await Promise.all([s1, s2, theirs, admin].map((s) => s.waitFor('started')));

    const revoke = await fetch(`${a.base}/api/v1/tokens/log-bot`, {
      method: 'DELETE',
      headers: adminHeaders,
    });
    expect(revoke.status).toBe(204);
    const cut = await Promise.race([
      Promise.all([s1.ended, s2.ended]).then(() => true),
      sleep(1000).then(() => false),
    ]);
    expect(cut).toBe(true);
    for (const s of [s1, s2]) {
      expect(s.text()).toContain(': token revoked');
      expect(s.text()).not.toContain('event: end');
    }
    a.podup.state.stores.journals.log(id, 'info', 'plan', 'still here');
    await Promise.all([theirs.waitFor('still here'), admin.waitFor('still here')]);
    expect(s1.text()).not.toContain('still here');
    expect((await fetch(url, { headers: { authorization: `Bearer ${bot}` } })).status).toBe(401);
  });

  it('a token revoked where podup did not hear of it sends nothing more: the stream ends at its next line', async () => {
    const a = await listening();
    const id = runningTask(a);
    const bot = await apiToken(a.base, 'log-bot');
    const s = await openStream(`${a.base}/api/v1/tasks/${id}/log`, { authorization: `Bearer ${bot}` });
    await s.waitFor('started');
    // Straight in the store (another process, a restored backup): no signal reaches the stream.
    expect(a.podup.state.stores.tokens.revoke('log-bot')).toBe(true);
    a.podup.state.stores.journals.log(id, 'info', 'plan', 'secret line');
    const cut = await Promise.race([s.ended.then(() => true), sleep(3000).then(() => false)]);
    expect(cut).toBe(true);
    expect(s.text()).toContain(': token revoked or expired');
    expect(s.text()).not.toContain('secret line');
  });

  it('a stream ends when its API token expires', async () => {
    const a = await listening();
    const id = runningTask(a);
    const bot = await apiToken(a.base, 'short-bot', '1500ms');
    const s = await openStream(`${a.base}/api/v1/tasks/${id}/log`, { authorization: `Bearer ${bot}` });
    expect(s.status).toBe(200);
    await s.waitFor('started');
    const cut = await Promise.race([s.ended.then(() => true), sleep(4000).then(() => false)]);
    expect(cut).toBe(true);
    expect(s.text()).toContain(': token expired');
    expect(s.text()).not.toContain('event: end');
  });

  it('podup closing ends every stream without an end event, so EventSource resumes on the next start', async () => {
    const a = await listening();
    const id = runningTask(a);
    const s = await openStream(`${a.base}/api/tasks/${id}/log`, adminHeaders);
    await s.waitFor('started');
    const closed = a.app.close();
    const cut = await Promise.race([s.ended.then(() => true), sleep(2000).then(() => false)]);
    expect(cut).toBe(true);
    await closed;
    expect(s.text()).toContain(': podup is shutting down');
    expect(s.text()).not.toContain('event: end');
  });
});
