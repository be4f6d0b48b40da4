/**
 * Discovery: what Podman runs (containers carrying PODMAN_SYSTEMD_UNIT, set by Quadlet and by
 * `podman generate systemd --new` units), the Quadlet files on disk (for units not running now) and the
 * PODUP_UNITS map, merged into the allow-list.
 * Used by: the task runner (before every plan), GET /api/units, podup units
 */
import type { ContainerInfo, ContainerRuntime, UnitManager } from '../ports/index.js';
import { mergeSightings, type KnownUnit, type UnitSighting } from './known-unit.js';
import { parseQuadletContainer } from './quadlet.js';
import { toServiceUnit } from './unit-name.js';

export const UNIT_LABEL = 'PODMAN_SYSTEMD_UNIT';
export const AUTOUPDATE_LABEL = 'io.containers.autoupdate';

export interface DiscoveryDeps {
  runtime: ContainerRuntime;
  unitManager: UnitManager;
  quadletFiles(): Promise<Array<{ fileName: string; text: string }>>;
  configured: ReadonlyMap<string, string>;
}

/** Per unit, the running container if any, else the most recently started one. */
function containerPerUnit(containers: readonly ContainerInfo[]): Map<string, ContainerInfo> {
  const best = new Map<string, ContainerInfo>();
  for (const c of containers) {
    const unit = c.labels[UNIT_LABEL];
    if (!unit) continue;
    const prev = best.get(unit);
    const running = (x: ContainerInfo) => (x.state === 'running' ? 1 : 0);
    if (!prev || running(c) > running(prev) || (running(c) === running(prev) && c.startedAt > prev.startedAt))
      best.set(unit, c);
  }
  return best;
}

export async function discoverUnits(deps: DiscoveryDeps): Promise<KnownUnit[]> {
  const sightings: UnitSighting[] = [];
  const perUnit = [...containerPerUnit(await deps.runtime.listContainers())];
  const images = await Promise.all(
    perUnit.map(([, c]) => deps.runtime.inspectImage(c.imageId).catch(() => undefined)),
  );
  for (const [i, [unit, c]] of perUnit.entries()) {
    const image = images[i];
    sightings.push({
      unit,
      source: 'podman',
      image: c.image,
      policy: c.labels[AUTOUPDATE_LABEL],
      containerId: c.id,
      imageId: c.imageId,
      runningDigest: image?.digest ?? undefined,
      containerState: c.state,
    });
  }
  for (const f of await deps.quadletFiles()) {
    const q = parseQuadletContainer(f.fileName, f.text);
    if (q) sightings.push({ unit: q.unit, source: 'quadlet', image: q.image, policy: q.autoUpdate });
  }
  for (const [unit, image] of deps.configured) sightings.push({ unit, source: 'config', image });
  // A label or a file can carry any text; only systemd service names can ever reach D-Bus.
  return mergeSightings(sightings.filter((s) => toServiceUnit(s.unit) === s.unit));
}
