/**
 * What a verified GitHub delivery means for podup. Reads only the few fields podup needs from the payload
 * (no schema over the whole document: it is large and GitHub adds fields freely).
 * Shapes: tests/fixtures/github/README.md.
 * @see https://docs.github.com/en/webhooks/webhook-events-and-payloads#package
 */
import { AppError } from '../../errors.js';
import {
  asciiLower,
  InvalidImageRef,
  isDigest,
  isValidTag,
  parseImageRef,
  type ImageRef,
} from '../images/image-ref.js';
import type { TaskSource } from '../tasks/task.js';
import { sourceOf } from './github-source.js';

export type GitHubEventMeaning =
  /** A tagged container version was published: podup acts on it. */
  | { kind: 'published'; action: string; image: ImageRef; source: TaskSource | null }
  /** An untagged manifest (per-platform or attestation) of a multi-arch push: recorded, nothing runs. */
  | { kind: 'untagged'; action: string; image: ImageRef }
  | { kind: 'ping'; zen: string | undefined }
  | { kind: 'ignored'; action: string | undefined; reason: string };

export const HANDLED_EVENTS = ['package', 'registry_package'] as const;

const CONTAINER_TYPES = new Set(['container', 'docker']);
const DEFAULT_REGISTRY = 'ghcr.io';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Json | undefined => (isObject(v) ? v : undefined);

function invalid(message: string): AppError {
  return new AppError('INVALID_PAYLOAD', message);
}

/** Registry host from package_url ("ghcr.io/acme/app:tag", sometimes with a bare trailing ":"). */
function registryFrom(packageUrl: string | undefined): string {
  if (!packageUrl) return DEFAULT_REGISTRY;
  const first = packageUrl.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? '';
  return first.includes('.') || first.includes(':') || first === 'localhost'
    ? asciiLower(first)
    : DEFAULT_REGISTRY;
}

/**
 * Interpret a delivery whose signature has already been verified.
 * Throws AppError INVALID_PAYLOAD when a package event lacks the fields GitHub always sends.
 */
export function interpretGitHubEvent(event: string, payload: unknown): GitHubEventMeaning {
  if (!isObject(payload)) throw invalid('payload must be a JSON object');
  const action = str(payload.action);

  if (event === 'ping') return { kind: 'ping', zen: str(payload.zen) };
  if (!(HANDLED_EVENTS as readonly string[]).includes(event)) {
    return {
      kind: 'ignored',
      action,
      reason: `event "${event}" is not handled (podup acts on package and registry_package)`,
    };
  }
  if (action !== 'published') {
    return {
      kind: 'ignored',
      action,
      reason: `action "${action ?? '(none)'}" is not handled (only "published")`,
    };
  }

  const pkg = obj(payload[event]);
  if (!pkg) throw invalid(`"${event}" object missing from a ${event} event`);
  const type = asciiLower(str(pkg.package_type) ?? str(pkg.ecosystem) ?? '');
  if (!CONTAINER_TYPES.has(type)) {
    return { kind: 'ignored', action, reason: `package type "${type || '(none)'}" is not a container` };
  }

  const name = str(pkg.name);
  const owner =
    str(pkg.namespace) ||
    str(obj(pkg.owner)?.login) ||
    str(obj(payload.organization)?.login) ||
    str(obj(obj(payload.repository)?.owner)?.login);
  const version = obj(pkg.package_version);
  if (!name) throw invalid(`${event}.name missing`);
  if (!owner) throw invalid(`${event}.namespace / owner.login missing`);
  if (!version) throw invalid(`${event}.package_version missing`);

  const tagNode = obj(obj(version.container_metadata)?.tag);
  const tagName = str(tagNode?.name) ?? '';
  const digest = asciiLower(str(tagNode?.digest) || str(version.version) || str(version.name) || '');
  if (!isDigest(digest)) throw invalid(`${event}.package_version has no sha256 digest`);
  if (tagName !== '' && !isValidTag(tagName))
    throw invalid(`tag "${tagName.slice(0, 130)}" is not a valid tag`);

  const registry = registryFrom(str(version.package_url));
  const reference = `${registry}/${owner}/${name}${tagName ? `:${tagName}` : ''}@${digest}`;
  let image: ImageRef;
  try {
    image = parseImageRef(reference);
  } catch (e) {
    if (e instanceof InvalidImageRef) throw invalid(e.message);
    throw e;
  }
  return tagName === ''
    ? { kind: 'untagged', action, image }
    : { kind: 'published', action, image, source: sourceOf(payload, version) };
}
