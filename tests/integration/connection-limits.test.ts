/**
 * Slow and idle connections against podup as a process, over raw sockets: deadlines that a trickle cannot
 * stretch, and caps on open connections (total and per source) on an address and on a socket passed by
 * systemd, refused with a 503 JSON answer while connections already open keep working. The caps are lowered
 * through the configuration so that a few sockets reach them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostEnv } from '../helpers/app.js';
import { ADMIN_TOKEN, SECRET } from '../helpers/github.js';
import { rawConnect, type RawConnection } from '../helpers/raw-socket.js';
import {
  PODUP_SERVE,
  childEnv,
  freePort,
  startServer,
  waitForHttp,
  type ServerProc,
} from '../helpers/server-process.js';

let stateDir: string;
let server: ServerProc | undefined;
const sockets: RawConnection[] = [];

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'podup-conn-'));
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.stop();
  server = undefined;
  rmSync(stateDir, { recursive: true, force: true });
});

const baseEnv = (extra: Record<string, string> = {}) => ({
  ...hostEnv(),
  PODUP_STATE_DIR: stateDir,
  PODUP_GITHUB_WEBHOOK_SECRET: SECRET,
  PODUP_ADMIN_TOKEN: ADMIN_TOKEN,
  ...extra,
});

async function open(port: number): Promise<RawConnection> {
  const c = await rawConnect(port);
  sockets.push(c);
  return c;
}

const portOf = (url: string) => Number(new URL(url).port);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A connection over the cap: a 503 JSON answer (before any request is read), then the close. */
async function expectRefused(c: RawConnection, reason: RegExp): Promise<void> {
  await c.waitFor('}}');
  const text = c.received();
  expect(text).toMatch(/^HTTP\/1\.1 503 /);
  expect(text).toMatch(/\r\nretry-after: \d+\r\n/i);
  const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as {
    error: { code: string; message: string };
  };
  expect(body.error.code).toBe('TOO_MANY_CONNECTIONS');
  expect(body.error.message).toMatch(reason);
  expect(await Promise.race([c.closed.then(() => true), sleep(3000).then(() => false)])).toBe(true);
}

/**
 * Opens connections that each make one request and stay open, until one is refused. The harness's own fetch
 * (startServer waits for /healthz) may still hold one pooled connection, so up to one fewer is admitted.
 */
async function fillUntilRefused(port: number, limit: number) {
  const admitted: RawConnection[] = [];
  for (let i = 0; i <= limit; i++) {
    const c = await open(port);
    const reply = await c.get('/healthz');
    if (reply.status === 503) return { admitted, refused: c };
    expect(reply.status).toBe(200);
    admitted.push(c);
  }
  throw new Error(`${limit + 1} connections were admitted`);
}

describe('deadlines a slow client cannot stretch', () => {
  it(
    'closes an idle connection and trickled headers after 10 s, a trickled or short body after 30 s',
    { timeout: 45_000 },
    async () => {
      server = await startServer(baseEnv());
      const port = portOf(server.url);
      const post = (length: number) =>
        `POST /webhooks/github HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`;
      const [idle, headers, trickle, short] = await Promise.all([
        open(port),
        open(port),
        open(port),
        open(port),
      ]);
      headers.socket.write('GET /healthz HTTP/1.1\r\n');
      trickle.socket.write(post(1000));
      short.socket.write(`${post(20)}0123456789`);
      const drip = setInterval(() => {
        if (!headers.socket.destroyed) headers.socket.write('x');
        if (!trickle.socket.destroyed) trickle.socket.write('a');
      }, 2000);
      try {
        const [idleMs, headersMs, trickleMs, shortMs] = await Promise.all(
          [idle, headers, trickle, short].map((c) => c.closed),
        );
        expect(idleMs).toBeGreaterThanOrEqual(9_500);
        expect(idleMs).toBeLessThan(13_000);
        expect(headersMs).toBeLessThan(13_000);
        expect(trickleMs).toBeGreaterThanOrEqual(29_500);
        expect(trickleMs).toBeLessThan(33_000);
        expect(shortMs).toBeLessThan(33_000);
        for (const c of [idle, headers, trickle, short]) expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
      } finally {
        clearInterval(drip);
      }
    },
  );
});

describe('connection caps', () => {
  it('refuses connections from one source beyond its cap with a 503, while open keep-alive connections keep working', async () => {
    server = await startServer(
      baseEnv({ PODUP_MAX_CONNECTIONS: '20', PODUP_MAX_CONNECTIONS_PER_SOURCE: '5' }),
    );
    const port = portOf(server.url);
    const { admitted, refused } = await fillUntilRefused(port, 5);
    expect(admitted.length).toBeGreaterThanOrEqual(4);
    await expectRefused(refused, /from this address/);

    // Connections opened before the cap still serve requests; a new one does once a slot is free.
    for (const c of admitted) expect((await c.get('/healthz')).status).toBe(200);
    admitted[0]?.destroy();
    await admitted[0]?.closed;
    await sleep(100);
    expect((await (await open(port)).get('/healthz')).status).toBe(200);

    await expectRefused(await open(port), /from this address/);
    const log = server.stdout();
    expect(log).toContain('connections refused at the connection cap');
    expect(log).toContain('"busiestSource":"127.0.0.1"');
  });

  it('refuses connections beyond the total cap the same way; a trusted proxy counts only against the total', async () => {
    server = await startServer(
      baseEnv({
        PODUP_MAX_CONNECTIONS: '8',
        PODUP_MAX_CONNECTIONS_PER_SOURCE: '2',
        PODUP_TRUST_PROXY: '127.0.0.1',
      }),
    );
    const port = portOf(server.url);
    const { admitted, refused } = await fillUntilRefused(port, 8);
    expect(admitted.length).toBeGreaterThanOrEqual(7);
    await expectRefused(refused, /podup has too many open connections/);
    expect((await admitted[0]!.get('/healthz')).status).toBe(200);
  });

  it('holds on a socket passed by systemd', async () => {
    const port = await freePort();
    const env = childEnv(
      baseEnv({
        PODUP_HTTP_ADDR: '127.0.0.1:1',
        PODUP_MAX_CONNECTIONS: '10',
        PODUP_MAX_CONNECTIONS_PER_SOURCE: '4',
      }),
    );
    const passEnv = Object.keys(env).flatMap((k) => ['-E', k]);
    const proc = spawn('systemd-socket-activate', ['-l', `127.0.0.1:${port}`, ...passEnv, PODUP_SERVE], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((r) => proc.once('exit', r));
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);
      const { admitted, refused } = await fillUntilRefused(port, 4);
      expect(admitted.length).toBeGreaterThanOrEqual(3);
      await expectRefused(refused, /from this address/);
      const health = await admitted[0]!.get('/healthz');
      expect(JSON.parse(health.body)).toMatchObject({ listener: 'socket-activation' });
    } finally {
      for (const s of sockets.splice(0)) s.destroy();
      proc.kill('SIGTERM');
      await exited;
    }
  });
});
