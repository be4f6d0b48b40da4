// @vitest-environment jsdom
/**
 * The API contract, both halves at once: the same requests go to the task panel's MSW handlers (what
 * `npm run dev:mock` and the web tests run on, replaying answers recorded on the fakes) and to the real
 * `podup serve` on the real test host, and both answers must satisfy the zod schemas of
 * server/src/contract/api.ts with the same status. Together with the drift test (tests/app/mock-fixtures)
 * the mocks cannot drift from the server without a test failing.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  ApiTaskDetail,
  ApiTaskLog,
  ErrorBody,
  EventsPage,
  Health,
  Overview,
  Readiness,
  Session,
  Settings,
  TaskActionReply,
  TaskLogEnd,
  TasksPage,
  TriggerReply,
  UnitsReply,
} from '../../server/src/contract/api.js';
import { handlers } from '../../web/src/testing/mocks/handlers/index.js';
import { recordedTransport, resetMocks } from '../../web/src/testing/mocks/state.js';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET, githubHeaders, packagePublished } from '../helpers/github.js';
import { startServer, type ServerProc } from '../helpers/server-process.js';
import { pushImage, removeUnits, startUnits, writeUnit } from '../helpers/units.js';

const msw = setupServer(...handlers);
const run = randomBytes(3).toString('hex');
let server: ServerProc;
let stateDir: string;
let unit: string;

interface Side {
  name: 'mock' | 'real';
  call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; text: string; headers: Headers }>;
}

function side(name: Side['name'], base: () => string, headers: () => Record<string, string>): Side {
  return {
    name,
    async call(method, path, body) {
      const res = await fetch(`${base()}${path}`, {
        method,
        headers: { ...headers(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: res.status, body: parsed, text, headers: res.headers };
    },
  };
}

/** jsdom's origin: where the handlers' relative paths resolve. */
const jsdomOrigin = (): string => (globalThis as unknown as { location: { origin: string } }).location.origin;
const mock = side('mock', jsdomOrigin, () => ({
  'x-csrf-token': recordedTransport().session.body.csrfToken ?? '',
}));
const real = side(
  'real',
  () => server.url,
  () => ({ authorization: `Bearer ${ADMIN_TOKEN}` }),
);
const both = [mock, real];

function conforms(schema: z.ZodType, body: unknown, what: string): void {
  const r = schema.safeParse(body);
  expect(r.success, `${what}: ${r.success ? '' : JSON.stringify(r.error.issues).slice(0, 800)}`).toBe(true);
}

/** Sends one request to both sides; both must answer `status` with a body the schema accepts. */
async function agree(
  method: string,
  path: (s: Side) => Promise<string> | string,
  status: number,
  schema: z.ZodType,
  body?: (s: Side) => unknown,
) {
  for (const s of both) {
    const r = await s.call(method, await path(s), body ? await body(s) : undefined);
    expect(r.status, `${s.name} ${method}: ${r.text.slice(0, 300)}`).toBe(status);
    conforms(schema, r.body, `${s.name} ${method}`);
  }
}

const firstTask = async (s: Side, status?: string): Promise<string> => {
  const page = (await s.call('GET', `/api/tasks?limit=200${status ? `&status=${status}` : ''}`))
    .body as z.infer<typeof TasksPage>;
  const id = page.tasks[0]?.id;
  if (!id) throw new Error(`${s.name}: no ${status ?? ''} task to test with`);
  return id;
};
const firstUnit = async (s: Side): Promise<string> => {
  const units = ((await s.call('GET', '/api/units')).body as z.infer<typeof UnitsReply>).units;
  return units.find((u) => u.managed && u.imageKey)?.unit ?? '';
};

