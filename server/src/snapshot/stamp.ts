/**
 * The startup snapshot's stamp (serve.blob.stamp beside each blob) and whether bin/podup-serve will use a blob.
 * A V8 snapshot only loads in the node binary (and V8 flags) that built it, and only holds the bundle it was
 * built from, so build.ts writes which binary and which bundle that was, and bin/podup-serve compares it with
 * the shell's `read` and `stat -L -c '%s %Y'` before using the blob: keep the three in step. `podup doctor`
 * reports it.
 *
 * The stamp is one line: "<node size> <node mtime in s> <bundle id> <dist dir>", or "off" when the build
 * skipped the snapshot (PODUP_SNAPSHOT=off). The bundle id is in dist/serve-snapshot.id (build.ts), so that a
 * blob kept in a cache directory is not used once the package is upgraded in place.
 *
 * Blobs are looked for in $CACHE_DIRECTORY (the units' CacheDirectory=podup: where `podup setup` builds one
 * for an installed package, whose own directory may not be writable), then in dist (`npm run build` in a
 * checkout).
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** PODUP_SNAPSHOT=off: read by the build (no blob) and by bin/podup-serve (start without it). */
const SWITCH = 'PODUP_SNAPSHOT';
export const OFF_STAMP = 'off';
export const BLOB = 'serve.blob';
export const BUNDLE = 'serve-snapshot.cjs';
export const BUNDLE_ID = 'serve-snapshot.id';

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

/** The id of the snapshot bundle in `distDir`; undefined when there is none. */
export function bundleId(distDir: string): string | undefined {
  try {
    return readFileSync(join(distDir, BUNDLE_ID), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export function stampLine(nodePath: string, distDir: string, id = bundleId(distDir) ?? 'none'): string {
  const { size, mtime } = statSync(realpathSync(nodePath));
  return `${size} ${Math.floor(mtime.getTime() / 1000)} ${id} ${realpathSync(distDir)}`;
}

function switchedOff(env: Record<string, string | undefined>): boolean {
  return env[SWITCH] === 'off';
}

/** Where bin/podup-serve looks for a blob, in its order: the cache directory, then dist. */
export function blobCandidates(distDir: string, cacheDir: string | undefined): string[] {
  return [...(cacheDir ? [join(cacheDir, BLOB)] : []), join(distDir, BLOB)];
}

export type BlobFit = 'fits' | 'missing' | 'off' | 'other-node' | 'other-build';

/** Whether bin/podup-serve would start from `blob` with this node and this dist. */
export function blobFit(blob: string, nodePath: string, distDir: string): BlobFit {
  const stamp = existsSync(`${blob}.stamp`) ? readFileSync(`${blob}.stamp`, 'utf8').trim() : undefined;
  if (stamp === OFF_STAMP) return 'off';
  if (!existsSync(blob) || stamp === undefined) return 'missing';
  const id = bundleId(distDir);
  if (id === undefined) return 'other-build';
  const want = stampLine(nodePath, distDir, id);
  if (stamp === want) return 'fits';
  // Same binary (size and mtime) but another bundle or directory, or another binary.
  const sameNode = stamp.split(' ').slice(0, 2).join(' ') === want.split(' ').slice(0, 2).join(' ');
  return sameNode ? 'other-build' : 'other-node';
}

export interface SnapshotState {
  status: 'used' | 'off' | 'unused';
  detail: string;
  /** The blob bin/podup-serve starts from, when used. */
  blob?: string;
}

export interface SnapshotStateOptions {
  /** The environment bin/podup-serve would see. */
  env?: Record<string, string | undefined>;
  nodePath?: string;
  distDir?: string;
  /** The cache directory the units give podup-serve ($CACHE_DIRECTORY), if any. */
  cacheDir?: string | undefined;
}

export function snapshotState(options: SnapshotStateOptions = {}): SnapshotState {
  const { env = process.env, nodePath = process.execPath, distDir = serverDist(), cacheDir } = options;
  if (switchedOff(env)) {
    return { status: 'off', detail: `off (${SWITCH}=off): podup serve starts from ${distDir}/serve.mjs` };
  }
  const candidates = blobCandidates(distDir, cacheDir);
  const fits = candidates.map((blob) => ({ blob, fit: blobFit(blob, nodePath, distDir) }));
  const used = fits.find((f) => f.fit === 'fits');
  if (used) {
    return {
      status: 'used',
      blob: used.blob,
      detail: `${used.blob} (${(statSync(used.blob).size / 1e6).toFixed(1)} MB), used by bin/podup-serve`,
    };
  }
  if (
    fits.some((f) => f.fit === 'off') &&
    !fits.some((f) => f.fit === 'other-node' || f.fit === 'other-build')
  ) {
    return {
      status: 'off',
      detail: `off (built with ${SWITCH}=off): podup serve starts from ${distDir}/serve.mjs`,
    };
  }
  const stale = fits.find((f) => f.fit === 'other-node' || f.fit === 'other-build');
  if (stale) {
    const why =
      stale.fit === 'other-node'
        ? 'was built by another node binary'
        : 'was built for another podup build or directory';
    return { status: 'unused', detail: `${stale.blob} ${why}: podup serve starts without it` };
  }
  return {
    status: 'unused',
    detail: `${candidates.join(' and ')} ${candidates.length > 1 ? 'are' : 'is'} not built: podup serve starts without it`,
  };
}
