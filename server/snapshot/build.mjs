// Builds dist/serve.blob, the V8 startup snapshot of `podup serve` (src/snapshot/entry.ts, bundled by
// bundle.mjs), and the stamp that bin/podup-serve compares before using it (src/snapshot/stamp.ts). Run by
// `npm run build` after rolldown; the work is src/snapshot/build.ts, which `podup setup` also runs for an
// installed package. With PODUP_SNAPSHOT=off it removes any earlier snapshot and stamps "off".
//
// A failure here does not fail the build: bin/podup-serve then starts from dist/serve.mjs (slower cold start,
// same behaviour). The test suite checks that the snapshot is used on the machines it runs on.
import { realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot, stampOff, writeBundleId } from '../dist/snapshot/build.js';
import { snapshotOff } from './switch.mjs';

const dist = realpathSync(join(dirname(fileURLToPath(import.meta.url)), '../dist'));
rmSync(join(dist, 'serve.blob.stamp'), { force: true });
rmSync(join(dist, 'serve.blob'), { force: true });

if (snapshotOff) {
  rmSync(join(dist, 'serve-snapshot.cjs'), { force: true });
  rmSync(join(dist, 'serve-snapshot.id'), { force: true });
  stampOff(dist);
  process.stdout.write('build-snapshot: off (PODUP_SNAPSHOT=off); podup serve starts from dist/serve.mjs\n');
} else {
  writeBundleId(dist);
  const r = buildSnapshot({ distDir: dist, outDir: dist, path: process.env.PATH });
  if (r.ok) process.stdout.write(`build-snapshot: ${r.blob} (${(r.bytes / 1e6).toFixed(1)} MB)\n`);
  else
    process.stderr.write(
      `build-snapshot: no startup snapshot (${r.problem}); podup serve starts without one\n`,
    );
}
