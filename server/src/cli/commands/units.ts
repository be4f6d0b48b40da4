/** podup units: the discovered units, what they run, and whether the registry has something newer. */
import type { Config } from '../../config.js';
import type { ApiUnit, UnitsReply } from '../../http/contract.js';
import { toApiUnit } from '../../http/views.js';
import { unitStatuses } from '../../domain/units/unit-status.js';
import { shortDigest } from '../format.js';
import { withRuntime } from '../in-process.js';
import { printJson, printTable, truncate } from '../output.js';
import { connectToServer } from '../server-client.js';

async function fetchUnits(config: Config): Promise<ApiUnit[]> {
  const server = await connectToServer(config);
  if (server) return (await server.get<UnitsReply>('/api/units')).units;
  return withRuntime(config, async (rt) => {
    const known = await rt.discover();
    const stored = new Map(rt.stores.units.all().map((u) => [u.unit, u]));
    return (await unitStatuses(known, { registry: rt.registry, runtime: rt.podman })).map((s) =>
      toApiUnit(s, stored.get(s.unit)),
    );
  });
}

export async function unitsCommand(config: Config, opts: { json?: boolean }): Promise<number> {
  const units = await fetchUnits(config);
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
