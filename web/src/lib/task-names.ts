/** How a task is named in one line: the units first (those it ran on), the image's tag, why it failed. */
import type { ApiTask } from '@contract';

/** The units a row names: those it ran on (an image's units are known once it ran), else those it asked for. */
export function rowUnits(t: ApiTask): string {
  const ran = t.outcomes?.map((o) => o.unit) ?? [];
  const names = ran.length > 0 ? ran : (t.units ?? []);
  if (names.length > 0)
    return names.length > 3 ? `${names.slice(0, 3).join(', ')} +${names.length - 3}` : names.join(', ');
  if (t.kind === 'maintenance') return 'maintenance';
  return `units of ${imageTag(t.image) ?? 'every image'}`;
}

/** `ghcr.io/acme/web:main` -> `web:main`: the part an operator recognises. */
export function imageTag(image: string | null | undefined): string | null {
  if (!image) return null;
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  return ref.slice(ref.lastIndexOf('/') + 1) || ref;
}

const FAILED = new Set(['failed', 'rolled-back', 'interrupted']);

/** Why a task did not succeed, in one line: the first failing unit's reason, else the summary. */
export function failureOf(t: ApiTask): string | null {
  if (!FAILED.has(t.status)) return null;
  const unit = t.outcomes?.find((o) => o.status !== 'succeeded' && o.status !== 'skipped' && o.reason);
  if (unit?.reason) return `${unit.unit}: ${unit.reason.split('\n')[0]}`;
  return t.summary?.split('\n')[0] ?? null;
}
