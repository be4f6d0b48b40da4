import type { Overview, Readiness } from '@contract';
import { DownList } from '@/components/down-list';
import { describeError } from '@/lib/api-client';

type Part = 'db' | 'dbus' | 'podman';
const PART_NAMES: Record<Part, string> = {
  db: 'Database',
  dbus: 'D-Bus (systemd manager)',
  podman: 'Podman API',
};
export const partName = (part: Part): string => PART_NAMES[part];

interface Down {
  part: Part;
  detail: string;
  hint?: string | undefined;
}

/** Parts that are down, by /readyz first, then by the overview (which may be fresher or older). */
export function downParts(readiness?: Readiness, overview?: Overview): Down[] {
  const parts: Part[] = ['db', 'dbus', 'podman'];
  const down: Down[] = [];
  for (const part of parts) {
    const check = readiness?.checks[part];
    const health = overview?.health[part];
    if (check && !check.ok) down.push({ part, detail: check.detail, hint: check.hint ?? health?.hint });
    else if (!check && health && !health.ok) down.push({ part, detail: health.detail, hint: health.hint });
  }
  return down;
}

/**
 * The first thing on the overview: nothing when every part answers, otherwise which part is down, what it
 * said, and how to fix it.
 */
export function HealthBanner({
  readiness,
  readinessError,
  overview,
}: {
  readiness?: Readiness | undefined;
  readinessError?: unknown;
  overview?: Overview | undefined;
}) {
  if (readinessError) {
    const d = describeError(readinessError);
    return (
      <section className="alert alert-bad" role="alert" aria-label="Service health">
        <p className="alert-title">Cannot tell whether podup is ready: {d.title}</p>
        {d.hint && <p className="alert-hint">{d.hint}</p>}
      </section>
    );
  }
  const down = downParts(readiness, overview);
  if (down.length === 0) return null;
  return (
    <section className="alert alert-bad" role="alert" aria-label="Service health">
      <p className="alert-title">
        {down.length === 1
          ? `${partName(down[0]!.part)} is down: updates cannot run.`
          : `${down
              .slice(0, -1)
              .map((d) => partName(d.part))
              .join(', ')} and ${partName(down.at(-1)!.part)} are down: updates cannot run.`}
      </p>
      <DownList down={down.map((d) => ({ ...d, name: partName(d.part) }))} />
    </section>
  );
}
