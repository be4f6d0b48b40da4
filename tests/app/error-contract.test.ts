/**
 * Every answer podup gives is { error: { code, message, requestId } } with the security headers, and leaves an
 * event-log row and a log line whose outcome agrees with the status: also when Fastify refuses the URL before
 * any hook runs, when Node's HTTP parser refuses the request (it never becomes a Fastify request), while the
 * server shuts down, and when a use case's commit fails (a full disk).
 */
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { queuedTask } from '../../server/src/domain/tasks/task.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { injectEvent, rawFixture } from '../helpers/github.js';
import { openRaw, parseResponses, sendRaw, type RawResponse } from '../helpers/raw-http.js';

let t: FakeTestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

async function app(): Promise<FakeTestApp> {
  t = await buildFakeApp();
  return t;
}

async function listening(a: FakeTestApp): Promise<number> {
  await a.app.listen({ host: '127.0.0.1', port: 0 });
  return (a.app.server.address() as AddressInfo).port;
}

type Row = {
  request_id: string;
  route: string;
  method: string;
  status: number;
  outcome: string;
  reason: string | null;
  task_id: string | null;
};

/** Rows of reads commit with the next batch: flush first. */
function rows(a: FakeTestApp): Row[] {
  a.podup.state.writes.flush();
  return a.podup.db.prepare('SELECT * FROM events ORDER BY id').all() as Row[];
}

async function rowOf(a: FakeTestApp, requestId: string): Promise<Row | undefined> {
  // Rows written from outside a request's hooks are queued without being awaited.
  await new Promise((r) => setImmediate(r));
  return rows(a).find((r) => r.request_id === requestId);
}

function logLines(a: FakeTestApp): Array<Record<string, unknown>> {
  return a.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
}

const requestLine = (a: FakeTestApp, status: number) =>
  logLines(a).find((l) => l.msg === 'request' && l.status === status);

/** The one error shape, with the security headers and the request id it names. */
function expectErrorShape(
  res: { status: number; headers: Record<string, unknown>; body: string },
  status: number,
  code: string,
): string {
  expect(res.status).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/json/);
  const body = JSON.parse(res.body) as { error: { code: string; message: string; requestId: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toEqual({ code, message: expect.any(String), requestId: expect.any(String) });
  expect(res.headers['x-request-id']).toBe(body.error.requestId);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['referrer-policy']).toBe('no-referrer');
  expect(res.headers['permissions-policy']).toMatch(/camera=\(\)/);
  expect(res.headers['content-security-policy']).toMatch(
    /default-src 'none'.*base-uri 'none'.*form-action 'none'/,
  );
  return body.error.requestId;
}

const fromInject = (r: { statusCode: number; headers: Record<string, unknown>; body: string }) => ({
  status: r.statusCode,
  headers: r.headers,
  body: r.body,
});

describe('URLs Fastify refuses before routing (frameworkErrors)', () => {
  it('a path parameter over the length limit: 414 URI_TOO_LONG, traced', async () => {
    const a = await app();
    // A POST: for GET the panel's catch-all route takes any path.
    const res = await a.app.inject({
      method: 'POST',
      url: `/api/tasks/${'x'.repeat(150)}/stop`,
      headers: adminHeaders,
    });
    const id = expectErrorShape(fromInject(res), 414, 'URI_TOO_LONG');
    expect(res.json().error.message).not.toContain('xxxx');
    expect(await rowOf(a, id)).toMatchObject({ status: 414, outcome: 'rejected', method: 'POST' });
    expect(requestLine(a, 414)).toMatchObject({ outcome: 'rejected', reqId: id });
  });

  it('a malformed percent-encoding in a parameter: 400 BAD_REQUEST, traced', async () => {
    const a = await app();
    const res = await a.app.inject({ method: 'GET', url: '/api/tasks/%E0%A4%A', headers: adminHeaders });
    const id = expectErrorShape(fromInject(res), 400, 'BAD_REQUEST');
    expect(await rowOf(a, id)).toMatchObject({
      status: 400,
      outcome: 'rejected',
      route: '/api/tasks/%E0%A4%A',
    });
    expect(requestLine(a, 400)).toMatchObject({ outcome: 'rejected' });
  });
});

