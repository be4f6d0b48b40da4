// Builds dist/serve.blob, the V8 startup snapshot of `podup serve` (src/serve-snapshot.ts), and the stamp that
// bin/podup-serve compares before using it: a snapshot only loads in the node binary (and V8 flags) it was
// built with, and it remembers where the checkout was. Run by `npm run build` after rolldown.
//
// A failure here does not fail the build: bin/podup-serve then starts from dist/serve.mjs (slower cold start,
// same behaviour). The test suite checks that the snapshot is used on the machines it runs on.
import { spawnSync } from 'node:child_process';
import { realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stampLine } from './dist/snapshot-stamp.js';

const dist = realpathSync(join(dirname(fileURLToPath(import.meta.url)), 'dist'));
const blob = join(dist, 'serve.blob');
const stamp = `${blob}.stamp`;
rmSync(stamp, { force: true });
rmSync(blob, { force: true });

const node = realpathSync(process.execPath);
const run = spawnSync(node, ['--snapshot-blob', blob, '--build-snapshot', join(dist, 'serve-snapshot.cjs')], {
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
