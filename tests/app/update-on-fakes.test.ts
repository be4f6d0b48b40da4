/**
 * The update story through the whole app on the fake host: a signed package event queues a task, the runner
 * (run in-process, as `podup trigger` does) moves the unit onto the new image, rolls a crashing one back,
 * and fails with the missing part's error when Podman is gone. The real-host version with real units:
 * tests/integration/update-engine.test.ts and engine-failures.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiTaskDetail, UnitsReply } from '../../server/src/contract/api.js';
import { AppError } from '../../server/src/errors.js';
import { adminHeaders, buildFakeApp, type FakeTestApp } from '../helpers/app.js';
import { injectEvent, packagePublished } from '../helpers/github.js';

const REF = 'ghcr.io/acme-corp/web-app:stable';
const UNIT = 'web-app.service';

let t: FakeTestApp;
let v1: { id: string; digest: string };

beforeEach(async () => {
  t = await buildFakeApp({
    PODUP_HEALTH_WINDOW: '300ms',
    PODUP_COALESCE_WINDOW: '0',
    PODUP_RATE_LIMIT_IMAGE: 'off',
  });
  v1 = t.host.push(REF, 'web-1');
  t.host.addUnit(UNIT, REF);
});
afterEach(async () => {
  await t.close();
});

/** Publishes `version` to the fake registry, delivers its package event, runs the task; the task's detail. */
async function publishAndRun(version: string, options: { crashes?: boolean } = {}): Promise<ApiTaskDetail> {
  const pushed = t.host.push(REF, version, options);
  const body = packagePublished({
    owner: 'acme-corp',
    name: 'web-app',
    tag: 'stable',
    digest: pushed.digest,
  });
  const res = await injectEvent(t.app, 'package', body);
  expect(res.statusCode).toBe(202);
  const taskId = res.json<{ taskId: string }>().taskId;
  expect(await t.podup.services.runner.runNow(taskId)).toBe(true);
  const detail = await t.app.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: adminHeaders });
  return ApiTaskDetail.parse(detail.json());
}

const log = (task: ApiTaskDetail) => task.log.map((l) => l.message).join('\n');

describe('a package event on the fake host', () => {
  it('shows the update as available, then moves the unit onto the new image', async () => {
    const v2 = t.host.push(REF, 'web-2');
    const units = UnitsReply.parse(
      (await t.app.inject({ method: 'GET', url: '/api/units', headers: adminHeaders })).json(),
    );
    expect(units.units).toEqual([
      expect.objectContaining({
        unit: UNIT,
        imageKey: REF,
        registryDigest: v2.digest,
        updateAvailable: true,
      }),
    ]);

    const task = await publishAndRun('web-3');
    expect(task.status, log(task)).toBe('succeeded');
    const pushed = t.host.remote.get(REF);
    expect(task.unitResults).toEqual([
      expect.objectContaining({
        unit: UNIT,
        status: 'succeeded',
        digestBefore: v1.digest,
        digestAfter: pushed?.digest,
        imageIdBefore: v1.id,
        imageIdAfter: pushed?.id,
      }),
    ]);
    expect(t.host.runningImageOf(UNIT)).toBe(pushed?.id);
    // Pulled by the digest the registry named (no tag moved before the policy gate), tagged before the restart.
    expect(
      t.host.calls.filter((c) => c.startsWith('pull') || c.startsWith('tag') || c.startsWith('restart')),
    ).toEqual([
      `pull ghcr.io/acme-corp/web-app@${pushed?.digest ?? ''}`,
      `tag ${pushed?.id ?? ''} ${REF}`,
      `restart ${UNIT}`,
    ]);
  });

  it('an image whose container exits at once is rolled back, with the diagnosis in the log', async () => {
    const task = await publishAndRun('web-broken', { crashes: true });
    expect(task.status, log(task)).toBe('rolled-back');
    expect(task.unitResults[0]).toMatchObject({ unit: UNIT, status: 'rolled-back', digestAfter: v1.digest });
    expect(t.host.runningImageOf(UNIT)).toBe(v1.id);
    expect(task.log.some((l) => l.step === 'diagnose')).toBe(true);
    expect(log(task)).toContain(`${UNIT} is back on its previous image`);
  });

  it('with Podman gone the task fails naming it, and the unit keeps running what it ran', async () => {
    t.host.down.add('podman');
    const task = await publishAndRun('web-4');
    expect(task.status).toBe('failed');
    expect(task.summary).toMatch(/Podman API at .*: connection refused/);
    expect(t.host.runningImageOf(UNIT)).toBe(v1.id);
  });
});

describe('discovery before each task', () => {
  /** Delivers a package event for `name` (its own image, no unit runs it); the task it queued. */
  async function queue(name: string): Promise<string> {
    const body = packagePublished({
      owner: 'acme-corp',
      name,
      tag: 'stable',
      digest: `sha256:${'e'.repeat(64)}`,
    });
    const res = await injectEvent(t.app, 'package', body);
    expect(res.statusCode).toBe(202);
    return res.json<{ taskId: string }>().taskId;
  }

  it('is shared by tasks queued before it began; a task queued after it gets its own', async () => {
    const burst = [await queue('api'), await queue('worker'), await queue('cron')];
    // The clock has millisecond steps: the discovery must begin after the last of them was queued.
    await new Promise((r) => setTimeout(r, 5));
    let discoveries = 0;
    const list = t.adapters.runtime.listContainers.bind(t.adapters.runtime);
    t.adapters.runtime.listContainers = () => {
      discoveries++;
      return list();
    };
    for (const id of burst) expect(await t.podup.services.runner.runNow(id)).toBe(true);
    expect(discoveries).toBe(1);
    const later = await queue('mailer');
    expect(await t.podup.services.runner.runNow(later)).toBe(true);
    expect(discoveries).toBe(2);
    const tasks = await Promise.all(
      [...burst, later].map(async (id) =>
        ApiTaskDetail.parse(
          (await t.app.inject({ method: 'GET', url: `/api/tasks/${id}`, headers: adminHeaders })).json(),
        ),
      ),
    );
    expect(tasks.map((task) => task.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
  });
});

describe('a registry that serves tags only', () => {
  it('refuses the pull by digest: the tag is pulled once the policy let the task through, and the unit moves', async () => {
    const pushed = t.host.push(REF, 'web-2');
    const byDigest = `ghcr.io/acme-corp/web-app@${pushed.digest}`;
    t.host.pullErrors.set(byDigest, [
      new AppError('IMAGE_NOT_FOUND', `manifest unknown: ${pushed.digest} (this mirror serves tags only)`),
    ]);
    const body = packagePublished({
      owner: 'acme-corp',
      name: 'web-app',
      tag: 'stable',
      digest: pushed.digest,
    });
    const taskId = (await injectEvent(t.app, 'package', body)).json<{ taskId: string }>().taskId;
    expect(await t.podup.services.runner.runNow(taskId)).toBe(true);
    const task = ApiTaskDetail.parse(
      (await t.app.inject({ method: 'GET', url: `/api/tasks/${taskId}`, headers: adminHeaders })).json(),
    );
    expect(task.status, log(task)).toBe('succeeded');
    expect(log(task)).toMatch(/by digest failed \(manifest unknown: .*\); pulling it by its tag/);
    expect(t.host.calls.filter((c) => c.startsWith('pull'))).toEqual([`pull ${byDigest}`, `pull ${REF}`]);
    expect(t.host.runningImageOf(UNIT)).toBe(t.host.remote.get(REF)?.id);
  });
});
