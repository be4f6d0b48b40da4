/**
 * The update engine end to end on the real test host: `podup serve` receives signed package events and
 * moves real `podman run` units of a user manager onto new images pulled through the Podman API from the
 * local registry (the ghcr.io mirror), restarting them over D-Bus, with health gate, digest check and rollback.
 * Twice: on root's manager with rootful Podman, and as an unprivileged user on its own manager with rootless
 * Podman (podup running as that user, as `podup setup --user` installs it).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTaskDetail, TriggerReply } from '../../server/src/contract/api.js';
import { giveTo, rootHost, rootlessHost, runAs, type TestHost } from '../helpers/hosts.js';
import { ADMIN_TOKEN, SECRET, githubHeaders, packagePublished } from '../helpers/github.js';
import { startServer, type ServerProc } from '../helpers/server-process.js';
import { onHost, pushImage } from '../helpers/units.js';

const TERMINAL = ['succeeded', 'failed', 'rolled-back', 'cancelled', 'skipped', 'interrupted'];
function engineSuite(hostOf: () => TestHost): void {
  const run = randomBytes(3).toString('hex');
  let stateDir: string;
  let server: ServerProc;
  const units: string[] = [];
  const { writeUnit, startUnits, removeUnits, unitProperty, containerOf, imageExists } = onHost(hostOf);

  const serverEnv = () => ({
    ...hostOf().env,
    PODUP_STATE_DIR: stateDir,
    PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
    PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
    PODUP_HEALTH_WINDOW: '1500ms',
    PODUP_COALESCE_WINDOW: '1s',
    PODUP_RATE_LIMIT_IMAGE: 'off',
    PODUP_QUADLET_DIRS: join(stateDir, 'no-quadlets'),
  });

  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

  async function api<T>(
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...auth, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      ...(init.body ? { body: JSON.stringify(init.body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async function waitForTask(id: string, timeoutMs = 60_000): Promise<ApiTaskDetail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { body } = await api<ApiTaskDetail>(`/api/tasks/${id}`);
      if (TERMINAL.includes(body.status)) return ApiTaskDetail.parse(body);
      if (Date.now() > deadline)
        throw new Error(`task ${id} still ${body.status}:\n${body.log.map((l) => l.message).join('\n')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function publish(
    repo: string,
    tag: string,
    digest: string,
  ): Promise<{ status: number; taskId: string }> {
    const [owner, name] = repo.split('/') as [string, string];
    const body = packagePublished({ owner, name, tag, digest });
    const res = await fetch(`${server.url}/webhooks/github`, {
      method: 'POST',
      headers: githubHeaders('package', body),
      body,
    });
    const json = (await res.json()) as { taskId: string };
    return { status: res.status, taskId: json.taskId };
  }

  function unit(name: string, image: string): string {
    const u = writeUnit(`${name}-${run}`, image);
    units.push(u);
    return u;
  }

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'podup-engine-'));
    mkdirSync(join(stateDir, 'no-quadlets'));
    giveTo(hostOf(), stateDir, join(stateDir, 'no-quadlets'));
    server = await startServer(serverEnv(), undefined, runAs(hostOf()));
  });
  afterAll(async () => {
    await server.stop();
    removeUnits(...units);
    rmSync(stateDir, { recursive: true, force: true });
  });

  describe('a package event moves the units of that image', () => {
    const web = `acme-corp/web-${run}`;
    const other = `acme-corp/other-${run}`;
    let a: string;
    let b: string;
    let c: string;
    let v1: string;
    let firstTask: ApiTaskDetail | undefined;

    beforeAll(() => {
      v1 = pushImage(web, 'stable', 'web-1');
      pushImage(other, 'stable', 'other-1');
      a = unit('web-a', `ghcr.io/${web}:stable`);
      b = unit('web-b', `ghcr.io/${web}:stable`);
      c = unit('other', `ghcr.io/${other}:stable`);
      startUnits(a, b, c);
    });

    it('updates both units of the image, leaves the third alone, pulls once', async () => {
      expect(containerOf(a)?.imageDigests).toContain(v1);
      const otherBefore = containerOf(c);
      const v2 = pushImage(web, 'stable', 'web-2');
      expect(v2).not.toBe(v1);

      const { status, taskId } = await publish(web, 'stable', v2);
      expect(status).toBe(202);
      const task = await waitForTask(taskId);
      expect(task.status, task.log.map((l) => l.message).join('\n')).toBe('succeeded');
      firstTask = task;

      for (const u of [a, b]) {
        const now = containerOf(u);
        expect(now?.imageDigests).toContain(v2);
        expect(now?.version).toBe('web-2');
        expect(unitProperty(u, 'ActiveState')).toBe('active');
      }
      expect(containerOf(c)).toEqual(otherBefore);
      expect(task.unitResults.map((r) => [r.unit, r.status])).toEqual(
        [
          [a, 'succeeded'],
          [b, 'succeeded'],
        ].sort(),
      );
      expect(task.unitResults.every((r) => r.digestAfter === v2 && r.digestBefore === v1)).toBe(true);
      expect(task.log.filter((l) => l.step === 'pull' && l.message.startsWith('pulled ')).length).toBe(1);
      expect(task.log.filter((l) => l.step === 'restart').length).toBe(2);
    });

    it('an event for the digest already running is skipped without a restart', async () => {
      const before = unitProperty(a, 'InvocationID');
      const current = containerOf(a)?.imageDigests[0] ?? '';
      const { taskId } = await publish(web, 'stable', current);
      const task = await waitForTask(taskId);
      expect(task.status).toBe('skipped');
      expect(task.summary).toMatch(/already up to date/);
      expect(unitProperty(a, 'InvocationID')).toBe(before);
    });

    it('a burst of 20 events for one image is one task, each unit restarted once', async () => {
      const v3 = pushImage(web, 'stable', 'web-3');
      const invocations = [unitProperty(a, 'InvocationID'), unitProperty(b, 'InvocationID')];
      const replies = await Promise.all(Array.from({ length: 20 }, () => publish(web, 'stable', v3)));
      expect(replies.every((r) => r.status === 202)).toBe(true);
      const ids = new Set(replies.map((r) => r.taskId));
      expect(ids.size).toBe(1);
      const task = await waitForTask([...ids][0] ?? '');
      expect(task.status).toBe('succeeded');
      expect(
        task.log
          .filter((l) => l.step === 'restart')
          .map((l) => l.unit)
          .sort(),
      ).toEqual([a, b].sort());
      expect(unitProperty(a, 'InvocationID')).not.toBe(invocations[0]);
      expect(containerOf(b)?.version).toBe('web-3');

      // After the result, podup prunes what it superseded before (v1) but keeps this task's rollback image (v2).
      const v1Id = firstTask?.unitResults[0]?.imageIdBefore ?? '';
      const v2Id = task.unitResults[0]?.imageIdBefore ?? '';
      expect(v1Id).not.toBe(v2Id);
      const deadline = Date.now() + 10_000;
      while (imageExists(v1Id) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(imageExists(v1Id)).toBe(false);
      expect(imageExists(v2Id)).toBe(true);
      const log = (await api<ApiTaskDetail>(`/api/tasks/${task.id}`)).body.log;
      expect(log.some((l) => l.step === 'prune' && l.message.includes(v1Id.slice(0, 12)))).toBe(true);
    });

    it('a dry run returns the plan and changes nothing', async () => {
      const v4 = pushImage(web, 'stable', 'web-4');
      const before = unitProperty(a, 'InvocationID');
      const { status, body } = await api<TriggerReply>('/api/tasks', {
        method: 'POST',
        body: { units: [a], dryRun: true },
      });
      expect(status).toBe(200);
      const reply = TriggerReply.parse(body);
      if (reply.status !== 'dry-run') throw new Error('expected a plan');
      expect(reply.plan.units).toEqual([
        expect.objectContaining({ unit: a, action: 'update', targetDigest: v4 }),
      ]);
      await new Promise((r) => setTimeout(r, 1000));
      expect(unitProperty(a, 'InvocationID')).toBe(before);
      expect(containerOf(a)?.version).toBe('web-3');
    });

    it('refuses units it does not manage', async () => {
      const { status, body } = await api<{ error: { code: string; message: string } }>('/api/tasks', {
        method: 'POST',
        body: { units: ['sshd.service'] },
      });
      expect(status).toBe(404);
      expect(body.error.code).toBe('UNKNOWN_UNIT');
      expect(body.error.message).toContain('sshd.service');
    });
  });

  describe('a new image that does not stay up is rolled back', () => {
    const repo = `acme-corp/crashy-${run}`;
    let u: string;
    let v1: string;

    beforeAll(() => {
      v1 = pushImage(repo, 'stable', 'crashy-1');
      u = unit('crashy', `ghcr.io/${repo}:stable`);
      startUnits(u);
    });

    it('ends rolled-back with the unit active on its previous digest and its diagnostics in the log', async () => {
      const broken = pushImage(repo, 'stable', 'crashy-2', { healthy: false });
      const { taskId } = await publish(repo, 'stable', broken);
      const task = await waitForTask(taskId);
      expect(task.status, task.log.map((l) => l.message).join('\n')).toBe('rolled-back');
      expect(task.unitResults[0]).toMatchObject({ unit: u, status: 'rolled-back' });
      expect(unitProperty(u, 'ActiveState')).toBe('active');
      const now = containerOf(u);
      expect(now?.imageDigests).toContain(v1);
      expect(now?.version).toBe('crashy-1');
      expect(task.log.some((l) => l.step === 'diagnose')).toBe(true);
      expect(
        task.log.some((l) => l.step === 'rollback' && /back on its previous image/.test(l.message)),
      ).toBe(true);
    });
  });
}

describe("on root's user manager, rootful Podman", () => engineSuite(rootHost));
describe('as an unprivileged user on its own manager, rootless Podman', () => engineSuite(rootlessHost));
