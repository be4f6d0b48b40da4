/**
 * podup as a process: socket activation (systemd-socket-activate and a real .socket unit of the test host's
 * user manager), idle exit, SIGTERM with a request in flight, kill -9 without losing an acknowledged event,
 * journald priority prefixes.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostEnv } from '../helpers/app.js';
import { repoRoot } from '../helpers/paths.js';
import { ADMIN_TOKEN, SECRET, githubHeaders, packagePublished } from '../helpers/github.js';
import {
  PODUP_SERVE,
  childEnv,
  freePort,
  spawnPodup,
  spawnServe,
  startServer,
  waitForHttp,
} from '../helpers/server-process.js';

let stateDir: string;
beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-proc-'));
});
afterEach(() => {
  rmSync(stateDir, { recursive: true, force: true });
});

const baseEnv = (extra: Record<string, string> = {}) => ({
  ...hostEnv(),
  PODUP_STATE_DIR: stateDir,
  PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
  PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
  ...extra,
});

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;

describe('socket activation with systemd-socket-activate', () => {
  it('serves on the passed socket and exits 0 when idle', async () => {
    const port = await freePort();
    const env = childEnv(baseEnv({ PODUP_IDLE_EXIT: '1500ms', PODUP_HTTP_ADDR: '127.0.0.1:1' }));
    // systemd-socket-activate hands the child only the variables named with -E.
    const passEnv = Object.keys(env).flatMap((k) => ['-E', k]);
    const args = [
      '-l',
      `127.0.0.1:${port}`,
      '--fdname=http',
      ...passEnv,
      // As systemd/*.service starts it: from the startup snapshot.
      PODUP_SERVE,
    ];
    const proc = spawn('systemd-socket-activate', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    try {
      // PODUP_HTTP_ADDR points at a port podup could not bind: only the passed socket can answer.
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      const health = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { listener: string };
      expect(health.listener).toBe('socket-activation');
      const body = packagePublished({ tag: 'sa', digest: digest(1) });
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/github`, {
        method: 'POST',
        headers: githubHeaders('package', body),
        body,
      });
      expect(res.status).toBe(202);

      const started = Date.now();
      expect(await exited).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(out).toContain('"reason":"idle"');
      expect(out).toContain('"startup":"snapshot"');
    } finally {
      proc.kill('SIGKILL');
    }
  });
});

describe('socket activation by a real .socket unit of the user manager', () => {
  const unitDir = () => hostEnv().PODUP_TEST_UNIT_DIR ?? '';
  // is-active and friends exit non-zero for "inactive": the printed state is what the test reads.
  const systemctl = (...args: string[]) =>
    spawnSync('systemctl', ['--user', ...args], { env: childEnv(hostEnv()), encoding: 'utf8' }).stdout;

  afterEach(() => {
    try {
      systemctl('stop', 'podup-it.socket', 'podup-it.service');
    } catch {
      /* already stopped */
    }
    for (const f of ['podup-it.socket', 'podup-it.service']) {
      try {
        unlinkSync(join(unitDir(), f));
      } catch {
        /* not written */
      }
    }
    systemctl('daemon-reload');
  });

  it('starts podup on the first connection, restarts it after an idle exit, and keeps its state', async () => {
    const port = await freePort();
    const log = join(stateDir, 'service.log');
    const env = baseEnv({ PODUP_IDLE_EXIT: '1s', PODUP_RATE_LIMIT_IMAGE: '1/1h' });
    const environment = Object.entries(env)
      .filter(([k]) => k.startsWith('PODUP_') || k.startsWith('CONTAINERS_'))
      .map(([k, v]) => `Environment=${k}=${v}`)
      .join('\n');
    writeFileSync(
      join(unitDir(), 'podup-it.socket'),
      `[Socket]\nListenStream=127.0.0.1:${port}\nFileDescriptorName=http\n`,
    );
    writeFileSync(
      join(unitDir(), 'podup-it.service'),
      `[Service]\nType=exec\n${environment}\nExecStart=${PODUP_SERVE}\nStandardOutput=append:${log}\nStandardError=append:${log}\n`,
    );
    systemctl('daemon-reload');
    systemctl('start', 'podup-it.socket');
    expect(systemctl('is-active', 'podup-it.service').trim()).not.toBe('active');

    const base = `http://127.0.0.1:${port}`;
    const health = (await (await fetch(`${base}/healthz`)).json()) as { listener: string };
    expect(health.listener).toBe('socket-activation');
    // Inside the unit, podup finds the user manager on the standard bus address and the Podman socket.
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const firstPid = systemctl('show', '-p', 'MainPID', '--value', 'podup-it.service').trim();
    expect(Number(firstPid)).toBeGreaterThan(0);

    const body = packagePublished({ tag: 'unit', digest: digest(2) });
    const headers = githubHeaders('package', body);
    expect((await fetch(`${base}/webhooks/github`, { method: 'POST', headers, body })).status).toBe(202);

    // Idle exit: the service stops, the socket stays.
    const deadline = Date.now() + 10_000;
    while (systemctl('show', '-p', 'ActiveState', '--value', 'podup-it.service').trim() === 'active') {
      if (Date.now() > deadline) throw new Error('podup did not exit when idle');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(systemctl('show', '-p', 'Result', '--value', 'podup-it.service').trim()).toBe('success');
    expect(systemctl('is-active', 'podup-it.socket').trim()).toBe('active');

    // Next connection starts a new process, which knows the delivery and the rate-limit state.
    const again = await fetch(`${base}/webhooks/github`, { method: 'POST', headers, body });
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
    const other = packagePublished({ tag: 'unit2', digest: digest(3) });
    expect(
      (
        await fetch(`${base}/webhooks/github`, {
          method: 'POST',
          headers: githubHeaders('package', other),
          body: other,
        })
      ).status,
    ).toBe(429);
    const secondPid = systemctl('show', '-p', 'MainPID', '--value', 'podup-it.service').trim();
    expect(secondPid).not.toBe(firstPid);
    expect(readFileSync(log, 'utf8')).toContain('"listener":"socket-activation"');
    // Both starts came from the startup snapshot.
    expect(readFileSync(log, 'utf8').match(/"startup":"snapshot"/g)).toHaveLength(2);
  });
});