describe("requests Node's HTTP parser refuses (clientError)", () => {
  it('headers too large: 431 HEADERS_TOO_LARGE in the one shape, traced', async () => {
    const a = await app();
    const port = await listening(a);
    const [res] = await sendRaw(
      port,
      `GET /api/tasks HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    );
    const id = expectErrorShape(res as RawResponse, 431, 'HEADERS_TOO_LARGE');
    expect(await rowOf(a, id)).toMatchObject({
      status: 431,
      outcome: 'rejected',
      method: 'GET',
      route: '/api/tasks',
      reason: expect.stringMatching(/^HEADERS_TOO_LARGE: /),
    });
    expect(requestLine(a, 431)).toMatchObject({ outcome: 'rejected', reqId: id });
  });

  it.each([
    ['a header line without a colon', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n'],
    [
      'Content-Length with Transfer-Encoding',
      'POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
    ],
    ['no HTTP at all', '\x16\x03\x01\x00\xa5\x01\x00\x00'],
  ])('a malformed request (%s): 400 BAD_REQUEST in the one shape, traced', async (_what, raw) => {
    const a = await app();
    const port = await listening(a);
    const [res] = await sendRaw(port, raw);
    const id = expectErrorShape(res as RawResponse, 400, 'BAD_REQUEST');
    expect(await rowOf(a, id)).toMatchObject({ status: 400, outcome: 'rejected' });
    expect(requestLine(a, 400)).toMatchObject({ outcome: 'rejected' });
  });

  it('a request not received in time: 408 REQUEST_TIMEOUT in the one shape, traced', async () => {
    const a = await app();
    // Node's own timers, shortened (podup: 30 s, checked every 30 s).
    a.app.server.requestTimeout = 300;
    a.app.server.headersTimeout = 300;
    Object.assign(a.app.server, { connectionsCheckingInterval: 50 });
    const port = await listening(a);
    const c = await openRaw(port);
    c.write('GET /api/tasks HTTP/1.1\r\nHost: x\r\n');
    const [res] = parseResponses(await c.closed);
    const id = expectErrorShape(res as RawResponse, 408, 'REQUEST_TIMEOUT');
    expect(await rowOf(a, id)).toMatchObject({ status: 408, outcome: 'rejected' });
    expect(requestLine(a, 408)).toMatchObject({ outcome: 'rejected' });
  });
});

describe('while shutting down', () => {
  it('a request that arrives after close() began: 503 SHUTTING_DOWN in the one shape, traced', async () => {
    const a = await app();
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    a.app.get('/test/slow', async () => {
      entered();
      await released;
      return { ok: true };
    });
    const port = await listening(a);
    const c = await openRaw(port);
    c.write('GET /test/slow HTTP/1.1\r\nHost: x\r\n\r\n');
    await inside;
    const closing = a.app.close();
    await new Promise((r) => setTimeout(r, 50));
    c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await new Promise((r) => setTimeout(r, 50));
    release();
    const [slow, late] = parseResponses(await c.closed);
    await closing;
    expect(slow?.status).toBe(200);
    const id = expectErrorShape(late as RawResponse, 503, 'SHUTTING_DOWN');
    expect(late?.headers.connection).toBe('close');
    expect(await rowOf(a, id)).toMatchObject({ status: 503, outcome: 'error', route: '/healthz' });
  });
});

describe('outcome agrees with status', () => {
  const body = rawFixture('package-published');

  /**
   * The last write of a use case's unit of work (its own event row, written once it has decided) fails as on
   * a full disk, so the whole unit of work is rolled back; the row the reply hook writes afterwards (a
   * failure status) goes through.
   */
  const failDecidedRows = (a: FakeTestApp) =>
    a.podup.db.exec(
      `CREATE TEMP TRIGGER disk_full BEFORE INSERT ON main.events WHEN NEW.status < 400
       BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
    );

  it('a delivery whose unit of work fails (a full disk): its row and log line say error, with no task', async () => {
    const a = await app();
    failDecidedRows(a);
    const res = await injectEvent(a.app, 'package', body);
    expect(res.statusCode).toBe(500);
    const id = String(res.headers['x-request-id']);
    expect(await rowOf(a, id)).toMatchObject({
      status: 500,
      outcome: 'error',
      task_id: null,
      reason: 'INTERNAL: internal error',
    });
    const line = requestLine(a, 500);
    expect(line).toMatchObject({ status: 500, outcome: 'error', reqId: id });
    expect(line?.taskId).toBeUndefined();
  });

  it('a trigger whose commit fails says error in its row, with no task', async () => {
    const a = await app();
    failDecidedRows(a);
    const ref = 'ghcr.io/acme/app:stable';
    a.host.push(ref, 'app-1');
    a.host.addUnit('app.service', ref);
    const res = await a.app.inject({
      method: 'POST',
      url: '/api/tasks',
      headers: adminHeaders,
      payload: { units: ['app.service'] },
    });
    expect(res.statusCode).toBe(500);
    const row = await rowOf(a, String(res.headers['x-request-id']));
    expect(row).toMatchObject({ status: 500, outcome: 'error', task_id: null });
  });

  it('a retry whose commit fails says error in its row, with no task', async () => {
    const a = await app();
    const now = Date.now();
    const failed = queuedTask({
      id: 'tsk_RETRYFULLDISK',
      kind: 'unit-update',
      status: 'failed',
      image: null,
      units: ['app.service'],
      trigger: 'api',
      delivery: null,
      caller: null,
      reason: null,
      createdAt: now,
      updatedAt: now,
      startedAt: now,
      finishedAt: now,
      notBefore: null,
    });
    a.podup.state.stores.tasks.create(failed);
    failDecidedRows(a);
    const res = await a.app.inject({
      method: 'POST',
      url: `/api/tasks/${failed.id}/retry`,
      headers: adminHeaders,
    });
    expect(res.statusCode).toBe(500);
    const row = await rowOf(a, String(res.headers['x-request-id']));
    expect(row).toMatchObject({ status: 500, outcome: 'error', task_id: null });
  });
});
