/**
 * podup as operators run it, in a child process stopped by its PID: the server as the systemd units start it
 * (bin/podup-serve, from the startup snapshot), every other command through `node bin/podup.js`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from './paths.js';

export const PODUP_BIN = join(repoRoot, 'bin/podup.js');
export const PODUP_SERVE = join(repoRoot, 'bin/podup-serve');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProc {
  proc: ChildProcess;
  url: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Base environment for a child podup: PATH and HOME only, plus what the test passes. */
export function childEnv(env: Record<string, string | undefined>): Record<string, string> {
  const base: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

export async function waitForHttp(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      return;
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms: ${String(last)}`);
}

/** Who a child podup runs as (a rootless test host's user); the test's own user when not given. */
export interface RunAs {
  uid?: number;
  gid?: number;
}

export function spawnPodup(
  args: string[],
  env: Record<string, string | undefined>,
  cwd = repoRoot,
  as: RunAs = {},
) {
  return watch(
    spawn(process.execPath, [PODUP_BIN, ...args], {
      env: childEnv(env),
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...as,
    }),
  );
}

/** `podup serve` the way systemd/*.service runs it. */
export function spawnServe(
  env: Record<string, string | undefined>,
  cwd = repoRoot,
  launcher = PODUP_SERVE,
  as: RunAs = {},
) {
  return watch(spawn(launcher, [], { env: childEnv(env), cwd, stdio: ['ignore', 'pipe', 'pipe'], ...as }));
}

function watch(proc: ChildProcess) {
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    proc.on('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  return { proc, stdout: () => out, stderr: () => err, exited };
}

/** Starts `podup serve` on env.PODUP_HTTP_ADDR, or on a free port when the test does not choose one. */
export async function startServer(
  env: Record<string, string | undefined>,
  launcher = PODUP_SERVE,
  as: RunAs = {},
): Promise<ServerProc> {
  const addr = env.PODUP_HTTP_ADDR ?? `127.0.0.1:${await freePort()}`;
  const url = `http://${addr}`;
  const p = spawnServe({ ...env, PODUP_HTTP_ADDR: addr }, repoRoot, launcher, as);
  await Promise.race([
    waitForHttp(`${url}/healthz`),
    p.exited.then((code) => {
      throw new Error(`podup exited (${code}) before answering:\n${p.stderr()}\n${p.stdout()}`);
    }),
  ]);
  return {
    ...p,
    url,
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      p.proc.kill(signal);
      return p.exited;
    },
  };
}

/** Run a podup CLI command to completion. */
export async function runPodup(
  args: string[],
  env: Record<string, string | undefined>,
  cwd?: string,
  as: RunAs = {},
) {
  const p = spawnPodup(args, env, cwd, as);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}
