/**
 * The startup snapshot's stamp (dist/serve.blob.stamp) and whether bin/podup-serve will use the snapshot.
 * A V8 snapshot only loads in the node binary (and V8 flags) that built it, so server/snapshot/build.mjs
 * writes which binary that was, and bin/podup-serve compares it with the shell's `read` and
 * `stat -L -c '%s %Y'` before using the blob: keep the three in step. `podup doctor` reports it.
 *
 * The stamp is one line: "<node size> <node mtime in s> <dist dir>", or "off" when the build skipped the
 * snapshot (PODUP_SNAPSHOT=off).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** PODUP_SNAPSHOT=off: read by the build (no blob) and by bin/podup-serve (start without it). */
const SWITCH = 'PODUP_SNAPSHOT';
export const OFF_STAMP = 'off';

/**
 * server/dist. This module runs from server/src/snapshot (tests), server/dist/snapshot (the build script)
 * and server/dist/podup.mjs (the CLI bundle): the nearest package.json above is server's in all three.
 */
export function serverDist(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'dist');
  }
  throw new Error(`no package.json above ${from}`);
}

export function stampLine(nodePath: string, distDir: string): string {
  const { size, mtime } = statSync(realpathSync(nodePath));
  return `${size} ${Math.floor(mtime.getTime() / 1000)} ${realpathSync(distDir)}`;
}

function switchedOff(env: Record<string, string | undefined>): boolean {
  return env[SWITCH] === 'off';
}

export interface SnapshotState {
  status: 'used' | 'off' | 'unused';
  detail: string;
}

export interface SnapshotStateOptions {
  /** The environment bin/podup-serve would see. */
  env?: Record<string, string | undefined>;
  nodePath?: string;
  distDir?: string;
}

export function snapshotState(options: SnapshotStateOptions = {}): SnapshotState {
  const { env = process.env, nodePath = process.execPath, distDir = serverDist() } = options;
  const blob = `${distDir}/serve.blob`;
  const stamp = existsSync(`${blob}.stamp`) ? readFileSync(`${blob}.stamp`, 'utf8').trim() : undefined;
  if (switchedOff(env)) {
    return { status: 'off', detail: `off (${SWITCH}=off): podup serve starts from ${distDir}/serve.mjs` };
  }
  if (stamp === OFF_STAMP) {
    return {
      status: 'off',
      detail: `off (built with ${SWITCH}=off): podup serve starts from ${distDir}/serve.mjs`,
    };
  }
  if (!existsSync(blob) || stamp === undefined) {
    return { status: 'unused', detail: `${blob} is not built: podup serve starts without it` };
  }
  if (stamp !== stampLine(nodePath, distDir)) {
    return {
      status: 'unused',
      detail: `${blob} was built by another node binary or in another directory: podup serve starts without it`,
    };
  }
  return {
    status: 'used',
    detail: `${blob} (${(statSync(blob).size / 1e6).toFixed(1)} MB), used by bin/podup-serve`,
  };
}
