/**
 * Discovery: what Podman runs (containers carrying PODMAN_SYSTEMD_UNIT, set by Quadlet and by
 * `podman generate systemd --new` units), the Quadlet files on disk (for units not running now) and the
 * PODUP_UNITS map, merged into the allow-list. Only units the systemd manager has count: a container whose unit
 * is gone (a removed unit file, a --rm container stuck in "Removing") is listed as a leftover, never restarted.
 * Used by: use-cases/units.ts (the task runner before every plan, GET /api/units, podup units)
 */
import type { ContainerInfo, ContainerRuntime, UnitManager } from '../ports/index.js';
import { errorMessage } from '../../errors.js';
import { mergeSightings, unmanaged, type KnownUnit, type UnitSighting } from './known-unit.js';
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

/** Per unit, why the manager's answer keeps podup off it (undefined: the manager has the unit). */
function notLoadedReason(u: KnownUnit, loadState: string | undefined): string | undefined {
  if (loadState === undefined || loadState === 'loaded') return undefined;
  if (loadState === 'masked') return 'masked in systemd: never restarted';
  if (loadState !== 'not-found') return `systemd cannot load it (${loadState}): never restarted`;
  if (u.sources.length === 1 && u.sources[0] === 'podman')
    return 'a leftover container: the systemd manager has no such unit (its unit file was removed); never restarted';
  if (u.sources.includes('quadlet'))
    return 'its Quadlet file is not loaded in systemd yet: run systemctl daemon-reload';
  return 'the systemd manager has no such unit';
}

/** Only podup's own keys are kept: a container's other labels are no business of the allow-list. */
const podupLabels = (labels: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('podup.')));

async function podmanSightings(runtime: ContainerRuntime): Promise<UnitSighting[]> {
  const perUnit = [...containerPerUnit(await runtime.listContainers())];
  // One read per image, not per container: units of one image share it.
  const byId = new Map<string, ReturnType<ContainerRuntime['inspectImage']>>();
  for (const [, c] of perUnit)
    if (!byId.has(c.imageId))
      byId.set(
        c.imageId,
        runtime.inspectImage(c.imageId).catch(() => undefined),
      );
  const images = await Promise.all(perUnit.map(async ([, c]) => byId.get(c.imageId)));
  return perUnit.map(([unit, c], i) => ({
    unit,
    source: 'podman',
    image: c.image,
    policy: c.labels[AUTOUPDATE_LABEL],
    containerId: c.id,
    imageId: c.imageId,
    runningDigest: images[i]?.digest ?? undefined,
    containerState: c.state,
    podupLabels: podupLabels(c.labels),
  }));
}

/**
 * With Podman unreachable, the Quadlet files and PODUP_UNITS still name the units (with the reason noted); only
 * when no other source names a unit does the error propagate, so a caller can fall back on the last discovery.
 */
export async function discoverUnits(deps: DiscoveryDeps): Promise<KnownUnit[]> {
  const sightings: UnitSighting[] = [];
  let podmanError: unknown;
  try {
    sightings.push(...(await podmanSightings(deps.runtime)));
  } catch (e) {
    podmanError = e;
  }
  for (const f of await deps.quadletFiles()) {
    const q = parseQuadletContainer(f.fileName, f.text);
    if (q)
      sightings.push({
        unit: q.unit,
        source: 'quadlet',
        image: q.image,
        policy: q.autoUpdate,
        podupLabels: podupLabels(q.labels),
      });
  }
  for (const [unit, image] of deps.configured) sightings.push({ unit, source: 'config', image });
  if (podmanError !== undefined && sightings.length === 0)
    throw podmanError instanceof Error ? podmanError : new Error(errorMessage(podmanError));
  // A label or a file can carry any text; only systemd service names can ever reach D-Bus.
  let units = mergeSightings(sightings.filter((s) => toServiceUnit(s.unit) === s.unit));
  if (podmanError !== undefined) {
    const note = `Podman did not answer, so what runs is unknown: ${errorMessage(podmanError)}`;
    units = units.map((u) => ({ ...u, problems: [...u.problems, note] }));
  }
  // The manager unreachable: the units stay as they are; restarting them fails with the bus's own error.
  const loadStates = await deps.unitManager.loadStates(units.map((u) => u.unit)).catch(() => undefined);
  return units.map((u) => {
    const reason = loadStates && notLoadedReason(u, loadStates.get(u.unit));
    return reason ? unmanaged(u, reason) : u;
  });
}
