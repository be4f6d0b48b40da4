/** podup units: the discovered units, what they run, and whether the registry has something newer. */
import type { Config } from '../../config.js';
import { withBackend } from '../backend.js';
import { shortDigest } from '../format.js';
import { printJson, printTable, truncate } from '../output.js';

export async function unitsCommand(config: Config, opts: { json?: boolean }): Promise<number> {
  const { units } = await withBackend(config, {}, (b) => b.units());
  if (opts.json) {
    printJson({ units });
    return 0;
  }
  if (units.length === 0) {
    process.stdout.write(
      'no units found: podup looks for containers labelled PODMAN_SYSTEMD_UNIT, Quadlet .container files and PODUP_UNITS\n',
    );
    return 0;
  }
  printTable(
    ['UNIT', 'IMAGE', 'FROM', 'STATE', 'RUNNING', 'REGISTRY', 'UPDATE'],
    units.map((u) => [
      u.unit,
      truncate(u.image ?? '-', 60),
      u.sources.join('+'),
      u.containerState ?? '-',
      shortDigest(u.runningDigest),
      u.registryError ? 'error' : shortDigest(u.registryDigest),
      u.pinned
        ? 'pinned'
        : u.updateAvailable === null
          ? 'unknown'
          : u.updateAvailable
            ? 'available'
            : 'up to date',
    ]),
  );
  for (const u of units) {
    for (const p of [...u.problems, ...(u.registryError ? [`registry: ${u.registryError}`] : [])])
      process.stdout.write(`  ${u.unit}: ${p}\n`);
  }
  return 0;
}
