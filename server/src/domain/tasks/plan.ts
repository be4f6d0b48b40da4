/**
 * Which units a trigger moves, and to which digest: resolved against the registry, compared with what each
 * unit runs now. A plan has no side effect, so it is also the answer to every dry run.
 * Used by: the task runner, POST /api/tasks {dryRun}, podup trigger --dry-run
 */
import { AppError, errorMessage } from '../../errors.js';
import { localImageDigests } from '../images/image-digests.js';
import { parseImageRef, taggedRef } from '../images/image-ref.js';
import type { ContainerRuntime, DigestResolver } from '../ports/index.js';
import type { KnownUnit } from '../units/known-unit.js';

export interface UnitPlan {
  unit: string;
  /** registry/repository:tag the unit follows (null when unknown or pinned). */
  image: string | null;
  /**
   * update: restart onto the target; verify: a resumed task's unit is already on the target, only the checks
   * remain; error: the unit should move but cannot be planned (registry unreachable): the task fails.
   */
  action: 'update' | 'verify' | 'skip' | 'error';
  reason: string | null;
  /** Digests the unit's current image is known by (manifest list and platform manifest). */
  currentDigests: string[];
  targetDigest: string | null;
  imageId: string | null;
  containerId: string | null;
}

export interface ImageTarget {
  image: string;
  digest: string | null;
  endpoint: string | null;
  error: string | null;
}

export interface Plan {
  images: ImageTarget[];
  units: UnitPlan[];
}

/** What an interrupted earlier run of the same task recorded per unit. */
export interface ResumedUnit {
  status: string;
  digestBefore: string | null;
  imageIdBefore: string | null;
}

export interface PlanRequest {
  /** Per-unit results of an interrupted earlier attempt of this task. */
  resume?: ReadonlyMap<string, ResumedUnit> | undefined;
  /** registry/repository:tag from an image event; the units that follow it are updated. */
  image?: string | null | undefined;
  /** Named units (API, CLI, legacy webhook route). */
  units?: readonly string[] | null | undefined;
}

/** Picks the known units a request names or implies; throws UNKNOWN_UNIT for names not in the allow-list. */
export function selectUnits(request: PlanRequest, known: readonly KnownUnit[]): KnownUnit[] {
  const byName = new Map(known.map((u) => [u.unit, u]));
  if (request.units && request.units.length > 0) {
    const unknown = request.units.filter((u) => !byName.has(u));
    if (unknown.length > 0) {
      throw new AppError('UNKNOWN_UNIT', `not a unit podup manages: ${unknown.join(', ')}`, {
        hint: 'podup only restarts units it discovered (PODMAN_SYSTEMD_UNIT label, Quadlet files) or PODUP_UNITS lists; see podup units',
      });
    }
    return request.units.map((u) => byName.get(u) as KnownUnit);
  }
  const image = request.image;
  if (image)
    return known.filter(
      (u) => u.imageKey === image || (u.pinned && u.image !== null && sameRepoTag(u.image, image)),
    );
  return [];
}

const sameRepoTag = (pinnedImage: string, key: string): boolean => {
  const ref = parseImageRef(pinnedImage);
  return ref.tag !== undefined && taggedRef(ref) === key;
};

function skip(u: KnownUnit, reason: string, image: string | null = u.imageKey): UnitPlan {
  return {
    unit: u.unit,
    image,
    action: 'skip',
    reason,
    currentDigests: [],
    targetDigest: null,
    imageId: u.imageId,
    containerId: u.containerId,
  };
}

/** Why a selected unit is not looked up at all, or null when it may move. */
function heldReason(u: KnownUnit, request: PlanRequest): UnitPlan | null {
  if (!u.managed) return skip(u, u.unmanagedReason ?? 'podup does not manage this unit');
  if (u.pinned) return skip(u, `pinned to a digest (${u.image ?? ''}); podup never moves it`, null);
  if (!u.imageKey) return skip(u, u.problems[0] ?? 'no image known for this unit');
  if (request.image && request.units?.length && u.imageKey !== request.image)
    return skip(u, `runs ${u.imageKey}, not ${request.image}`);
  return null;
}

export async function planUpdate(
  request: PlanRequest,
  known: readonly KnownUnit[],
  deps: { runtime: ContainerRuntime; registry: DigestResolver },
  signal?: AbortSignal,
): Promise<Plan> {
  const selected = selectUnits(request, known).map((u) => ({ u, held: heldReason(u, request) }));
  // Every distinct image asked once, all at once (the registry client bounds the requests per registry), and
  // each local image read once while they answer: a check of 30 units over 10 images waits for the slowest
  // lookup, not for the sum of them.
  const lookups = new Map<string, Promise<ImageTarget>>();
  const locals = new Map<string, Promise<string[]>>();
  for (const { u, held } of selected) {
    if (held || !u.imageKey) continue;
    const key = u.imageKey;
    if (!lookups.has(key))
      lookups.set(
        key,
        // Fresh: a tag can move seconds after the previous lookup (the push that triggered this task).
        deps.registry.digest(key, { signal, maxAgeMs: 0 }).then(
          (found) => ({ image: key, digest: found.digest, endpoint: found.endpoint, error: null }),
          (e: unknown) => ({ image: key, digest: null, endpoint: null, error: errorMessage(e) }),
        ),
      );
    const local = `${u.imageId ?? ''}|${key}`;
    if (!locals.has(local)) locals.set(local, localImageDigests(deps.runtime, u.imageId, key));
  }
  const [targets, digests] = await Promise.all([
    Promise.all(lookups.values()).then((ts) => new Map(ts.map((t) => [t.image, t]))),
    Promise.all(locals.values()).then((ds) => new Map([...locals.keys()].map((k, i) => [k, ds[i] ?? []]))),
  ]);
  const units: UnitPlan[] = [];
  for (const { u, held } of selected) {
    if (held || !u.imageKey) {
      units.push(held ?? skip(u, 'no image known for this unit'));
      continue;
    }
    const target = targets.get(u.imageKey) as ImageTarget;
    const current = digests.get(`${u.imageId ?? ''}|${u.imageKey}`) ?? [];
    const base = {
      unit: u.unit,
      image: u.imageKey,
      currentDigests: current,
      targetDigest: target.digest,
      imageId: u.imageId,
      containerId: u.containerId,
    };
    const earlier = request.resume?.get(u.unit);
    const interruptedAfterRestart =
      earlier !== undefined &&
      ['running', 'pending'].includes(earlier.status) &&
      earlier.digestBefore !== target.digest;
    if (!target.digest) {
      units.push({ ...base, action: 'error', reason: `registry: ${target.error ?? 'no digest'}` });
    } else if (current.includes(target.digest) && interruptedAfterRestart) {
      // Check it, and keep the image it ran before for a rollback.
      units.push({
        ...base,
        action: 'verify',
        reason: 'restarted before an interruption; checking it',
        currentDigests: earlier.digestBefore ? [earlier.digestBefore] : [],
        imageId: earlier.imageIdBefore,
      });
    } else if (current.includes(target.digest)) {
      units.push({ ...base, action: 'skip', reason: 'already up to date' });
    } else {
      units.push({ ...base, action: 'update', reason: null });
    }
  }
  return { images: [...targets.values()], units };
}
