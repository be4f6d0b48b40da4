/**
 * podup as a process when its state disk fails: full (while serving and at a restart), the database deleted
 * under it, the state dir read-only, and kill -9 under webhook load. Each fault is answered 503 with the reason
 * and the path, logged once, never spins, and podup recovers by itself once the disk does. Root only: the full
 * and read-only disks are small tmpfs mounts made (and unmounted) here.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorBody, Readiness } from '../../server/src/contract/api.js';
import { podupEnv } from '../helpers/app.js';
import { cpuSeconds, fill, mountTmpfs, remount, unfill, unmount } from '../helpers/disk.js';
import { githubHeaders, packagePublished } from '../helpers/github.js';
import {
  PODUP_SERVE,
  childEnv,
  freePort,
  startServer,
  waitForHttp,
  type ServerProc,
} from '../helpers/server-process.js';

const REPLY_MS = 5000;

let base: string;
let fsDir: string;
let mounted = false;
const servers = new Set<ServerProc>();

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'podup-faults-'));
  fsDir = join(base, 'fs');
  mkdirSync(fsDir);
});
afterEach(async () => {
  for (const s of servers) await s.stop('SIGKILL');
  servers.clear();
  if (mounted) {
    try {
      remount(fsDir, 'rw');
    } catch {
      /* already writable */
    }
    unmount(fsDir);
    mounted = false;
  }
});
afterAll(() => {
  rmSync(base, { recursive: true, force: true });
});

function onTmpfs(size = '32m'): string {
  mountTmpfs(fsDir, size);
  mounted = true;
  return join(fsDir, 'state');
}

async function serve(stateDir: string, extra: Record<string, string> = {}): Promise<ServerProc> {
  const s = await startServer(podupEnv(stateDir, { PODUP_RATE_LIMIT_IMAGE: 'off', ...extra }));
  servers.add(s);
  return s;
}

async function stop(s: ServerProc): Promise<number | null> {
  const code = await s.stop();
  servers.delete(s);
  return code;
}

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

interface Reply {
  status: number;
  body: unknown;
  delivery: string;
}

async function webhook(s: ServerProc, name: string, n: number): Promise<Reply> {
  const body = packagePublished({ name, tag: 't', digest: digest(n) });
  const headers = githubHeaders('package', body);
  const res = await fetch(`${s.url}/webhooks/github`, {
    method: 'POST',
    headers,
    body,
    signal: AbortSignal.timeout(REPLY_MS),
  });
  return { status: res.status, body: await res.json(), delivery: headers['x-github-delivery'] ?? '' };
}

/** `count` webhooks for distinct images, `parallel` at a time. */
async function burst(s: ServerProc, prefix: string, count: number, parallel = 20): Promise<Reply[]> {
  const replies: Reply[] = [];
  for (let i = 0; i < count; i += parallel) {
    const n = Math.min(parallel, count - i);
    replies.push(
      ...(await Promise.all(
        Array.from({ length: n }, (_, j) => webhook(s, `${prefix}-${i + j}`, i + j + 1)),
      )),
    );
  }
  return replies;
}

async function readyz(s: ServerProc): Promise<{ status: number; body: Readiness }> {
  const res = await fetch(`${s.url}/readyz`, { signal: AbortSignal.timeout(REPLY_MS) });
  return { status: res.status, body: Readiness.parse(await res.json()) };
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** CPU seconds the server burns over `ms` of waiting: a podup that spins uses about ms / 1000. */
async function cpuWhileIdle(s: ServerProc, ms = 2000): Promise<number> {
  const pid = s.proc.pid ?? 0;
  const before = cpuSeconds(pid);
  await new Promise((r) => setTimeout(r, ms));
  return cpuSeconds(pid) - before;
}

interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

const logLines = (s: ServerProc): LogLine[] =>
  s
    .stdout()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);

function expectRefused(r: Reply, code: string, message: string, path: string): void {
  expect(r.status).toBe(503);
  const { error } = ErrorBody.parse(r.body);
  expect(error.code).toBe(code);
  expect(error.message).toBe(message);
  expect(error.requestId).toBeTruthy();
  expect(error.hint).toContain(path);
}

