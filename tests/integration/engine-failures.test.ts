/**
 * The update engine when parts of the host fail, on the real test host: the registry, the Podman API and
 * D-Bus each taken away make the task fail with a clear error within a bound, and the next task works once
 * the part is back; kill -9 of podup mid-task leaves the task interrupted, then re-run, with no lease left.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiTaskDetail } from '../../server/src/contract/api.js';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET, githubHeaders, packagePublished } from '../helpers/github.js';
import { repoRoot, testHostDir } from '../helpers/paths.js';
import { startServer, type ServerProc } from '../helpers/server-process.js';
import {
  containerOf,
  pushImage,
  removeUnits,
  startUnits,
  systemctl,
  unitProperty,
  writeUnit,
} from '../helpers/units.js';

const TERMINAL = ['succeeded', 'failed', 'rolled-back', 'cancelled', 'skipped', 'interrupted'];
const run = randomBytes(3).toString('hex');
const repo = `acme-corp/fail-${run}`;
let stateDir: string;
let server: ServerProc | undefined;
let unit: string;
let version = 1;

const serverEnv = (extra: Record<string, string> = {}) => ({
  ...hostEnv(),
  PODUP_STATE_DIR: stateDir,
  PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
  PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
  PODUP_HEALTH_WINDOW: '1s',
  PODUP_COALESCE_WINDOW: '0',
  PODUP_RATE_LIMIT_IMAGE: 'off',
  PODUP_QUADLET_DIRS: join(stateDir, 'no-quadlets'),
  ...extra,
});

async function task(id: string): Promise<ApiTaskDetail> {
  const res = await fetch(`${server?.url}/api/tasks/${id}`, {
    headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  return (await res.json()) as ApiTaskDetail;
}

async function waitFor(
  id: string,
  until: (t: ApiTaskDetail) => boolean,
  timeoutMs = 90_000,
): Promise<ApiTaskDetail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const t = await task(id);
    if (until(t)) return t;
    if (Date.now() > deadline)
      throw new Error(`task ${id} is ${t.status}:\n${t.log.map((l) => l.message).join('\n')}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
const finished = (t: ApiTaskDetail) => TERMINAL.includes(t.status);

/** A new version in the registry and a signed event for it; resolves with the task id. */
async function newVersion(): Promise<{ taskId: string; digest: string; label: string }> {
  version++;
  const label = `fail-${version}`;
  const digest = pushImage(repo, 'stable', label);
  const [owner, name] = repo.split('/') as [string, string];
  const body = packagePublished({ owner, name, tag: 'stable', digest });
  const res = await fetch(`${server?.url}/webhooks/github`, {
    method: 'POST',
    headers: githubHeaders('package', body),
    body,
  });
  expect(res.status).toBe(202);
  return { taskId: ((await res.json()) as { taskId: string }).taskId, digest, label };
}

async function expectRecovered(): Promise<void> {
  const next = await newVersion();
  const t = await waitFor(next.taskId, finished);
  expect(t.status, t.log.map((l) => l.message).join('\n')).toBe('succeeded');
  expect(containerOf(unit)?.version).toBe(next.label);
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-fail-'));
  mkdirSync(join(stateDir, 'no-quadlets'));
  pushImage(repo, 'stable', 'fail-1');
  unit = writeUnit(`fail-${run}`, `ghcr.io/${repo}:stable`);
  startUnits(unit);
});
afterEach(async () => {
  await server?.stop();
  server = undefined;
});
afterAll(() => {
  removeUnits(unit);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('a part of the host is gone', () => {
  it('registry down: the task fails naming the registry, quickly; the next one works', async () => {
    server = await startServer(serverEnv());
    const registryPid = Number(readFileSync(join(testHostDir(), 'registry.pid'), 'utf8'));
    const [owner, name] = repo.split('/') as [string, string];
    process.kill(registryPid, 'SIGTERM');
    try {
      await new Promise((r) => setTimeout(r, 300));
      const body = packagePublished({ owner, name, tag: 'stable', digest: `sha256:${'e'.repeat(64)}` });
      const res = await fetch(`${server.url}/webhooks/github`, {
        method: 'POST',
        headers: githubHeaders('package', body),
        body,
      });
      const started = Date.now();
      const t = await waitFor(((await res.json()) as { taskId: string }).taskId, finished, 30_000);
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(t.status).toBe('failed');
      expect(t.summary).toMatch(
        /registry: no digest for ghcr\.io\/acme-corp\/fail-[0-9a-f]+:stable: .*ECONNREFUSED/,
      );
      expect(unitProperty(unit, 'ActiveState')).toBe('active');
    } finally {
      execFileSync('bash', [join(repoRoot, 'scripts/test-host.sh'), 'up'], { stdio: 'ignore' });
    }
    await expectRecovered();
  });

  it('Podman API down: the task fails naming the socket; the next one works', async () => {
    server = await startServer(serverEnv());
    systemctl('stop', 'podup-th-podman.service');
    let failedTask: ApiTaskDetail;
    try {
      const { taskId } = await newVersion();
      failedTask = await waitFor(taskId, finished, 30_000);
    } finally {
      systemctl('start', 'podup-th-podman.service');
    }
    expect(failedTask.status).toBe('failed');
    expect(failedTask.summary).toMatch(/Podman API at .*podman\.sock: (no socket|connection refused)/);
    await new Promise((r) => setTimeout(r, 500));
    await expectRecovered();
  });

  it('D-Bus gone: the task fails naming the bus within a bound and the unit keeps running; the next one works', async () => {
    server = await startServer(serverEnv());
    const before = containerOf(unit);
    systemctl('stop', 'dbus.socket', 'dbus.service');
    let failedTask: ApiTaskDetail;
    const started = Date.now();
    try {
      const { taskId } = await newVersion();
      failedTask = await waitFor(taskId, finished, 60_000);
    } finally {
      systemctl('start', 'dbus.socket');
    }
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(failedTask.status).toBe('failed');
    expect(failedTask.log.map((l) => l.message).join('\n')).toMatch(
      /systemd user manager on unix:path=.*bus/,
    );
    expect(containerOf(unit)?.id).toBe(before?.id);
    await new Promise((r) => setTimeout(r, 500));
    await expectRecovered();
  });
});

describe('kill -9 of podup mid-task', () => {
  it('leaves the task interrupted, re-runs it after the restart, and no lease blocks the unit', async () => {
    server = await startServer(serverEnv({ PODUP_HEALTH_WINDOW: '6s' }));
    const { taskId, label } = await newVersion();
    await waitFor(taskId, (t) => t.log.some((l) => l.step === 'restart' && l.unit === unit), 60_000);
    server.proc.kill('SIGKILL');
    await server.exited;

    const db = new Database(join(stateDir, 'podup.db'), { readonly: true });
    expect(db.prepare('SELECT status FROM tasks WHERE id = ?').pluck().get(taskId)).toBe('running');
    expect(db.prepare('SELECT count(*) FROM unit_leases WHERE unit = ?').pluck().get(unit)).toBe(1);
    db.close();

    server = await startServer(serverEnv());
    const t = await waitFor(taskId, finished);
    expect(t.status, t.log.map((l) => l.message).join('\n')).toBe('succeeded');
    expect(t.attempts).toBe(2);
    expect(t.log.some((l) => /^interrupted: /.test(l.message))).toBe(true);
    expect(containerOf(unit)?.version).toBe(label);
    const after = new Database(join(stateDir, 'podup.db'), { readonly: true });
    expect(after.prepare('SELECT count(*) FROM unit_leases').pluck().get()).toBe(0);
    after.close();
  });
});
