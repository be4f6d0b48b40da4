/** podup units: the discovered units, what they run, and whether the registry has something newer. */
import type { Config } from '../../config.js';
import { withBackend } from '../backend.js';
import type { ApiUnitPolicy } from '../../contract/api.js';
import { shortDigest, shortTime } from '../format.js';
import { printJson, printTable, truncate } from '../output.js';

/** "approve (label), min-age 3d (config), window Sat 02:00-05:00 UTC (default)": what applies and from where. */
export function policySummary(p: ApiUnitPolicy): string {
  const parts = [`${p.policy.value} (${p.policy.source})`];
  if (p.minAge.value !== '0') parts.push(`min-age ${p.minAge.value} (${p.minAge.source})`);
  if (p.windows.value.length > 0) parts.push(`window ${p.windows.value.join('; ')} (${p.windows.source})`);
  if (p.snoozedUntil) parts.push(`snoozed until ${shortTime(p.snoozedUntil)}`);
  return parts.join(', ');
}

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
    ['UNIT', 'IMAGE', 'FROM', 'STATE', 'RUNNING', 'REGISTRY', 'UPDATE', 'POLICY'],
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
      policySummary(u.updatePolicy),
    ]),
  );
  for (const u of units) {
    for (const w of u.waiting)
      process.stdout.write(
        `  ${u.unit}: task ${w.taskId} ${w.status}${w.notBefore && w.status === 'deferred' ? ` until ${shortTime(w.notBefore)}` : ''}: ${w.summary ?? ''}\n`,
      );
    for (const p of [...u.problems, ...(u.registryError ? [`registry: ${u.registryError}`] : [])])
      process.stdout.write(`  ${u.unit}: ${p}\n`);
  }
  return 0;
}
