import type { ImageInfo } from '../ports/index.js';

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