beforeAll(async () => {
  msw.listen({ onUnhandledRequest: 'bypass' });
  resetMocks('happy-path');
  stateDir = mkdtempSync(join(tmpdir(), 'podup-contract-'));
  mkdirSync(join(stateDir, 'none'));
  pushImage(`acme-corp/contract-${run}`, 'stable', 'c-1');
  unit = writeUnit(`contract-${run}`, `ghcr.io/acme-corp/contract-${run}:stable`);
  startUnits(unit);
  server = await startServer({
    ...hostEnv(),
    PODUP_STATE_DIR: stateDir,
    PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
    PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
    PODUP_QUADLET_DIRS: join(stateDir, 'none'),
  });
  // A finished task on the real side: an event for an image nothing runs ends "skipped" at once.
  const body = packagePublished({ name: `nothing-${run}`, tag: '1', digest: `sha256:${'d'.repeat(64)}` });
  const { taskId } = (await (
    await fetch(`${server.url}/webhooks/github`, {
      method: 'POST',
      headers: githubHeaders('package', body),
      body,
    })
  ).json()) as { taskId: string };
  for (let i = 0; i < 100; i++) {
    const t = (await real.call('GET', `/api/tasks/${taskId}`)).body as { status: string };
    if (t.status === 'skipped') break;
    await new Promise((r) => setTimeout(r, 100));
  }
});
afterAll(async () => {
  msw.close();
  await server?.stop();
  removeUnits(unit);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the mocks and the real server speak the same API', () => {
  it('health and readiness', async () => {
    await agree('GET', () => '/healthz', 200, Health);
    await agree('GET', () => '/readyz', 200, Readiness);
  });

  it('session, overview, settings, events', async () => {
    await agree('GET', () => '/api/session', 200, Session);
    await agree('GET', () => '/api/overview', 200, Overview);
    await agree('GET', () => '/api/settings', 200, Settings);
    await agree('GET', () => '/api/events?limit=20', 200, EventsPage);
  });

  it('tasks: list, detail, filters', async () => {
    await agree('GET', () => '/api/tasks?limit=5', 200, TasksPage);
    await agree('GET', () => '/api/tasks?status=skipped&q=a', 200, TasksPage);
    await agree('GET', async (s) => `/api/tasks/${await firstTask(s)}`, 200, ApiTaskDetail);
  });

  it('units and a dry run', async () => {
    await agree('GET', () => '/api/units', 200, UnitsReply);
    await agree(
      'POST',
      async (s) => `/api/units/${await firstUnit(s)}/update`,
      200,
      TriggerReply,
      () => ({ dryRun: true }),
    );
    await agree(
      'POST',
      () => '/api/tasks',
      200,
      TriggerReply,
      async (s) => ({ units: [await firstUnit(s)], dryRun: true }),
    );
  });

  it('retry of a finished task, and the errors for impossible actions', async () => {
    await agree(
      'POST',
      async (s) => `/api/tasks/${await firstTask(s, 'skipped')}/retry`,
      202,
      TaskActionReply,
    );
    await agree('POST', async (s) => `/api/tasks/${await firstTask(s, 'skipped')}/stop`, 409, ErrorBody);
    await agree('GET', () => '/api/tasks/tsk_DOESNOTEXIST0000', 404, ErrorBody);
    await agree(
      'POST',
      () => '/api/tasks',
      404,
      ErrorBody,
      () => ({ units: ['no-such-unit.service'] }),
    );
  });

  it('the live log stream: log events then end, on both', async () => {
    for (const s of both) {
      const id = await firstTask(s, 'skipped');
      const r = await s.call('GET', `/api/tasks/${id}/log`);
      expect(r.status, s.name).toBe(200);
      expect(r.headers.get('content-type'), s.name).toMatch(/^text\/event-stream/);
      const frames = r.text
        .split('\n\n')
        .map((f) =>
          Object.fromEntries(
            f
              .split('\n')
              .filter((l) => /^(id|event|data): /.test(l))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(': ') + 2)]),
          ),
        )
        .filter((f) => f.event) as Array<{ id?: string; event: string; data: string }>;
      expect(frames.length, s.name).toBeGreaterThan(1);
      for (const f of frames.slice(0, -1)) {
        expect(f.event).toBe('log');
        conforms(ApiTaskLog, JSON.parse(f.data), `${s.name} log`);
      }
      expect(frames.at(-1)?.event).toBe('end');
      conforms(TaskLogEnd, JSON.parse(frames.at(-1)?.data ?? 'null'), `${s.name} end`);
    }
  });
});