function readDb<T>(stateDir: string, read: (db: Database.Database) => T): T {
  const db = new Database(join(stateDir, 'podup.db'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const acceptedDeliveries = (stateDir: string): Set<string> =>
  readDb(
    stateDir,
    (db) =>
      new Set(
        db.prepare(`SELECT delivery FROM deliveries WHERE outcome = 'accepted'`).pluck().all() as string[],
      ),
  );

describe('a full state disk', () => {
  it('is answered 503 STORAGE_FULL naming the path, logged once, never spins, and recovers by itself', async () => {
    const stateDir = onTmpfs();
    // A short window: tasks queue up while the disk fills, and must run once it has room again.
    const s = await serve(stateDir, { PODUP_COALESCE_WINDOW: '1s' });
    expect((await webhook(s, 'before', 1)).status).toBe(202);
    fill(fsDir, 300 * 1024);

    const replies = await burst(s, 'full', 200);
    const full = `disk full: ${stateDir}`;
    const acked = replies.filter((r) => r.status === 202);
    expect(replies.filter((r) => r.status !== 202 && r.status !== 503)).toEqual([]);
    expect(replies.length - acked.length).toBeGreaterThan(0);
    for (const r of replies.filter((x) => x.status === 503)) expectRefused(r, 'STORAGE_FULL', full, stateDir);

    const { status, body } = await readyz(s);
    expect(status).toBe(503);
    expect(body.checks.db.ok).toBe(false);
    expect(body.checks.db.detail).toBe(full);
    expect(body.checks.db.hint).toContain(stateDir);
    expect((await fetch(`${s.url}/healthz`, { signal: AbortSignal.timeout(REPLY_MS) })).status).toBe(200);
    // Waiting for space, not spinning: a few percent of one core at most.
    expect(await cpuWhileIdle(s)).toBeLessThan(0.4);

    const faults = logLines(s).filter((l) => l.msg.startsWith('storage fault'));
    expect(faults.length).toBeGreaterThanOrEqual(1);
    expect(faults.length).toBeLessThanOrEqual(2);
    expect(faults[0]?.msg).toContain(full);
    expect(logLines(s).filter((l) => l.level >= 60 || l.msg === 'request failed')).toEqual([]);

    unfill(fsDir);
    await eventually(async () => (await webhook(s, 'after', 999)).status === 202);
    await eventually(async () => (await readyz(s)).status === 200);
    // Said once the disk stopped refusing for a few seconds (every /readyz writes its event row).
    await eventually(
      async () =>
        (await readyz(s)).status === 200 &&
        logLines(s).some((l) => l.msg.startsWith('storage writable again')),
    );
    // Everything acknowledged was stored, nothing else; the queued tasks ran once there was room.
    const stored = acceptedDeliveries(stateDir);
    for (const r of acked) expect(stored.has(r.delivery)).toBe(true);
    expect(stored.size).toBe(acked.length + 2);
    await eventually(
      async () =>
        readDb(stateDir, (db) =>
          db.prepare(`SELECT count(*) FROM tasks WHERE status IN ('queued', 'running')`).pluck().get(),
        ) === 0,
      30_000,
    );
    expect(await stop(s)).toBe(0);
  }, 90_000);

  it('a restart on a full disk serves 503s the same way and recovers without another restart', async () => {
    const stateDir = onTmpfs();
    const first = await serve(stateDir);
    expect((await webhook(first, 'first', 1)).status).toBe(202);
    expect(await stop(first)).toBe(0);
    fill(fsDir);

    const s = await serve(stateDir, { PODUP_COALESCE_WINDOW: '1s' });
    const full = `disk full: ${stateDir}`;
    expectRefused(await webhook(s, 'restart', 2), 'STORAGE_FULL', full, stateDir);
    const { status, body } = await readyz(s);
    expect(status).toBe(503);
    expect(body.checks.db.detail).toBe(full);
    expect(await cpuWhileIdle(s)).toBeLessThan(0.4);

    unfill(fsDir);
    await eventually(async () => (await webhook(s, 'restart', 3)).status === 202);
    await eventually(async () => (await readyz(s)).status === 200);
    expect(acceptedDeliveries(stateDir).size).toBe(2);
    expect(await stop(s)).toBe(0);
  }, 60_000);
});

describe('a deleted database', () => {
  it('is answered 503 STORAGE_DELETED and said in /readyz and the log; nothing is acknowledged into it', async () => {
    const stateDir = mkdtempSync(join(base, 'state-'));
    const s = await serve(stateDir);
    expect((await webhook(s, 'kept', 1)).status).toBe(202);
    for (const f of ['podup.db', 'podup.db-wal', 'podup.db-shm']) rmSync(join(stateDir, f));

    const deleted = `database deleted: ${join(stateDir, 'podup.db')}`;
    const replies = await burst(s, 'gone', 40);
    for (const r of replies) expectRefused(r, 'STORAGE_DELETED', deleted, stateDir);
    const { status, body } = await readyz(s);
    expect(status).toBe(503);
    expect(body.checks.db.detail).toBe(deleted);
    expect(body.checks.db.hint).toMatch(/restart/);
    expect(await cpuWhileIdle(s)).toBeLessThan(0.4);
    const faults = logLines(s).filter((l) => l.msg.startsWith('storage fault'));
    expect(faults.length).toBe(1);
    expect(faults[0]?.msg).toContain(deleted);

    // A restart starts a new database: nothing acknowledged after the deletion could have been kept.
    expect(await stop(s)).toBe(0);
    const again = await serve(stateDir);
    expect((await readyz(again)).status).toBe(200);
    expect(acceptedDeliveries(stateDir).size).toBe(0);
    expect(await stop(again)).toBe(0);
  }, 60_000);

  it('notices a deleted write-ahead log too', async () => {
    const stateDir = mkdtempSync(join(base, 'state-'));
    const s = await serve(stateDir);
    expect((await webhook(s, 'wal', 1)).status).toBe(202);
    rmSync(join(stateDir, 'podup.db-wal'));
    expectRefused(
      await webhook(s, 'wal', 2),
      'STORAGE_DELETED',
      `database deleted: ${join(stateDir, 'podup.db-wal')}`,
      stateDir,
    );
    expect(await stop(s)).toBe(0);
  }, 30_000);

  it('a socket-activated podup with idle exit stays up and keeps answering 503', async () => {
    const stateDir = mkdtempSync(join(base, 'state-'));
    const port = await freePort();
    const env = childEnv(podupEnv(stateDir, { PODUP_IDLE_EXIT: '1s', PODUP_HTTP_ADDR: '127.0.0.1:1' }));
    const passEnv = Object.keys(env).flatMap((k) => ['-E', k]);
    const proc = spawn('systemd-socket-activate', ['-l', `127.0.0.1:${port}`, ...passEnv, PODUP_SERVE], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    let exited: number | null | undefined;
    proc.on('exit', (code) => (exited = code));
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitForHttp(`${url}/healthz`);
      for (const f of ['podup.db', 'podup.db-wal', 'podup.db-shm']) rmSync(join(stateDir, f));
      // The idle check asks the queue every quarter of the idle time: it must not take podup down.
      await new Promise((r) => setTimeout(r, 2500));
      expect(exited, out).toBeUndefined();
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(REPLY_MS) });
      expect(res.status).toBe(503);
      expect(out).not.toMatch(/uncaught exception/);
    } finally {
      proc.kill('SIGKILL');
    }
  }, 30_000);
});

describe('a read-only state dir', () => {
  it('is answered 503 STORAGE_READ_ONLY from the start, never spins, and recovers once writable', async () => {
    const stateDir = onTmpfs();
    const first = await serve(stateDir);
    expect((await webhook(first, 'ro', 1)).status).toBe(202);
    expect(await stop(first)).toBe(0);
    remount(fsDir, 'ro');

    const s = await serve(stateDir, { PODUP_COALESCE_WINDOW: '1s' });
    const readOnly = `read-only: ${stateDir}`;
    expectRefused(await webhook(s, 'ro', 2), 'STORAGE_READ_ONLY', readOnly, stateDir);
    const { status, body } = await readyz(s);
    expect(status).toBe(503);
    expect(body.checks.db.detail).toBe(readOnly);
    expect(await cpuWhileIdle(s)).toBeLessThan(0.4);

    remount(fsDir, 'rw');
    await eventually(async () => (await webhook(s, 'ro', 3)).status === 202);
    await eventually(async () => (await readyz(s)).status === 200);
    expect(acceptedDeliveries(stateDir).size).toBe(2);
    expect(await stop(s)).toBe(0);
  }, 60_000);
});

describe('kill -9 under webhook load', () => {
  it('stores exactly what was acknowledged, plus at most what was in flight', async () => {
    const stateDir = mkdtempSync(join(base, 'state-'));
    const s = await serve(stateDir);
    const parallel = 25;
    const acked = new Set<string>();
    let killed = false;
    const send = async (i: number) => {
      try {
        const r = await webhook(s, `kill-${i}`, i);
        if (r.status === 202) acked.add(r.delivery);
        else expect(r.status).toBe(202);
        if (acked.size >= 150 && !killed) {
          killed = true;
          s.proc.kill('SIGKILL');
        }
      } catch {
        /* cut off by the kill: not acknowledged */
      }
    };
    for (let i = 0; i < 600 && !killed; i += parallel) {
      await Promise.all(Array.from({ length: parallel }, (_, j) => send(i + j + 1)));
    }
    expect(killed).toBe(true);
    expect(await s.exited).toBe(-1);
    servers.delete(s);

    const stored = acceptedDeliveries(stateDir);
    for (const d of acked) expect(stored.has(d)).toBe(true);
    expect(stored.size - acked.size).toBeLessThanOrEqual(parallel);
    expect(readDb(stateDir, (db) => db.pragma('quick_check', { simple: true }))).toBe('ok');

    const again = await serve(stateDir);
    expect((await readyz(again)).status).toBe(200);
    expect(acceptedDeliveries(stateDir).size).toBe(stored.size);
    expect(await stop(again)).toBe(0);
  }, 60_000);
});
