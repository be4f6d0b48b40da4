/**
 * Task-log streams on podup as a process, over raw sockets: a stream ends the moment its session signs out,
 * and SIGTERM ends the remaining ones (without `event: end`, so EventSource resumes on the next start) instead
 * of waiting for them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET, githubHeaders, packagePublished } from '../helpers/github.js';
import { rawConnect, type RawConnection } from '../helpers/raw-socket.js';
import { startServer, type ServerProc } from '../helpers/server-process.js';

let stateDir: string;
let server: ServerProc | undefined;
const sockets: RawConnection[] = [];

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-streams-'));
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  if (server?.proc.exitCode === null) await server.stop();
  server = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

async function follow(port: number, taskId: string, header: string): Promise<RawConnection> {
  const c = await rawConnect(port);
  sockets.push(c);
  c.socket.write(`GET /api/tasks/${taskId}/log HTTP/1.1\r\nhost: 127.0.0.1\r\n${header}\r\n\r\n`);
  await c.waitFor('retry: 2000');
  return c;
}

/** podup with a queued task that waits out a 60 s coalescing window: its streams stay open until ended. */
async function withWaitingTask() {
  server = await startServer({
    ...hostEnv(),
    PODUP_STATE_DIR: stateDir,
    PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
    PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
    PODUP_COALESCE_WINDOW: '60s',
  });
  const body = packagePublished({ tag: 'streams', digest: `sha256:${'5'.repeat(64)}` });
  const hook = await fetch(`${server.url}/webhooks/github`, {
    method: 'POST',
    headers: githubHeaders('package', body),
    body,
  });
  expect(hook.status).toBe(202);
  const { taskId } = (await hook.json()) as { taskId: string };
  return { server, taskId, port: Number(new URL(server.url).port) };
}

describe('task-log streams of a running podup', () => {
  it('end at once when their session signs out; streams of other credentials go on', async () => {
    const { server, taskId, port } = await withWaitingTask();
    const signIn = await fetch(`${server.url}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: ADMIN_TOKEN }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const panel = await follow(port, taskId, `cookie: ${cookie}`);
    const bot = await follow(port, taskId, `authorization: Bearer ${ADMIN_TOKEN}`);

    const out = await fetch(`${server.url}/api/session`, { method: 'DELETE', headers: { cookie } });
    expect(out.status).toBe(204);
    // The response ends (its last chunk); the connection itself may stay for keep-alive.
    await panel.waitFor(/: signed out\n\n\r\n0\r\n\r\n$/, 1000);
    expect(panel.received()).not.toContain('event: end');
    expect(bot.received()).not.toMatch(/\r\n0\r\n\r\n$/);
    expect(bot.socket.destroyed).toBe(false);
  });

  it('end at SIGTERM without holding up the exit, and without an end event (EventSource resumes)', async () => {
    const { server, taskId, port } = await withWaitingTask();
    const bot = await follow(port, taskId, `authorization: Bearer ${ADMIN_TOKEN}`);
    const stopping = Date.now();
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(5000);
    await bot.closed;
    expect(bot.received()).toContain(': podup is shutting down');
    expect(bot.received()).not.toContain('event: end');
  });
});
