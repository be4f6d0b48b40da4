// Builds dist/serve.blob, the V8 startup snapshot of `podup serve` (src/snapshot/entry.ts, bundled by
// bundle.mjs), and the stamp that bin/podup-serve compares before using it (src/snapshot/stamp.ts). Run by
// `npm run build` after rolldown. With PODUP_SNAPSHOT=off it removes any earlier snapshot and stamps "off".
//
// A failure here does not fail the build: bin/podup-serve then starts from dist/serve.mjs (slower cold start,
// same behaviour). The test suite checks that the snapshot is used on the machines it runs on.
import { spawnSync } from 'node:child_process';
import { realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OFF_STAMP, stampLine } from '../dist/snapshot/stamp.js';
import { snapshotOff } from './switch.mjs';

const dist = realpathSync(join(dirname(fileURLToPath(import.meta.url)), '../dist'));
const script = join(dist, 'serve-snapshot.cjs');
const blob = join(dist, 'serve.blob');
const stamp = `${blob}.stamp`;
rmSync(stamp, { force: true });
rmSync(blob, { force: true });

if (snapshotOff) {
  rmSync(script, { force: true });
  writeFileSync(stamp, `${OFF_STAMP}\n`);
  process.stdout.write('build-snapshot: off (PODUP_SNAPSHOT=off); podup serve starts from dist/serve.mjs\n');
} else {
  build();
}

function build() {
  const node = realpathSync(process.execPath);
  const run = spawnSync(node, ['--snapshot-blob', blob, '--build-snapshot', script], {
    cwd: dist,
    encoding: 'utf8',
    // Not the caller's environment: nothing from it (a token someone exported, NODE_OPTIONS with V8 flags that
    // every start would then need) may end up in the snapshot.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
  });
  // Node warns for every built-in module it has not verified in snapshots; podup's tests cover those it uses.
  const problems = run.stderr
    .split('\n')
    .filter(
      (l) => l.trim() && !/not yet fully verified|may still work|To request support|--trace-warnings/.test(l),
    );
  if (run.status !== 0 || problems.length > 0) {
    rmSync(blob, { force: true });
    process.stderr.write(
      `build-snapshot: no startup snapshot (exit ${run.status}); podup serve starts without one\n${problems.join('\n')}\n`,
    );
  } else {
    writeFileSync(stamp, `${stampLine(node, dist)}\n`);
    process.stdout.write(`build-snapshot: ${blob} (${(statSync(blob).size / 1e6).toFixed(1)} MB)\n`);
  }
}
