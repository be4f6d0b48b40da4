/**
 * The allow-list: the units podup may restart, merged from what Podman runs (PODMAN_SYSTEMD_UNIT label),
 * the Quadlet files on disk and the PODUP_UNITS map. A unit that is not here is never restarted.
 */
import { formatImageRef, parseImageRef, taggedRef } from '../images/image-ref.js';

export type UnitSource = 'podman' | 'quadlet' | 'config';

/** One sighting of a unit by one discovery source. */
export interface UnitSighting {
  unit: string;
  source: UnitSource;
  image?: string | undefined;
  policy?: string | undefined;
  containerId?: string | undefined;
  imageId?: string | undefined;
  runningDigest?: string | undefined;
  containerState?: string | undefined;
  /** podup.* labels (update policy) of the container or the Quadlet file. */
  podupLabels?: Record<string, string> | undefined;
}

export interface KnownUnit {
  unit: string;
  /** Canonical image reference the unit runs (with @digest when pinned), null when unknown. */
  image: string | null;
  /** registry/repository:tag that webhook events are matched against; null when pinned or unknown. */
  imageKey: string | null;
  pinned: boolean;
  sources: UnitSource[];
  policy: string | null;
  containerId: string | null;
  imageId: string | null;
  runningDigest: string | null;
  containerState: string | null;
  /** Why this unit may not update as expected (short name, unparseable image, ...). */
  problems: string[];
  /**
   * Whether podup may move this unit at all: it opts in (AutoUpdate=registry, io.containers.autoupdate=registry)
   * or the operator lists it in PODUP_UNITS, and the systemd manager knows it. Otherwise it is never restarted.
   */
  managed: boolean;
  /** Why podup never moves this unit; null when it is managed. */
  unmanagedReason: string | null;
  /** podup.policy, podup.min-age, podup.window as set on the unit (the running container over its file). */
  podupLabels: Record<string, string>;
}

/** The auto-update policies that opt a unit in for registry updates ("image" is Podman's old name). */
const REGISTRY_POLICIES = new Set(['registry', 'image']);

/** Opt-in, as podman auto-update decides it, plus the operator's explicit list. */
function optIn(sources: readonly UnitSource[], policy: string | null): string | null {
  if (sources.includes('config')) return null;
  const p = policy?.toLowerCase() ?? null;
  if (p !== null && REGISTRY_POLICIES.has(p)) return null;
  if (p === 'local')
    return 'AutoUpdate=local: podman auto-update compares it with the local image; podup follows registries only and never pulls for it';
  return `does not opt in to updates${p ? ` (auto-update policy "${p}")` : ''}: set AutoUpdate=registry in its Quadlet file (or --label io.containers.autoupdate=registry), or list it in PODUP_UNITS`;
}

const SOURCE_ORDER: UnitSource[] = ['podman', 'quadlet', 'config'];

function normalise(image: string): { image: string; key: string | null; pinned: boolean; problem?: string } {
  if (/^[^/]+\.image$/.test(image)) {
    return {
      image,
      key: null,
      pinned: false,
      problem: `Image=${image} names a Quadlet .image unit; podup cannot follow it: write the image reference`,
    };
  }
  try {
    const ref = parseImageRef(image);
    const host = image.split('/')[0] ?? '';
    const short = !image.includes('/') || !(/[.:]/.test(host) || host === 'localhost');
    const problem = short
      ? `short image name "${image}": podup assumes ${ref.registry}; write the full name`
      : undefined;
    return {
      image: formatImageRef(ref),
      key: ref.digest ? null : taggedRef(ref),
      pinned: ref.digest !== undefined,
      problem,
    };
  } catch (e) {
    return { image, key: null, pinned: false, problem: (e as Error).message };
  }
}

/** Merge sightings per unit; the running container (podman) wins over the files, the files over config. */
export function mergeSightings(sightings: readonly UnitSighting[]): KnownUnit[] {
  const byUnit = new Map<string, UnitSighting[]>();
  for (const s of sightings) byUnit.set(s.unit, [...(byUnit.get(s.unit) ?? []), s]);
  const units: KnownUnit[] = [];
  for (const [unit, list] of byUnit) {
    list.sort((a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source));
    const first = <K extends keyof UnitSighting>(k: K): UnitSighting[K] | undefined =>
      list.find((s) => s[k] !== undefined)?.[k];
    const rawImage = first('image');
    const n = rawImage ? normalise(rawImage) : undefined;
    const problems: string[] = n?.problem ? [n.problem] : [];
    if (!rawImage) problems.push('no image known for this unit');
    const images = new Set(list.map((s) => (s.image ? normalise(s.image).image : undefined)).filter(Boolean));
    if (images.size > 1) problems.push(`sources disagree on the image: ${[...images].join(' vs ')}`);
    const sources = [...new Set(list.map((s) => s.source))];
    const policy = first('policy') ?? null;
    const unmanagedReason = optIn(sources, policy);
    units.push({
      unit,
      image: n?.image ?? null,
      imageKey: n?.key ?? null,
      pinned: n?.pinned ?? false,
      sources,
      policy,
      containerId: first('containerId') ?? null,
      imageId: first('imageId') ?? null,
      runningDigest: first('runningDigest') ?? null,
      containerState: first('containerState') ?? null,
      problems,
      managed: unmanagedReason === null,
      unmanagedReason,
      podupLabels: Object.assign({}, ...[...list].reverse().map((s) => s.podupLabels ?? {})) as Record<
        string,
        string
      >,
    });
  }
  return units.sort((a, b) => a.unit.localeCompare(b.unit));
}

/** Units that follow `imageKey` (registry/repository:tag). Digest-pinned units never move. */
export function unitsFollowing(units: readonly KnownUnit[], imageKey: string): KnownUnit[] {
  return units.filter((u) => !u.pinned && u.imageKey === imageKey);
}

/** The unit, now known to be one podup must not move (a leftover container, a unit systemd does not have). */
export const unmanaged = (u: KnownUnit, reason: string): KnownUnit => ({
  ...u,
  managed: false,
  unmanagedReason: reason,
});
