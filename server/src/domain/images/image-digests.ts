import type { ContainerRuntime, ImageInfo } from '../ports/index.js';

/**
 * Every digest a local image is known by, those recorded for `repository` (registry/repository) first:
 * after a pull, the RepoDigests entry of the pulled name equals the registry's manifest digest, while
 * `Digest` can be another one (a platform manifest of an index, or a re-push under another name).
 */
export function imageDigests(info: ImageInfo, repository?: string | null): string[] {
  const entries = info.repoDigests.map((d) => ({
    repo: d.slice(0, d.indexOf('@')),
    digest: d.slice(d.indexOf('@') + 1),
  }));
  const own = repository ? entries.filter((e) => e.repo === repository).map((e) => e.digest) : [];
  const rest = entries.map((e) => e.digest);
  return [...new Set([...own, ...(info.digest ? [info.digest] : []), ...rest])];
}

/** registry/repository of a registry/repository:tag key. */
export const repositoryOf = (imageKey: string): string => imageKey.replace(/:[^/:]*$/, '');

/**
 * The digests a local image (by id) is known by, those of `imageKey`'s repository first; none when it is gone.
 * The one lookup of "which digest does this unit run" for plans, the digest check and the units listing.
 */
export async function localImageDigests(
  runtime: Pick<ContainerRuntime, 'inspectImage'>,
  imageId: string | null,
  imageKey?: string | null,
): Promise<string[]> {
  if (!imageId) return [];
  const info = await runtime.inspectImage(imageId);
  return info ? imageDigests(info, imageKey ? repositoryOf(imageKey) : null) : [];
}

/**
 * The runtime with each image read at most once: for one look at the host that changes nothing in between
 * (podup check: discovery, then the plan), where each unit's image would otherwise be read twice, once per
 * step. Never across a pull: a pulled tag can add a digest to an image that was read before.
 */
export function readingEachImageOnce<R extends Pick<ContainerRuntime, 'inspectImage'>>(runtime: R): R {
  const read = new Map<string, Promise<ImageInfo | undefined>>();
  const inspectImage = (ref: string): Promise<ImageInfo | undefined> => {
    let p = read.get(ref);
    if (!p) {
      p = runtime.inspectImage(ref);
      read.set(ref, p);
    }
    return p;
  };
  // A proxy, not a copy: every other method runs on the adapter itself (its private state included).
  return new Proxy(runtime, {
    get(target, prop) {
      if (prop === 'inspectImage') return inspectImage;
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
