/**
 * `podman auto-update` against the test host's user manager. Rootful podman talks to the system manager
 * through /run/systemd/private only; here that path is the user manager's private socket, inside a mount
 * namespace of this one command (the machine's own /run/systemd is never touched).
 */
import { spawnSync } from 'node:child_process';
import { hostEnv } from './app.js';
import { childEnv } from './server-process.js';

export interface AutoUpdateRun {
  status: number;
  ms: number;
  /** Its JSON report: one entry per unit it looked at. */
  report: Array<{ Unit: string; Image: string; Updated: string }>;
  stderr: string;
}

export function podmanAutoUpdate(): AutoUpdateRun {
  const env = childEnv(hostEnv());
  const privateSocket = `${env.XDG_RUNTIME_DIR ?? ''}/systemd/private`;
  const started = performance.now();
  const r = spawnSync(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      'sh',
      '-c',
      `mount -t tmpfs tmpfs /run/systemd && ln -s "${privateSocket}" /run/systemd/private && exec podman auto-update --format json`,
    ],
    { env, encoding: 'utf8', timeout: 120_000 },
  );
  const ms = performance.now() - started;
  let report: AutoUpdateRun['report'] = [];
  try {
    report = JSON.parse(r.stdout || '[]') as AutoUpdateRun['report'];
  } catch {
    /* no report: see stderr */
  }
  return { status: r.status ?? -1, ms, report, stderr: r.stderr.trim() };
}