describe('shutdown', () => {
  it('SIGTERM finishes a request that is in flight, then exits 0', async () => {
    const server = await startServer(baseEnv());
    const body = packagePublished({ tag: 'term', digest: digest(4) });
    const headers = githubHeaders('package', body);
    const port = Number(new URL(server.url).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let response = '';
    socket.on('data', (d) => (response += d.toString()));
    const head = [
      `POST /webhooks/github HTTP/1.1`,
      `host: 127.0.0.1:${port}`,
      `content-length: ${body.length}`,
      'connection: close',
    ]
      .concat(Object.entries(headers).map(([k, v]) => `${k}: ${v}`))
      .join('\r\n');
    socket.write(`${head}\r\n\r\n`);
    socket.write(body.subarray(0, 100));
    await new Promise((r) => setTimeout(r, 150));
    server.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    // New connections are refused while closing; the started request still completes.
    socket.write(body.subarray(100));
    await new Promise((r) => socket.once('close', r));
    expect(response).toMatch(/^HTTP\/1\.1 202/);
    expect(await server.exited).toBe(0);
    const db = new Database(join(stateDir, 'podup.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) FROM tasks').pluck().get()).toBe(1);
    db.close();
  });

  it('kill -9 never loses an event that was acknowledged', async () => {
    const server = await startServer(baseEnv({ PODUP_RATE_LIMIT_IMAGE: 'off' }));
    const acknowledged: string[] = [];
    let killed = false;
    const send = async (i: number) => {
      const body = packagePublished({ name: `crash-${i}`, tag: 't', digest: digest(i) });
      const headers = githubHeaders('package', body);
      try {
        const res = await fetch(`${server.url}/webhooks/github`, { method: 'POST', headers, body });
        if (res.status === 202) acknowledged.push(headers['x-github-delivery'] ?? '');
        if (acknowledged.length >= 40 && !killed) {
          killed = true;
          server.proc.kill('SIGKILL');
        }
      } catch {
        /* cut off by the kill: not acknowledged, so it may be lost */
      }
    };
    const inFlight: Promise<void>[] = [];
    for (let i = 1; i <= 400 && !killed; i++) {
      inFlight.push(send(i));
      if (i % 20 === 0)
        await Promise.race([Promise.all(inFlight.slice(-20)), new Promise((r) => setTimeout(r, 50))]);
    }
    await Promise.all(inFlight);
    if (!killed) server.proc.kill('SIGKILL');
    expect(await server.exited).toBe(-1);
    expect(acknowledged.length).toBeGreaterThanOrEqual(40);

    const db = new Database(join(stateDir, 'podup.db'));
    expect(db.pragma('quick_check', { simple: true })).toBe('ok');
    const stored = new Set(
      db.prepare(`SELECT delivery FROM deliveries WHERE outcome = 'accepted'`).pluck().all() as string[],
    );
    const withTask = new Set(db.prepare('SELECT delivery FROM tasks').pluck().all() as string[]);
    const withEvent = new Set(
      db.prepare('SELECT delivery FROM events WHERE status = 202').pluck().all() as string[],
    );
    db.close();
    for (const d of acknowledged) {
      expect(stored.has(d)).toBe(true);
      expect(withTask.has(d)).toBe(true);
      expect(withEvent.has(d)).toBe(true);
    }
  });
});

describe('startup snapshot (bin/podup-serve)', () => {
  const startupOf = (out: string) => /"startup":"(\w+)"/.exec(out)?.[1];

  it('starts from the snapshot, and every start draws its own randomness and clock', async () => {
    const prefixes: string[] = [];
    for (let i = 0; i < 2; i++) {
      const server = await startServer(baseEnv());
      const res = await fetch(`${server.url}/no-such-route`, { headers: { accept: 'application/json' } });
      expect(res.status).toBe(404);
      prefixes.push((res.headers.get('x-request-id') ?? '').split('-')[0] ?? '');
      const health = (await (await fetch(`${server.url}/healthz`)).json()) as { uptimeSec: number };
      expect(health.uptimeSec).toBeGreaterThanOrEqual(0);
      expect(health.uptimeSec).toBeLessThan(30);
      expect(await server.stop()).toBe(0);
      expect(startupOf(server.stdout())).toBe('snapshot');
    }
    expect(prefixes[0]).toMatch(/^[0-9a-f]{8}$/);
    expect(prefixes[1]).not.toBe(prefixes[0]);
  });

  it('finds node through PODUP_NODE when it is not on PATH', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'podup-path-'));
    try {
      // A PATH with stat (which the launcher needs) but without node.
      symlinkSync('/usr/bin/stat', join(bin, 'stat'));
      const server = await startServer(baseEnv({ PATH: bin, PODUP_NODE: process.execPath }));
      expect(await server.stop()).toBe(0);
      expect(startupOf(server.stdout())).toBe('snapshot');

      const p = spawnServe(baseEnv({ PATH: bin }));
      expect(await p.exited).toBe(1);
      expect(p.stderr()).toContain('set PODUP_NODE');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('starts from the bundle when PODUP_SNAPSHOT=off (the off switch)', async () => {
    const server = await startServer(baseEnv({ PODUP_SNAPSHOT: 'off' }));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    expect(startupOf(server.stdout())).toBe('modules');
  });

  it('starts from the bundle when NODE_OPTIONS is set (V8 flags would not match the snapshot)', async () => {
    const server = await startServer(baseEnv({ NODE_OPTIONS: '--max-old-space-size=256' }));
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    expect(startupOf(server.stdout())).toBe('modules');
  });

  it('starts from the bundle when the checkout moved after the snapshot was built', async () => {
    const moved = mkdtempSync(join(tmpdir(), 'podup-moved-'));
    try {
      mkdirSync(join(moved, 'bin'));
      mkdirSync(join(moved, 'server/dist'), { recursive: true });
      copyFileSync(PODUP_SERVE, join(moved, 'bin/podup-serve'));
      for (const f of ['serve.mjs', 'serve.blob', 'serve.blob.stamp'])
        copyFileSync(join(repoRoot, 'server/dist', f), join(moved, 'server/dist', f));
      copyFileSync(join(repoRoot, 'package.json'), join(moved, 'package.json'));
      symlinkSync(join(repoRoot, 'node_modules'), join(moved, 'node_modules'));
      const server = await startServer(baseEnv(), join(moved, 'bin/podup-serve'));
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(await server.stop()).toBe(0);
      expect(startupOf(server.stdout())).toBe('modules');
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
  });
});

describe('logs', () => {
  it('under journald every line carries its syslog priority, and no secret is ever logged', async () => {
    const server = await startServer(baseEnv({ JOURNAL_STREAM: '8:12345' }));
    const body = packagePublished({ tag: 'log', digest: digest(5) });
    const headers = githubHeaders('package', body);
    await fetch(`${server.url}/webhooks/github`, { method: 'POST', headers, body });
    await fetch(`${server.url}/webhooks/github`, {
      method: 'POST',
      headers: { ...headers, 'x-hub-signature-256': 'sha256=' + '0'.repeat(64) },
      body,
    });
    await fetch(`${server.url}/api/events`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(await server.stop()).toBe(0);
    const lines = server.stdout().trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const m = /^<([0-7])>(\{.*\})$/.exec(line);
      expect(m, line).not.toBeNull();
      const level = (JSON.parse(m?.[2] ?? '{}') as { level: string }).level;
      expect(Number(m?.[1])).toBe({ trace: 7, debug: 7, info: 6, warn: 4, error: 3, fatal: 2 }[level]);
    }
    expect(lines.some((l) => l.startsWith('<6>') && l.includes('"delivery"'))).toBe(true);
    const all = server.stdout() + server.stderr();
    for (const secret of [SECRET, ADMIN_TOKEN, headers['x-hub-signature-256'] ?? 'x'])
      expect(all).not.toContain(secret);
  });

  it('warns at startup when no secret and no admin token are configured', async () => {
    const p = spawnPodup(['serve'], {
      ...hostEnv(),
      PODUP_STATE_DIR: stateDir,
      PODUP_HTTP_ADDR: `127.0.0.1:${await freePort()}`,
    });
    await new Promise((r) => setTimeout(r, 1500));
    p.proc.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const warnings = p
      .stdout()
      .split('\n')
      .filter((l) => l.includes('"level":"warn"'));
    expect(warnings.join('\n')).toMatch(/webhook secret/);
    expect(warnings.join('\n')).toMatch(/admin token/);
  });
});

describe('body limit on the wire', () => {
  /** Sends headers and `sent` bytes of a body announced (or chunked) as much larger; resolves with the reply. */
  async function oversized(
    port: number,
    headers: string[],
    chunks: Buffer[],
  ): Promise<{ reply: string; closed: boolean; ms: number }> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const started = Date.now();
    let reply = '';
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<boolean>((resolve) => socket.once('close', () => resolve(true)));
    socket.write(`${headers.join('\r\n')}\r\n\r\n`);
    for (const c of chunks) if (!socket.destroyed) socket.write(c);
    const result = await Promise.race([
      closed,
      new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
    ]);
    socket.destroy();
    return { reply, closed: result, ms: Date.now() - started };
  }

  it('answers 413 to a Content-Length over the limit without waiting for the body, and closes', async () => {
    const server = await startServer(baseEnv());
    try {
      const port = Number(new URL(server.url).port);
      const r = await oversized(
        port,
        [
          'POST /webhooks/github HTTP/1.1',
          'host: x',
          'content-type: application/json',
          `content-length: ${100 << 20}`,
        ],
        [Buffer.alloc(64 * 1024, 'a')],
      );
      expect(r.reply).toMatch(/^HTTP\/1\.1 413/);
      expect(r.reply).toContain('PAYLOAD_TOO_LARGE');
      expect(r.closed).toBe(true);
    } finally {
      await server.stop();
    }
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const server = await startServer(baseEnv({ PODUP_WEBHOOK_BODY_LIMIT: '64KiB' }));
    try {
      const port = Number(new URL(server.url).port);
      const chunk = Buffer.alloc(32 * 1024, 'a');
      const frame = Buffer.concat([
        Buffer.from(`${chunk.length.toString(16)}\r\n`),
        chunk,
        Buffer.from('\r\n'),
      ]);
      const r = await oversized(
        port,
        [
          'POST /webhooks/github HTTP/1.1',
          'host: x',
          'content-type: application/json',
          'transfer-encoding: chunked',
        ],
        Array.from({ length: 8 }, () => frame),
      );
      expect(r.reply).toMatch(/^HTTP\/1\.1 413/);
      expect(r.closed).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
