/**
 * The CLI picks one data path per command (the running server's API, else the same use cases in-process) and
 * keeps the meaning of every error: its code decides the exit status (errors.ts), usage errors alone exit 2.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostEnv, podupEnv } from '../helpers/app.js';
import { githubHeaders, packagePublished } from '../helpers/github.js';
import { freePort, runPodup, startServer, type ServerProc } from '../helpers/server-process.js';

let dir: string;
let server: ServerProc | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-cli-path-'));
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const env = (extra: Record<string, string> = {}) => podupEnv(dir, extra);

async function deliver(url: string, name: string): Promise<string> {
  const body = packagePublished({ name, tag: '1', digest: `sha256:${'7'.repeat(64)}` });
  const res = await fetch(`${url}/webhooks/github`, {
    method: 'POST',
    headers: githubHeaders('package', body),
    body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { taskId: string }).taskId;
}

describe('errors keep their meaning and exit status', () => {
  it('Podman unreachable behind a running server: exit 69 naming the socket, not a usage error', async () => {
    const broken = env({
      PODUP_PODMAN_SOCKET: join(dir, 'no-such.sock'),
      PODUP_QUADLET_DIRS: join(dir, 'no-quadlets'),
      PODUP_HTTP_ADDR: `127.0.0.1:${await freePort()}`,
    });
    server = await startServer(broken);
    const r = await runPodup(['units'], broken);
    expect(r.code).toBe(69);
    expect(r.stderr).toMatch(/Podman API at .*no-such\.sock/);
    expect(r.stderr).toMatch(/server at http:\/\/127\.0\.0\.1/);
    expect(r.stderr).toMatch(/fix: start the Podman API socket/);
  });

  it('the same in-process, and a bad flag is the only exit 2', async () => {
    const broken = env({
      PODUP_PODMAN_SOCKET: join(dir, 'no-such.sock'),
      PODUP_QUADLET_DIRS: join(dir, 'no-quadlets'),
      PODUP_HTTP_ADDR: `127.0.0.1:${await freePort()}`,
    });
    expect((await runPodup(['units'], broken)).code).toBe(69);
    expect((await runPodup(['tasks', '--limit', '0'], broken)).code).toBe(2);
    expect((await runPodup(['tasks', '--status', 'bogus'], broken)).code).toBe(2);
  });

  it('reading a state directory podup never used is an error that says where it looked (exit 78)', async () => {
    const r = await runPodup(['tasks'], env({ PODUP_STATE_DIR: join(dir, 'never-used') }));
    expect(r.code).toBe(78);
    expect(r.stderr).toMatch(/no podup database at .*never-used\/podup\.db/);
    expect(r.stderr).toMatch(/--state-dir/);
  });
});

describe('one data path', () => {
  it('through the server: tasks with a trigger filter, show, stop of a finished task, prune', async () => {
    const addr = `127.0.0.1:${await freePort()}`;
    const e = env({ PODUP_HTTP_ADDR: addr });
    server = await startServer(e);
    const taskId = await deliver(server.url, 'cli-path-a');

    const listed = JSON.parse((await runPodup(['tasks', '--trigger', 'webhook', '--json'], e)).stdout) as {
      tasks: Array<{ id: string; trigger: string }>;
    };
    expect(listed.tasks.map((t) => t.id)).toContain(taskId);
    expect(listed.tasks.every((t) => t.trigger === 'webhook')).toBe(true);
    const manual = JSON.parse((await runPodup(['tasks', '--trigger', 'api', '--json'], e)).stdout) as {
      tasks: unknown[];
    };
    expect(manual.tasks).toEqual([]);

    // The task finds no unit of that image and ends skipped; stopping it then is a conflict (exit 1).
    await expect
      .poll(
        async () =>
          (JSON.parse((await runPodup(['tasks', 'show', taskId, '--json'], e)).stdout) as { status: string })
            .status,
        {
          timeout: 15_000,
        },
      )
      .toBe('skipped');
    const stop = await runPodup(['tasks', 'stop', taskId], e);
    expect(stop.code).toBe(1);
    expect(stop.stderr).toMatch(/already ended \(skipped\)/);

    const dry = await runPodup(['prune', '--dry-run', '--json'], e);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ dryRun: true, removed: { tasks: 0, events: 0 } });
  });

  it('--state-dir names the state directory for an in-process read', async () => {
    server = await startServer(env());
    const taskId = await deliver(server.url, 'cli-path-b');
    expect(await server.stop()).toBe(0);
    server = undefined;
    const r = await runPodup(['--state-dir', dir, 'tasks', '--json'], {
      ...hostEnv(),
      PODUP_HTTP_ADDR: `127.0.0.1:${await freePort()}`,
    });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { tasks: Array<{ id: string }> }).tasks.map((t) => t.id)).toContain(
      taskId,
    );
  });
});
