/**
 * GET /readyz against the real test host: ready when every part answers; with each part stopped, 503 naming
 * the part and its fix; ready again once the part is back, without restarting podup.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readiness } from '../../server/src/contract/api.js';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET } from '../helpers/github.js';
import { childEnv, startServer, type ServerProc } from '../helpers/server-process.js';

let stateDir: string;
let server: ServerProc;

const systemctl = (...args: string[]) => {
  const r = spawnSync('systemctl', ['--user', ...args], { env: childEnv(hostEnv()), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`systemctl --user ${args.join(' ')}: ${r.stderr}`);
};

async function readyz(): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(`${server.url}/readyz`);
  return { status: res.status, body: Readiness.parse(await res.json()) };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-ready-'));
  server = await startServer({
    ...hostEnv(),
    PODUP_STATE_DIR: stateDir,
    PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
    PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
  });
});
afterAll(async () => {
  await server.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('/readyz', () => {
  it('is ready on the real test host, naming what answered', async () => {
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.db.detail).toMatch(/SQLite .*writable/);
    expect(body.checks.dbus.detail).toMatch(/^systemd \d+\S* \(user manager\)/);
    expect(body.checks.podman.detail).toMatch(/libpod API 4\./);
  });

  it('/healthz stays 200 whatever the parts do', async () => {
    const res = await fetch(`${server.url}/healthz`);
    expect(res.status).toBe(200);
  });

  it('reports the Podman API down with its fix, then recovers', async () => {
    systemctl('stop', 'podup-th-podman.service');
    try {
      const { status, body } = await readyz();
      expect(status).toBe(503);
      expect(body.status).toBe('not-ready');
      expect(body.checks.podman.ok).toBe(false);
      expect(body.checks.podman.hint).toMatch(/podman\.socket/);
      expect(body.checks.dbus.ok).toBe(true);
      expect(body.checks.db.ok).toBe(true);
      expect(body.error?.code).toBe('NOT_READY');
      expect(body.error?.message).toMatch(/^podman: /);
    } finally {
      systemctl('start', 'podup-th-podman.service');
    }
    await eventually(async () => (await readyz()).status === 200);
  });

  it('reports D-Bus down within its time bound, then reconnects', async () => {
    systemctl('stop', 'dbus.socket', 'dbus.service');
    try {
      const started = Date.now();
      const { status, body } = await readyz();
      expect(Date.now() - started).toBeLessThan(3500);
      expect(status).toBe(503);
      expect(body.checks.dbus.ok).toBe(false);
      expect(body.checks.dbus.hint).toMatch(/DBUS_SESSION_BUS_ADDRESS/);
      expect(body.checks.podman.ok).toBe(true);
    } finally {
      systemctl('start', 'dbus.socket');
    }
    await eventually(async () => (await readyz()).status === 200);
  });

  it('reports the database not writable while another process holds its lock', async () => {
    const dbPath = join(stateDir, 'podup.db');
    /** The lock held by another process for 1.5 s around one GET /readyz. */
    async function readyzWhileLocked() {
      // Reads are counted in memory and written every 5 s (the housekeeping flush): a flush that met the lock
      // would hold the server, and the probe behind it, until the end. Right after a flush the next is 5 s away.
      const reader = new Database(dbPath, { readonly: true });
      const healthz = () =>
        reader
          .prepare(`SELECT coalesce(sum(count), 0) FROM request_counts WHERE route = '/healthz'`)
          .pluck()
          .get();
      const before = healthz() as number;
      await fetch(`${server.url}/healthz`);
      await eventually(async () => (healthz() as number) > before);
      reader.close();
      const holder = new Database(dbPath);
      holder.prepare('BEGIN EXCLUSIVE').run();
      const released = new Promise<void>((resolve) =>
        setTimeout(() => {
          holder.prepare('ROLLBACK').run();
          holder.close();
          resolve();
        }, 1500),
      );
      const result = await readyz();
      await released;
      return result;
    }
    // A background write of the server (discovery, the runner) can still meet the lock first and hold the probe
    // until the lock is gone: then the probe rightly sees a writable database. Up to three tries.
    let result = await readyzWhileLocked();
    for (let tries = 1; tries < 3 && result.status === 200; tries++) result = await readyzWhileLocked();
    const { status, body } = result;
    expect(status).toBe(503);
    expect(body.checks.db.ok).toBe(false);
    expect(body.checks.db.detail).toMatch(/locked|busy/i);
    expect(body.checks.db.hint).toContain(stateDir);
    expect((await readyz()).status).toBe(200);
  });

  it('records each failed probe in the event log with the reason (one row per reason and minute, counted)', async () => {
    // Counts of folded rows reach the database with the housekeeping flush, every 5 s.
    await new Promise((r) => setTimeout(r, 6000));
    const db = new Database(join(stateDir, 'podup.db'), { readonly: true });
    const rows = db
      .prepare(`SELECT status, outcome, reason, count FROM events WHERE route = '/readyz' ORDER BY id`)
      .all() as Array<{
      status: number;
      outcome: string;
      reason: string | null;
      count: number;
    }>;
    db.close();
    const failed = rows.filter((r) => r.status === 503);
    expect(failed.reduce((n, r) => n + r.count, 0)).toBeGreaterThanOrEqual(3);
    expect(failed.find((r) => r.reason?.startsWith('podman:'))).toBeDefined();
    // Probes that answered 200 are counted, not stored.
    expect(rows.filter((r) => r.status === 200)).toEqual([]);
  }, 20_000);
});
