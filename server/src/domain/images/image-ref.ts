/**
 * Image references, normalised the way Podman resolves them, so that "app", "docker.io/library/app:latest"
 * and "DOCKER.IO/library/app" compare equal. References are ASCII (distribution's grammar); anything else is
 * refused before case is folded, and case is folded by an ASCII rule: Unicode lower-casing would turn
 * U+212A KELVIN SIGN into "k" and make a different name equal to a real one. Pure: no I/O.
 * @see https://github.com/distribution/reference/blob/main/reference.go
 */

export interface ImageRef {
  /** Lower-case registry host, with port when given: "ghcr.io", "127.0.0.1:5000". */
  readonly registry: string;
  /** Lower-case repository path: "acme/app", "library/nginx". */
  readonly repository: string;
  /** Tag as written (tags are case-sensitive); "latest" when neither tag nor digest was given. */
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?))*(?::\d{1,5})?$|^\[[0-9a-f:]+\](?::\d{1,5})?$/;

export class InvalidImageRef extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`invalid image reference "${input.slice(0, 200)}": ${reason}`);
    this.name = 'InvalidImageRef';
  }
}

/** Lower case for A-Z only, whatever the locale or the rest of Unicode says. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

const PRINTABLE_ASCII = /^[ -~]*$/;

export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

export function isValidTag(s: string): boolean {
  return TAG.test(s);
}

/** Parse and normalise; throws InvalidImageRef with the reason. */
export function parseImageRef(input: string): ImageRef {
  let rest = input.trim();
  if (rest === '') throw new InvalidImageRef(input, 'empty');
  if (rest.length > 512) throw new InvalidImageRef(input, 'longer than 512 characters');
  if (!PRINTABLE_ASCII.test(rest))
    throw new InvalidImageRef(input, 'only printable ASCII characters are allowed');

  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = asciiLower(rest.slice(at + 1));
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw new InvalidImageRef(input, 'digest must be sha256:<64 hex>');
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new InvalidImageRef(input, `tag "${tag}" is not valid`);
  }

  const parts = rest.split('/');
  const first = parts[0] ?? '';
  let registry = DOCKER_HUB;
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    registry = asciiLower(first);
    parts.shift();
  }
  if (DOCKER_HUB_ALIASES.has(registry)) registry = DOCKER_HUB;
  if (!HOST.test(registry)) throw new InvalidImageRef(input, `registry "${registry}" is not a host`);

  const components = parts.map(asciiLower);
  if (registry === DOCKER_HUB && components.length === 1) components.unshift('library');
  for (const c of components) {
    if (!COMPONENT.test(c)) throw new InvalidImageRef(input, `path component "${c}" is not valid`);
  }
  if (tag === undefined && digest === undefined) tag = 'latest';
  return { registry, repository: components.join('/'), tag, digest };
}

export function tryParseImageRef(input: string): ImageRef | undefined {
  try {
    return parseImageRef(input);
  } catch {
    return undefined;
  }
}

/** "registry/repository" */
export function imageName(ref: ImageRef): string {
  return `${ref.registry}/${ref.repository}`;
}

/** Canonical string: registry/repository[:tag][@digest]. */
export function formatImageRef(ref: ImageRef): string {
  return `${imageName(ref)}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The reference without its digest: what a tag-following unit is configured with. */
export function taggedRef(ref: ImageRef): string {
  return `${imageName(ref)}:${ref.tag ?? 'latest'}`;
}
