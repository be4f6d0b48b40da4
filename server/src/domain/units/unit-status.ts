/**
 * Discovered units with what the registry says now: "update available" when the tag points at a digest the
 * running image is not known by. A registry error is reported as unknown, never as "up to date".
 * Used by: GET /api/units, podup units
 */
import { errorMessage } from '../../errors.js';
import type { ContainerRuntime, DigestResolver } from '../ports/index.js';
import { imageDigests } from '../images/image-digests.js';
import { repositoryOf } from '../tasks/plan.js';
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
      const info = u.imageId ? await deps.runtime.inspectImage(u.imageId).catch(() => undefined) : undefined;
      const digests = info ? imageDigests(info, repositoryOf(u.imageKey)) : [];
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
