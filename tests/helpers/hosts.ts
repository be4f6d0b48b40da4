/**
 * The two managers of the test host (scripts/test-host.sh): root's `systemd --user` with rootful Podman, and an
 * unprivileged user's with rootless Podman. Commands for the rootless one run as that user, in its manager's
 * environment (HOME, XDG_RUNTIME_DIR, the session bus), as they would in its login session.
 */
import { chownSync } from 'node:fs';
import { inject } from 'vitest';

export interface TestHost {
  name: 'root' | 'rootless';
  /** The environment the host's podup and commands run with (scripts/test-host.sh's env files). */
  env: Record<string, string>;
  /** The user commands run as (rootless only). */
  user?: { uid: number; gid: number };
}

export const rootHost = (): TestHost => ({ name: 'root', env: inject('testHostEnv') });

export function rootlessHost(): TestHost {
  const env = inject('rootlessHostEnv');
  return {
    name: 'rootless',
    env,
    user: { uid: Number(env.PODUP_TEST_UID), gid: Number(env.PODUP_TEST_GID) },
  };
}

/** spawn()/execFile() options that run as the host's user. */
export const runAs = (host: TestHost): { uid?: number; gid?: number } => host.user ?? {};

/** Hands a file or directory the test made (as root) to the host's user. */
export function giveTo(host: TestHost, ...paths: string[]): void {
  if (!host.user) return;
  for (const p of paths) chownSync(p, host.user.uid, host.user.gid);
}
