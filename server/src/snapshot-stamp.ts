/**
 * The startup snapshot's stamp (dist/serve.blob.stamp): which node binary built the snapshot, and for which
 * checkout. A V8 snapshot only loads in the binary that built it, so bin/podup-serve compares this line (with
 * the shell's `read` and `stat -L -c '%s %Y'`) before using the snapshot; build-snapshot.mjs writes it and
 * `podup doctor` reports it. One line: "<node size> <node mtime in s> <dist dir>".
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** server/dist, seen from server/src (sources) and from server/dist (bundles) alike. */
export const DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url)).replace(/\/$/, '');

export function stampLine(nodePath: string, distDir: string): string {
  const { size, mtime } = statSync(realpathSync(nodePath));
  return `${size} ${Math.floor(mtime.getTime() / 1000)} ${realpathSync(distDir)}`;
}

export interface SnapshotState {
  usable: boolean;
  detail: string;
}

export function snapshotState(nodePath = process.execPath, distDir = DIST_DIR): SnapshotState {
  const blob = `${distDir}/serve.blob`;
  if (!existsSync(blob) || !existsSync(`${blob}.stamp`)) {
    return { usable: false, detail: `${blob} is not built: podup serve starts without it` };
  }
  const stamp = readFileSync(`${blob}.stamp`, 'utf8').trim();
  if (stamp !== stampLine(nodePath, distDir)) {
    return {
      usable: false,
      detail: `${blob} was built by another node binary or in another directory: podup serve starts without it`,
    };
  }
  return {
    usable: true,
    detail: `${blob} (${(statSync(blob).size / 1e6).toFixed(1)} MB), used by bin/podup-serve`,
  };
}
