/**
 * podup snapshot: builds the startup snapshot for the node running this command, where bin/podup-serve looks
 * for it without a cache directory (server/dist), or in --out. `podup setup` does this for the units (into
 * their cache directory); this is for a container image (packaging/Containerfile) and for podup run by hand.
 */
import { join } from 'node:path';
import { AppError } from '../../errors.js';
import { buildSnapshot } from '../../snapshot/build.js';
import { PACKAGE_ROOT } from '../../version.js';

export function snapshotCommand(opts: { out?: string }): number {
  const distDir = join(PACKAGE_ROOT, 'server', 'dist');
  const r = buildSnapshot({ distDir, outDir: opts.out ?? distDir });
  if (!r.ok)
    throw new AppError('INTERNAL', `no startup snapshot: ${r.problem}`, {
      hint: 'podup starts without it (slower cold starts); PODUP_SNAPSHOT=off says so on purpose',
    });
  process.stdout.write(
    `startup snapshot ${r.blob} (${(r.bytes / 1e6).toFixed(1)} MB) for ${process.execPath}\n`,
  );
  return 0;
}
