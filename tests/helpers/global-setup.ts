/**
 * Brings the real test host up before the integration tests and down after them, unless it was already
 * running (a developer's `scripts/test-host.sh up`), in which case it is reused and left running.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { parseEnvFile, repoRoot, testHostDir } from './paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    testHostEnv: Record<string, string>;
    /** The rootless manager's: an unprivileged user's systemd --user and rootless Podman. */
    rootlessHostEnv: Record<string, string>;
  }
}

function running(pidFile: string): boolean {
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

function assertBuilt(): void {
  const cli = join(repoRoot, 'server/dist/cli.js');
  if (!existsSync(cli))
    throw new Error('server/dist is missing: run "npm run build" (npm test does it for you)');
  const built = statSync(cli).mtimeMs;
  const src = statSync(join(repoRoot, 'server/src/cli.ts')).mtimeMs;
  if (src > built) console.warn('[global-setup] server/dist may be stale; npm test rebuilds it');
}

export default function setup(project: TestProject): () => void {
  assertBuilt();
  const dir = testHostDir();
  const script = join(repoRoot, 'scripts/test-host.sh');
  const reuse = running(join(dir, 'user-manager.pid'));
  // `up` starts only what is not running: a host brought up before it had a rootless part gains one.
  if (!reuse || !running(join(dir, 'rootless', 'user-manager.pid')))
    execFileSync('bash', [script, 'up'], { stdio: 'inherit' });
  project.provide('testHostEnv', parseEnvFile(readFileSync(join(dir, 'env'), 'utf8')));
  project.provide('rootlessHostEnv', parseEnvFile(readFileSync(join(dir, 'rootless', 'env'), 'utf8')));
  return () => {
    if (!reuse) execFileSync('bash', [script, 'down'], { stdio: 'inherit' });
  };
}
