/**
 * Discovered units with what the registry says now: "update available" when the tag points at a digest the
 * running image is not known by. A registry error is reported as unknown, never as "up to date".
 * Used by: GET /api/units, podup units
 */
import { errorMessage } from '../../errors.js';
import type { ContainerRuntime, DigestResolver } from '../ports/index.js';
import { localImageDigests } from '../images/image-digests.js';
import type { KnownUnit } from './known-unit.js';

export interface UnitStatus extends KnownUnit {
  registryDigest: string | null;
  updateAvailable: boolean | null;
  registryError: string | null;
}

export async function unitStatuses(
  units: readonly KnownUnit[],
  deps: { registry: DigestResolver; runtime: ContainerRuntime },
): Promise<UnitStatus[]> {
  const lookups = new Map<string, Promise<{ digest: string | null; error: string | null }>>();
  const lookup = (key: string) => {
    let p = lookups.get(key);
    if (!p) {
      p = deps.registry.digest(key).then(
        (r) => ({ digest: r.digest, error: null }),
        (e: unknown) => ({ digest: null, error: errorMessage(e) }),
      );
      lookups.set(key, p);
    }
    return p;
  };
  return Promise.all(
    units.map(async (u): Promise<UnitStatus> => {
      if (!u.imageKey)
        return { ...u, registryDigest: null, updateAvailable: u.pinned ? false : null, registryError: null };
      const remote = await lookup(u.imageKey);
      const digests = await localImageDigests(deps.runtime, u.imageId, u.imageKey).catch((): string[] => []);
      const running = new Set(digests);
      return {
        ...u,
        runningDigest: digests[0] ?? u.runningDigest,
        registryDigest: remote.digest,
        registryError: remote.error,
        updateAvailable: remote.digest === null || running.size === 0 ? null : !running.has(remote.digest),
      };
    }),
  );
}
