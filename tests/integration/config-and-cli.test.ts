/**
 * The `podup` command as operators use it: configuration errors (exit 78, every problem at once), secrets
 * from files and systemd credentials, .env, and the CLI commands version, doctor, events, prune.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../server/src/db/migrations/index.js';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET, githubHeaders, packagePublished, rawFixture } from '../helpers/github.js';
import { repoRoot } from '../helpers/paths.js';
import { freePort, runPodup, spawnServe, startServer, waitForHttp } from '../helpers/server-process.js';
import { systemctl } from '../helpers/units.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'podup-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const version = (
  JSON.parse((await import('node:fs')).readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    version: string;
  }
).version;

describe('configuration', () => {
  it('reports every bad variable at once and exits 78', async () => {
    const r = await runPodup(['serve'], {
      PODUP_STATE_DIR: dir,
      PODUP_HTTP_ADDR: 'nope',
      PODUP_SYSTEMD_SCOPE: 'galaxy',
      PODUP_RATE_LIMIT_IMAGE: 'lots',
      PODUP_ADMIN_TOKEN: 'short',
      PODUP_IDLE_EXIT: 'soon',
      // ForwardAuth without a trusted proxy: anyone could send the header.
      PODUP_FORWARD_AUTH_HEADER: 'Remote-Groups',
      PODUP_FORWARD_AUTH_VALUE: 'admins',
    });
    expect(r.code).toBe(78);
    for (const name of [
      'PODUP_HTTP_ADDR',
      'PODUP_SYSTEMD_SCOPE',
      'PODUP_RATE_LIMIT_IMAGE',
      'PODUP_ADMIN_TOKEN',
      'PODUP_IDLE_EXIT',
      'PODUP_FORWARD_AUTH_HEADER needs PODUP_TRUST_PROXY',
    ]) {
      expect(r.stderr).toContain(name);
    }
    expect(r.stderr).not.toContain('short');
  });

  it('exits 78 with the path and a fix when the state directory cannot be used', async () => {
    const missing = join(dir, 'no', 'such', 'state');
    const r = await runPodup(['serve'], { PODUP_STATE_DIR: missing });
    expect(r.code).toBe(78);
    expect(r.stderr).toContain(missing);
    expect(r.stderr).toMatch(/fix: .*mkdir -p/);
  });

  it('creates a missing state directory whose parent exists', async () => {
    const server = await startServer({ ...hostEnv(), PODUP_STATE_DIR: join(dir, 'state') });
    expect(await server.stop()).toBe(0);
    expect((await import('node:fs')).existsSync(join(dir, 'state', 'podup.db'))).toBe(true);
  });

  it.each([
    ['PODUP_GITHUB_WEBHOOK_SECRET_FILE', (f: string) => ({ PODUP_GITHUB_WEBHOOK_SECRET_FILE: f })],
    ['a systemd credential', (f: string) => ({ CREDENTIALS_DIRECTORY: join(f, '..') })],
  ])('reads the webhook secret from %s', async (_name, envFor) => {
    const credDir = join(dir, 'creds');
    mkdirSync(credDir);
    const file = join(credDir, 'github-webhook-secret');
    writeFileSync(file, `${SECRET}\n`);
    const server = await startServer({ ...hostEnv(), PODUP_STATE_DIR: dir, ...envFor(file) });
    try {
      const body = rawFixture('package-published');
      const res = await fetch(`${server.url}/webhooks/github`, {
        method: 'POST',
        headers: githubHeaders('package', body),
        body,
      });
      expect(res.status).toBe(202);
    } finally {
      await server.stop();
    }
  });

  it('reads a .env in the working directory; the environment wins over it', async () => {
    writeFileSync(
      join(dir, '.env'),
      `PODUP_GITHUB_WEBHOOK_SECRET=${SECRET}\nPODUP_STATE_DIR=./from-dotenv\n`,
    );
    mkdirSync(join(dir, 'from-dotenv'));
    mkdirSync(join(dir, 'from-env'));
    type Report = { checks: Array<{ check: string; level: string; detail: string }> };
    const fromFile = JSON.parse((await runPodup(['doctor', '--json'], hostEnv(), dir)).stdout) as Report;
    expect(fromFile.checks.find((c) => c.check === 'webhook secret')?.level).toBe('ok');
    expect(fromFile.checks.find((c) => c.check === 'state dir')?.detail).toBe(join(dir, 'from-dotenv'));
    const env = { ...hostEnv(), PODUP_STATE_DIR: join(dir, 'from-env') };
    const fromEnv = JSON.parse((await runPodup(['doctor', '--json'], env, dir)).stdout) as Report;
    expect(fromEnv.checks.find((c) => c.check === 'state dir')?.detail).toBe(join(dir, 'from-env'));
  });

  it('loads a fresh copy of .env.example, whose empty values mean unset', async () => {
    copyFileSync(join(repoRoot, '.env.example'), join(dir, '.env'));
    const env = { ...hostEnv(), PODUP_REGISTRY_CHECK: `http://${hostEnv().PODUP_TEST_REGISTRY}` };

    const doctor = await runPodup(['doctor', '--json'], env, dir);
    expect(doctor.stderr).toBe('');
    const checks = (
      JSON.parse(doctor.stdout) as { checks: Array<{ check: string; level: string; detail: string }> }
    ).checks;
    const check = (name: string) => checks.find((c) => c.check === name);
    expect(check('config')?.level).toBe('ok');
    expect(check('state dir')?.detail).toBe(join(dir, 'state'));
    expect(check('webhook secret')?.detail).toMatch(/^not set/);

    const addr = `127.0.0.1:${await freePort()}`;
    const serve = spawnServe({ ...env, PODUP_HTTP_ADDR: addr }, dir);
    try {
      await Promise.race([
        waitForHttp(`http://${addr}/healthz`),
        serve.exited.then((code) => {
          throw new Error(`podup serve exited (${code}):\n${serve.stderr()}`);
        }),
      ]);
    } finally {
      serve.proc.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);
  });
});

describe('podup version and help', () => {
  it('prints the package version', async () => {
    const r = await runPodup(['version'], {});
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
    expect((await runPodup(['--version'], {})).stdout.trim()).toBe(version);
  });

  it('lists the commands and exits 2 on an unknown one', async () => {
    const help = await runPodup(['--help'], {});
    for (const cmd of ['serve', 'doctor', 'events', 'prune', 'version']) expect(help.stdout).toContain(cmd);
    const bad = await runPodup(['frobnicate'], {});
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command/);
  });
});

describe('podup doctor', () => {
  const env = () => ({
    ...hostEnv(),
    PODUP_STATE_DIR: dir,
    PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
    PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
    PODUP_REGISTRY_CHECK: `http://${hostEnv().PODUP_TEST_REGISTRY}`,
  });

  it('is all ok against the real test host', async () => {
    const r = await runPodup(['doctor'], env());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok +systemd \(user\) +systemd \d+/);
    expect(r.stdout).toMatch(/ok +podman API +.*libpod API 4\./);
    expect(r.stdout).toMatch(/ok +registry http:\/\/127\.0\.0\.1:\d+ +.*answered 200/);
    expect(r.stdout).toMatch(new RegExp(`ok +database +.*schema ${MIGRATIONS.length}\\)`));
    expect(r.stdout).toMatch(/ok +startup snapshot +.*serve\.blob \([\d.]+ MB\), used by bin\/podup-serve/);
    expect(r.stdout).not.toContain('FAIL');
  });

  it('says the startup snapshot is off when PODUP_SNAPSHOT=off', async () => {
    const r = await runPodup(['doctor'], { ...env(), PODUP_SNAPSHOT: 'off' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /ok +startup snapshot +off \(PODUP_SNAPSHOT=off\): podup serve starts from .*serve\.mjs/,
    );
  });

  it('warns when podman-auto-update.timer is enabled too, and names the podup schedule that replaces it', async () => {
    expect(systemctl('enable', 'podman-auto-update.timer').status).toBe(0);
    type Line = { check: string; level: string; detail: string; fix?: string };
    const timerLine = async () =>
      (JSON.parse((await runPodup(['doctor', '--json'], env())).stdout) as { checks: Line[] }).checks.find(
        (c) => c.check === 'podman-auto-update.timer',
      );
    try {
      const none = await timerLine();
      expect(none).toMatchObject({ level: 'warn' });
      expect(none?.detail).toMatch(
        /also updates every unit with AutoUpdate=registry on its own schedule, racing podup and ignoring podup's update policies and unit leases; no podup schedule covers the same units/,
      );
      expect(none?.fix).toBe(
        'switch over: podup schedules add --cron "0 0 * * *" --action check --random-delay 15m (podman\'s timer runs daily at midnight, up to 15 minutes late), then systemctl --user disable --now podman-auto-update.timer',
      );
      const added = await runPodup(
        [
          'schedules',
          'add',
          '--cron',
          '0 0 * * *',
          '--action',
          'check',
          '--random-delay',
          '15m',
          '--name',
          'nightly',
        ],
        env(),
      );
      expect(added.stdout).toMatch(/schedule nightly: check all units at "0 0 \* \* \*" UTC, next run /);
      const covered = await timerLine();
      expect(covered?.detail).toMatch(
        /podup schedule nightly \(check "0 0 \* \* \*" UTC\) covers the same units/,
      );
      expect(covered?.fix).toBe('switch over: systemctl --user disable --now podman-auto-update.timer');
    } finally {
      systemctl('disable', 'podman-auto-update.timer');
    }
    expect((await timerLine())?.level).toBe('ok');
  });

  it('marks each broken part FAIL with its fix and exits 1', async () => {
    const r = await runPodup(['doctor', '--json'], {
      ...env(),
      PODUP_PODMAN_SOCKET: join(dir, 'no-podman.sock'),
      DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'no-bus')}`,
      PODUP_REGISTRY_CHECK: 'http://127.0.0.1:9',
      PODUP_GITHUB_WEBHOOK_SECRET: '',
    });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: Array<{ check: string; level: string; fix?: string }>;
    };
    expect(report.ok).toBe(false);
    const level = (name: string) => report.checks.find((c) => c.check.startsWith(name));
    for (const name of ['podman API', 'systemd (user)', 'registry', 'webhook secret']) {
      expect(level(name)?.level, name).toBe('fail');
      expect(level(name)?.fix, name).toBeTruthy();
    }
    expect(level('database')?.level).toBe('ok');
  });
});

describe('podup events and prune', () => {
  async function seed(): Promise<void> {
    const server = await startServer({
      ...hostEnv(),
      PODUP_STATE_DIR: dir,
      PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
    });
    try {
      for (let i = 0; i < 3; i++) {
        const body = packagePublished({
          name: `svc-${i}`,
          tag: '1',
          digest: `sha256:${String(i).repeat(64)}`,
        });
        await fetch(`${server.url}/webhooks/github`, {
          method: 'POST',
          headers: githubHeaders('package', body),
          body,
        });
      }
    } finally {
      await server.stop();
    }
  }

  it('events shows the log as a table or JSON, with filters', async () => {
    await seed();
    const env = { PODUP_STATE_DIR: dir };
    const table = await runPodup(['events'], env);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^TIME +STATUS +REQUEST +OUTCOME/);
    expect(table.stdout).toContain('ghcr.io/acme-corp/svc-2:1');
    const json = JSON.parse((await runPodup(['events', '--json', '--outcome', 'accepted'], env)).stdout) as {
      events: Array<{ outcome: string; taskId: string }>;
    };
    expect(json.events).toHaveLength(3);
    expect(json.events.every((e) => e.outcome === 'accepted' && e.taskId.startsWith('tsk_'))).toBe(true);
    const bad = await runPodup(['events', '--limit', '0'], env);
    expect(bad.code).toBe(2);
  });

  it('prune removes only what is older than the cutoff, --dry-run removes nothing', async () => {
    await seed();
    const db = new Database(join(dir, 'podup.db'));
    const old = Date.now() - 40 * 86_400_000;
    db.prepare(
      `INSERT INTO events (ts, request_id, route, method, status, outcome) VALUES (?, 'old1', '/healthz', 'GET', 200, 'ok'), (?, 'old2', '/healthz', 'GET', 200, 'ok')`,
    ).run(old, old);
    db.prepare(
      `INSERT INTO deliveries (delivery, received_at, event, outcome) VALUES ('old-delivery', ?, 'package', 'accepted')`,
    ).run(old);
    db.prepare(
      `INSERT INTO rate_limits (scope, key, tat) VALUES ('image', 'expired', ?), ('image', 'active', ?)`,
    ).run(old, Date.now() + 3_600_000);
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    const before = { events: count('events'), deliveries: count('deliveries'), rate: count('rate_limits') };
    db.close();

    const dry = await runPodup(['prune', '--older-than', '30d', '--dry-run', '--json'], {
      PODUP_STATE_DIR: dir,
    });
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      dryRun: true,
      removed: { events: 2, deliveries: 1, rateLimits: 1 },
    });

    const real = await runPodup(['prune', '--older-than', '30d'], { PODUP_STATE_DIR: dir });
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/removed 2 events and 1 delivery ids/);
    expect(real.stdout).toMatch(/after VACUUM/);

    const after = new Database(join(dir, 'podup.db'), { readonly: true });
    const n = (table: string) => after.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    expect(n('events')).toBe(before.events - 2);
    expect(n('deliveries')).toBe(before.deliveries - 1);
    expect(n('rate_limits')).toBe(before.rate - 1);
    expect(after.prepare(`SELECT count(*) FROM events WHERE request_id LIKE 'old%'`).pluck().get()).toBe(0);
    after.close();

    expect((await runPodup(['prune', '--older-than', 'whenever'], { PODUP_STATE_DIR: dir })).code).toBe(2);
  });
});
