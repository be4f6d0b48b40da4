/**
 * The AppError code of a failed pull, read from Podman's error text: the one place that looks at Podman's
 * wording, so that the engine decides retries by code (IMAGE_NOT_FOUND and REGISTRY_DENIED are permanent).
 * Podman reports a mirror's answer and the primary registry's in one message ("(Mirrors also failed: [...
 * manifest unknown]): ... no such host"): a tag the mirror does not have counts as not found, as Podman gives up
 * on it too.
 */
import type { ErrorCode } from '../../errors.js';

const NOT_FOUND = /manifest unknown|name unknown|not found|image not known/i;
/** Credentials refused, or the registry blocked in registries.conf: asking again cannot help. */
const DENIED = /unauthorized|denied|forbidden|authentication required|\bblocked\b/i;

export function pullErrorCode(text: string): ErrorCode {
  if (NOT_FOUND.test(text)) return 'IMAGE_NOT_FOUND';
  if (DENIED.test(text)) return 'REGISTRY_DENIED';
  return 'PODMAN_ERROR';
}
