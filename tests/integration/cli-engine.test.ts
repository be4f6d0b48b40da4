/**
 * The CLI of the update engine on the real test host: units, trigger (in-process when no server runs,
 * through the server's API when one does), trigger-all, tasks; plus Quadlet files discovered for units that
 * are not running.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiPlan, ApiUnit } from '../../server/src/contract/api.js';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN } from '../helpers/github.js';
import { freePort, runPodup, startServer } from '../helpers/server-process.js';
import {
  containerOf,
  pushImage,
  removeUnits,
  startUnits,
  unitProperty,
  writeUnit,
} from '../helpers/units.js';

const run = randomBytes(3).toString('hex');
const repo = `acme-corp/cli-${run}`;
let stateDir: string;
let quadlets: string;
let unit: string;
let port: number;

const env = (extra: Record<string, string> = {}) => ({
  ...hostEnv(),
  PODUP_STATE_DIR: stateDir,
  PODUP_HEALTH_WINDOW: '1s',
  PODUP_QUADLET_DIRS: quadlets,
  PODUP_HTTP_ADDR: `127.0.0.1:${port}`,
  PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
  ...extra,
});

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-cli-engine-'));
  quadlets = join(stateDir, 'quadlets');
  mkdirSync(join(quadlets, 'nested'), { recursive: true });
  writeFileSync(
    join(quadlets, `idle-${run}.container`),
    `[Unit]\nDescription=not running\n\n[Container]\nImage=ghcr.io/${repo}:stable\nAutoUpdate=registry\n`,
  );
  writeFileSync(
    join(quadlets, 'nested', `pinned-${run}.container`),
    `[Container]\nImage=ghcr.io/${repo}@sha256:${'a'.repeat(64)}\n`,
  );
  port = await freePort();
  pushImage(repo, 'stable', 'cli-1');
  unit = writeUnit(`cli-${run}`, `ghcr.io/${repo}:stable`);
  startUnits(unit);
});
afterAll(() => {
  removeUnits(unit);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('podup units', () => {
  it('lists running units and Quadlet units with their registry state', async () => {
    const r = await runPodup(['units', '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const units = (JSON.parse(r.stdout) as { units: ApiUnit[] }).units;
    const running = units.find((u) => u.unit === unit);
    expect(running).toMatchObject({
      sources: ['podman'],
      imageKey: `ghcr.io/${repo}:stable`,
      containerState: 'running',
      updateAvailable: false,
    });
    // Its Quadlet file opts in, but the generator never read it (a directory only podup was told about), so
    // the manager has no such unit: listed with the reason, never restarted.
    const idle = units.find((u) => u.unit === `idle-${run}.service`);
    expect(idle).toMatchObject({
      sources: ['quadlet'],
      policy: 'registry',
      containerState: null,
      managed: false,
    });
    expect(idle?.unmanagedReason).toMatch(/daemon-reload/);
    expect(running).toMatchObject({ managed: true, unmanagedReason: null });
    expect(units.find((u) => u.unit === `pinned-${run}.service`)).toMatchObject({
      pinned: true,
      imageKey: null,
    });

    pushImage(repo, 'stable', 'cli-2');
    const table = await runPodup(['units'], env());
    expect(table.stdout).toMatch(
      new RegExp(
        `${unit}\\s+ghcr\\.io/${repo}:stable\\s+podman\\s+running\\s+\\w{12}\\s+\\w{12}\\s+available`,
      ),
    );
  });
});

describe('podup trigger without a server', () => {
  it('--dry-run prints the plan and restarts nothing', async () => {
    const before = unitProperty(unit, 'InvocationID');
    const r = await runPodup(['trigger', unit, '--dry-run', '--json'], env());
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as ApiPlan;
    expect(plan.units).toEqual([expect.objectContaining({ unit, action: 'update' })]);
    expect(unitProperty(unit, 'InvocationID')).toBe(before);
  });

  it('runs the update in-process, printing each step, and exits 0', async () => {
    const r = await runPodup(['trigger', unit.replace(/\.service$/, ''), '--reason', 'cli test'], env());
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/in-process: no server answers/);
    for (const step of ['plan', 'pull', 'restart', 'health', 'verify'])
      expect(r.stdout).toMatch(new RegExp(`\\s${step}\\s`));
    expect(r.stdout).toMatch(/task tsk_\w+ succeeded: 1 succeeded/);
    expect(containerOf(unit)?.version).toBe('cli-2');
  });

  it('refuses a unit podup does not manage, with exit status 1 and the reason', async () => {
    const r = await runPodup(['trigger', 'sshd'], env());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not a unit podup manages: sshd\.service/);
  });

  it('trigger-all --dry-run plans every managed unit that follows a tag, not the one systemd lacks', async () => {
    const r = await runPodup(['trigger-all', '--dry-run', '--json'], env());
    const plan = JSON.parse(r.stdout) as ApiPlan;
    expect(plan.units.map((u) => u.unit)).toEqual([unit]);
    const idle = await runPodup(['trigger', `idle-${run}`], env());
    expect(idle.code).toBe(1);
    expect(idle.stderr).toMatch(/does not update idle-.*daemon-reload/);
  });
});

describe('podup trigger with a server running', () => {
  it('goes through the API (one writer), shows progress, and tasks lists it', async () => {
    const server = await startServer(env());
    try {
      pushImage(repo, 'stable', 'cli-3');
      const r = await runPodup(['trigger', unit, '--caller', 'ci-bot'], env());
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/via the running server/);
      expect(r.stdout).toMatch(/succeeded/);
      expect(containerOf(unit)?.version).toBe('cli-3');

      const noToken = await runPodup(['trigger', unit], env({ PODUP_ADMIN_TOKEN: '' }));
      expect(noToken.code).toBe(78);
      expect(noToken.stderr).toMatch(/needs its admin token/);

      const list = await runPodup(['tasks', '--json'], env());
      const tasks = (
        JSON.parse(list.stdout) as { tasks: Array<{ id: string; caller: string; status: string }> }
      ).tasks;
      const mine = tasks.find((t) => t.caller === 'ci-bot');
      expect(mine?.status).toBe('succeeded');
      const show = await runPodup(['tasks', 'show', mine?.id ?? ''], env());
      expect(show.stdout).toMatch(new RegExp(`${unit}\\s+succeeded`));
      expect(show.stdout).toMatch(/restarted/);
    } finally {
      await server.stop();
    }
  });
});

describe('system scope', () => {
  it('drives the manager on the system bus address: same D-Bus API, journalctl without --user', async () => {
    // The test host has no system manager to spare; pointing the system bus address at the test host's
    // manager exercises podup's system-scope path (bus choice, config defaults) against a real systemd.
    pushImage(repo, 'stable', 'cli-sys');
    const sys = env({
      PODUP_SYSTEMD_SCOPE: 'system',
      DBUS_SYSTEM_BUS_ADDRESS: hostEnv().DBUS_SESSION_BUS_ADDRESS ?? '',
    });
    const doctor = await runPodup(['doctor', '--json'], sys);
    const checks = (
      JSON.parse(doctor.stdout) as { checks: Array<{ check: string; level: string; detail: string }> }
    ).checks;
    expect(checks.find((c) => c.check === 'systemd (system)')).toMatchObject({ level: 'ok' });
    expect(checks.find((c) => c.check === 'systemd (system)')?.detail).toMatch(/\(system manager\)/);
    const r = await runPodup(['trigger', unit], sys);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(containerOf(unit)?.version).toBe('cli-sys');
  });
});
