/**
 * Schedules on the real test host: a schedule fires after podup exited for being idle, started again by the
 * transient timer it keeps in step over D-Bus (real .socket and .service units of the user manager), and its
 * check finds a digest pushed to the local registry without any webhook and applies it. Schedules survive a
 * restart, and a run missed while podup was down runs once at the next start.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiSchedule, ApiTask } from '../../server/src/contract/api.js';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET } from '../helpers/github.js';
import { freePort, PODUP_SERVE, startServer } from '../helpers/server-process.js';
import { containerOf, pushImage, removeUnits, startUnits, systemctl, writeUnit } from '../helpers/units.js';

const run = randomBytes(3).toString('hex');
let stateDir: string;
const units: string[] = [];
const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };

async function api<T>(base: string, path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...auth, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** A cron expression (seconds first) that fires once a day at `at`, in UTC. */
const dailyAt = (at: number): string => {
  const d = new Date(at);
  return `${d.getUTCSeconds()} ${d.getUTCMinutes()} ${d.getUTCHours()} * * *`;
};

async function until<T>(
  what: string,
  timeoutMs: number,
  check: () => T | undefined | Promise<T | undefined>,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const env = (extra: Record<string, string> = {}) => ({
  ...hostEnv(),
  PODUP_STATE_DIR: stateDir,
  PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
  PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
  PODUP_HEALTH_WINDOW: '1s',
  PODUP_COALESCE_WINDOW: '0',
  PODUP_QUADLET_DIRS: join(stateDir, 'no-quadlets'),
  ...extra,
});

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-sched-'));
  mkdirSync(join(stateDir, 'no-quadlets'));
});
afterAll(() => {
  removeUnits(...units);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('a schedule with socket activation and idle exit', () => {
  const unitDir = () => hostEnv().PODUP_TEST_UNIT_DIR ?? '';
  const name = `podup-sched-${run}`;
  const show = (unit: string, prop: string) => systemctl('show', '-p', prop, '--value', unit).stdout.trim();

  afterAll(() => {
    systemctl('stop', `${name}.socket`, `${name}.service`, `${name}.timer`);
    for (const f of [`${name}.socket`, `${name}.service`]) {
      try {
        unlinkSync(join(unitDir(), f));
      } catch {
        /* not written */
      }
    }
    systemctl('daemon-reload');
  });

  it('wakes podup through systemd after an idle exit, and the check applies a digest pushed without a webhook', async () => {
    const repo = `acme-corp/sched-${run}`;
    const v1 = pushImage(repo, 'stable', 'sched-1');
    const app = writeUnit(`sched-app-${run}`, `ghcr.io/${repo}:stable`);
    units.push(app);
    startUnits(app);
    expect(containerOf(app)?.imageDigests).toContain(v1);

    const port = await freePort();
    const log = join(stateDir, 'service.log');
    const environment = Object.entries(env({ PODUP_IDLE_EXIT: '1s' }))
      .filter(([k]) => k.startsWith('PODUP_') || k.startsWith('CONTAINERS_'))
      .map(([k, v]) => `Environment=${k}=${v}`)
      .join('\n');
    writeFileSync(
      join(unitDir(), `${name}.socket`),
      `[Socket]\nListenStream=127.0.0.1:${port}\nFileDescriptorName=http\n`,
    );
    writeFileSync(
      join(unitDir(), `${name}.service`),
      `[Unit]\nRequires=${name}.socket\n[Service]\nType=exec\n${environment}\nExecStart=${PODUP_SERVE}\nStandardOutput=append:${log}\nStandardError=append:${log}\n`,
    );
    systemctl('daemon-reload');
    systemctl('start', `${name}.socket`);
    const base = `http://127.0.0.1:${port}`;

    const fireAt = Date.now() + 12_000;
    const created = await api<ApiSchedule>(base, '/api/schedules', {
      method: 'POST',
      body: { name: 'soon', cron: dailyAt(fireAt), zone: 'UTC', action: 'check', units: [app] },
    });
    expect(created.status).toBe(201);
    const v2 = pushImage(repo, 'stable', 'sched-2');

    // podup exits for being idle; the timer it left behind will start it again.
    await until('podup exits when idle', 10_000, () => show(`${name}.service`, 'ActiveState') !== 'active');
    expect(Date.now()).toBeLessThan(fireAt);
    // "Sun 2026-11-29 21:17:40 UTC"
    const next = show(`${name}.timer`, 'NextElapseUSecRealtime').replace(/^\w+ (\S+) (\S+) UTC$/, '$1T$2Z');
    expect(Date.parse(next)).toBe(Math.floor(fireAt / 1000) * 1000);
    expect(systemctl('list-timers', '--all', `${name}.timer`).stdout).toContain(`${name}.service`);

    // Nothing connects to the socket from here on: only the timer can start podup.
    await until('the unit runs the new digest', 60_000, () =>
      containerOf(app)?.imageDigests.includes(v2) ? true : undefined,
    );
    const startedLines = readFileSync(log, 'utf8').match(/"podup serving"/g) ?? [];
    expect(startedLines.length).toBeGreaterThanOrEqual(2);

    const task = await until('the scheduled task ends', 30_000, async () => {
      const t = (await api<{ tasks: ApiTask[] }>(base, '/api/tasks?trigger=scheduler')).body.tasks[0];
      return t && !['queued', 'running'].includes(t.status) ? t : undefined;
    });
    expect(task).toMatchObject({ caller: 'schedule soon', status: 'succeeded' });
    const schedule = (await api<{ schedules: ApiSchedule[] }>(base, '/api/schedules')).body.schedules[0];
    expect(schedule).toMatchObject({ name: 'soon', lastStatus: 'ok' });
    expect(Date.parse(schedule?.nextRunAt ?? '')).toBeGreaterThan(Date.now() + 23 * 3_600_000);
  }, 120_000);
});

describe('schedules across restarts', () => {
  it('survive a restart, and a run missed while podup was down runs once at the next start', async () => {
    const repo = `acme-corp/missed-${run}`;
    pushImage(repo, 'stable', 'missed-1');
    const app = writeUnit(`missed-app-${run}`, `ghcr.io/${repo}:stable`);
    units.push(app);
    startUnits(app);
    const dir = mkdtempSync(join(tmpdir(), 'podup-missed-'));
    mkdirSync(join(dir, 'no-quadlets'));
    const serverEnv = { ...env(), PODUP_STATE_DIR: dir, PODUP_QUADLET_DIRS: join(dir, 'no-quadlets') };
    try {
      let server = await startServer(serverEnv);
      const fireAt = Date.now() + 3000;
      await api(server.url, '/api/schedules', {
        method: 'POST',
        body: { name: 'missed', cron: dailyAt(fireAt), action: 'update', units: [app] },
      });
      expect(await server.stop()).toBe(0);
      // Down while it was due.
      await new Promise((r) => setTimeout(r, fireAt + 6000 - Date.now()));
      server = await startServer(serverEnv);
      try {
        const ran = await until('the missed run', 15_000, async () => {
          const s = (await api<{ schedules: ApiSchedule[] }>(server.url, '/api/schedules')).body.schedules[0];
          return s?.lastRunAt ? s : undefined;
        });
        expect(Date.parse(ran.nextRunAt ?? '')).toBeGreaterThan(Date.now() + 23 * 3_600_000);
        await new Promise((r) => setTimeout(r, 1500));
        const tasks = await api<{ tasks: ApiTask[] }>(server.url, '/api/tasks?trigger=scheduler');
        expect(tasks.body.tasks).toHaveLength(1);
        expect(server.stdout()).toContain('running a missed schedule once');
      } finally {
        await server.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
