// What the benchmarks on the real test host share: its environment (written by scripts/test-host.sh up), a
// shell with it, free ports, and the wait for an idle second on this shared VM (a run that starts busy is
// flagged by the caller).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const env = Object.fromEntries(
  readFileSync(join(process.env.PODUP_TEST_HOST_DIR ?? '/tmp/podup-test-host', 'env'), 'utf8')
    .split('\n')
    .map((l) => /^export ([A-Z_0-9]+)=(.*)$/.exec(l))
    .filter(Boolean)
    .map((m) => [m[1], m[2]]),
);
export const childEnv = { PATH: process.env.PATH, HOME: env.PODUP_TEST_HOME, ...env };
export const REGISTRY = env.PODUP_TEST_REGISTRY;
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
export const IDLE_PCT = Number(process.env.BENCH_IDLE_PCT ?? 80);
const IDLE_WAIT_S = Number(process.env.BENCH_IDLE_WAIT ?? 60);

export const sh = (cmd, args) =>
  execFileSync(cmd, args, { env: childEnv, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function cpuTicks() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
}
async function idlePct() {
  const a = cpuTicks();
  await sleep(1000);
  const b = cpuTicks();
  return Math.round((100 * (b.idle - a.idle)) / Math.max(1, b.total - a.total));
}
/** Waits up to BENCH_IDLE_WAIT s for a second with BENCH_IDLE_PCT % idle CPU; resolves with the last idle %. */
export async function waitIdle() {
  const deadline = Date.now() + IDLE_WAIT_S * 1000;
  for (;;) {
    const pct = await idlePct();
    if (pct >= IDLE_PCT || Date.now() > deadline) return pct;
  }
}

/**
 * `podup serve` (bin/podup.js) on a free loopback port with its state in `stateDir`, no Quadlet files and warn
 * logs, plus `settings`; resolves once /healthz answers (10 s at most). Stop it with server.kill('SIGTERM').
 */
export async function startPodup(stateDir, settings, baseEnv = childEnv) {
  const noQuadlets = join(stateDir, 'no-quadlets');
  mkdirSync(noQuadlets, { recursive: true });
  const port = await freePort();
  const server = spawn(process.execPath, [join(ROOT, 'bin/podup.js'), 'serve'], {
    env: {
      ...baseEnv,
      PODUP_STATE_DIR: stateDir,
      PODUP_HTTP_ADDR: `127.0.0.1:${port}`,
      PODUP_QUADLET_DIRS: noQuadlets,
      PODUP_LOG_LEVEL: 'warn',
      ...settings,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400; i++) {
    try {
      await fetch(`${base}/healthz`);
      return { server, base };
    } catch {
      await sleep(25);
    }
  }
  server.kill('SIGTERM');
  throw new Error('podup did not answer GET /healthz within 10 s');
}
