/**
 * Where to look up an image, the way Podman decides it from registries.conf: the [[registry]] table with the
 * longest matching prefix rewrites the name to its location, mirrors are tried first (in order), and
 * `insecure` allows plain HTTP. podup reads the same files as Podman, so a mirror or a blocked registry
 * applies to digest lookups exactly as it applies to pulls. Pure: the parsed TOML comes in.
 * @see https://github.com/containers/image/blob/main/docs/containers-registries.conf.5.md
 */
import { imageName, type ImageRef } from '../images/image-ref.js';

export interface MirrorConf {
  location: string;
  insecure: boolean;
  /** "all" (default), "digest-only" or "tag-only". */
  pullFromMirror: string;
}

export interface RegistryConf {
  prefix: string;
  location: string;
  insecure: boolean;
  blocked: boolean;
  mirrors: MirrorConf[];
}

export interface RegistriesConf {
  registries: RegistryConf[];
}

export interface Endpoint {
  /** host[:port] to contact. */
  host: string;
  repository: string;
  insecure: boolean;
  mirror: boolean;
}

export class BlockedRegistry extends Error {
  constructor(readonly image: string) {
    super(`registries.conf blocks ${image}`);
    this.name = 'BlockedRegistry';
  }
}

/** Docker Hub's API host differs from the name people write. */
const apiHost = (host: string): string => (host === 'docker.io' ? 'registry-1.docker.io' : host);

type Raw = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean => v === true;

/**
 * Merge parsed files in load order (main file, then drop-ins): a [[registry]] with the same prefix replaces
 * the earlier one, new prefixes are added.
 */
export function mergeRegistriesConf(files: readonly Raw[]): RegistriesConf {
  const byPrefix = new Map<string, RegistryConf>();
  for (const file of files) {
    const list = Array.isArray(file.registry) ? (file.registry as Raw[]) : [];
    for (const r of list) {
      const location = str(r.location) ?? '';
      const prefix = str(r.prefix) ?? location;
      if (prefix === '') continue;
      const mirrors = (Array.isArray(r.mirror) ? (r.mirror as Raw[]) : []).map((m) => ({
        location: str(m.location) ?? '',
        insecure: bool(m.insecure),
        pullFromMirror: str(m['pull-from-mirror']) ?? 'all',
      }));
      byPrefix.set(prefix, {
        prefix,
        location: location || prefix,
        insecure: bool(r.insecure),
        blocked: bool(r.blocked),
        mirrors: mirrors.filter((m) => m.location !== ''),
      });
    }
  }
  return { registries: [...byPrefix.values()] };
}

function prefixMatches(prefix: string, name: string): boolean {
  if (prefix.startsWith('*.')) {
    const host = name.split('/')[0] ?? '';
    return host.endsWith(prefix.slice(1));
  }
  return name === prefix || name.startsWith(`${prefix}/`);
}

function split(location: string): { host: string; path: string } {
  const slash = location.indexOf('/');
  return slash < 0
    ? { host: location, path: '' }
    : { host: location.slice(0, slash), path: location.slice(slash + 1) };
}

function rewrite(location: string, rest: string): { host: string; repository: string } {
  const { host, path } = split(location);
  const repository = [path, rest].filter(Boolean).join('/');
  return { host, repository };
}

/**
 * The endpoints to try, in order, for a lookup of `ref` (by tag when `byDigest` is false).
 * Throws BlockedRegistry when registries.conf blocks the name.
 */
export function endpointsFor(ref: ImageRef, conf: RegistriesConf, byDigest = false): Endpoint[] {
  const name = imageName(ref);
  let best: RegistryConf | undefined;
  for (const r of conf.registries) {
    if (prefixMatches(r.prefix, name) && (!best || r.prefix.length > best.prefix.length)) best = r;
  }
  if (!best)
    return [{ host: apiHost(ref.registry), repository: ref.repository, insecure: false, mirror: false }];
  if (best.blocked) throw new BlockedRegistry(name);

  const rest = best.prefix.startsWith('*.')
    ? ref.repository
    : name.slice(best.prefix.length).replace(/^\//, '');
  const endpoints: Endpoint[] = [];
  for (const m of best.mirrors) {
    if (!byDigest && m.pullFromMirror === 'digest-only') continue;
    if (byDigest && m.pullFromMirror === 'tag-only') continue;
    const target = rewrite(m.location, rest);
    endpoints.push({
      host: apiHost(target.host),
      repository: target.repository,
      insecure: m.insecure,
      mirror: true,
    });
  }
  const primary = best.prefix.startsWith('*.')
    ? { host: ref.registry, repository: ref.repository }
    : rewrite(best.location, rest);
  endpoints.push({
    host: apiHost(primary.host),
    repository: primary.repository,
    insecure: best.insecure,
    mirror: false,
  });
  return endpoints;
}
