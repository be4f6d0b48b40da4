/**
 * Builds `podup serve`'s V8 startup snapshot from dist/serve-snapshot.cjs (snapshot/bundle.mjs) with a given node
 * binary: `node --snapshot-blob <dir>/serve.blob --build-snapshot serve-snapshot.cjs`, then the stamp
 * (stamp.ts) that bin/podup-serve checks. Used by `npm run build` (snapshot/build.mjs, into dist) and by
 * `podup setup` (into the cache directory of the installed podup, with the node that will run it).
 *
 * Blob and stamp are written beside their final names and renamed into place, so a podup-serve starting
 * meanwhile sees the old pair or the new one, never half of either.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BLOB, BUNDLE, BUNDLE_ID, OFF_STAMP, stampLine } from './stamp.js';

/** Writes dist/serve-snapshot.id: the content hash of the snapshot bundle, which every stamp names. */
export function writeBundleId(distDir: string): string {
  const id = createHash('sha256')
    .update(readFileSync(join(distDir, BUNDLE)))
    .digest('hex')
    .slice(0, 16);
  writeFileSync(join(distDir, BUNDLE_ID), `${id}\n`);
  return id;
}

export type BuildResult =
  { ok: true; blob: string; bytes: number } | { ok: false; blob: string; problem: string };

export interface BuildOptions {
  distDir: string;
  /** Where serve.blob and its stamp go. */
  outDir: string;
  nodePath?: string;
  /** PATH for node while it builds (it reads nothing else from the environment). */
  path?: string;
}

export function buildSnapshot(options: BuildOptions): BuildResult {
  const dist = realpathSync(options.distDir);
  const node = realpathSync(options.nodePath ?? process.execPath);
  mkdirSync(options.outDir, { recursive: true });
  const blob = join(options.outDir, BLOB);
  const tmp = join(options.outDir, `.${BLOB}.${process.pid}`);
  try {
    const run = spawnSync(node, ['--snapshot-blob', tmp, '--build-snapshot', join(dist, BUNDLE)], {
      cwd: dist,
      encoding: 'utf8',
      // Not the caller's environment: nothing from it (a token someone exported, NODE_OPTIONS with V8 flags that
      // every start would then need) may end up in the snapshot.
      env: { PATH: options.path ?? '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    // Node warns for every built-in module it has not verified in snapshots; podup's tests cover those it uses.
    const problems = `${run.stderr ?? ''}${run.error ? String(run.error) : ''}`
      .split('\n')
      .filter(
        (l) =>
          l.trim() && !/not yet fully verified|may still work|To request support|--trace-warnings/.test(l),
      );
    if (run.status !== 0 || problems.length > 0) {
      return { ok: false, blob, problem: `exit ${run.status}: ${problems.join('\n')}` };
    }
    writeFileSync(`${tmp}.stamp`, `${stampLine(node, dist)}\n`);
    renameSync(tmp, blob);
    renameSync(`${tmp}.stamp`, `${blob}.stamp`);
    return { ok: true, blob, bytes: statSync(blob).size };
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}.stamp`, { force: true });
  }
}

/** PODUP_SNAPSHOT=off at build time: no blob, and a stamp saying so. */
export function stampOff(outDir: string): void {
  rmSync(join(outDir, BLOB), { force: true });
  writeFileSync(join(outDir, `${BLOB}.stamp`), `${OFF_STAMP}\n`);
}
