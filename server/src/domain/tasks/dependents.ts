/**
 * The units that depend on a restarted (or rolled back) unit: Requires=, BindsTo=, PartOf=. systemd may have
 * stopped or restarted them along with it; each one that was active before must be active again within its
 * own health window. One that is not is started once (the one unit podup starts without managing it: systemd
 * stopped it because of podup's restart), and reported.
 */
import { errorMessage } from '../../errors.js';
import type { Clock, DependentRecord, UnitDependencies, UnitManager } from '../ports/index.js';

type DependentCheck = DependentRecord;

export const dependentsOf = (d: UnitDependencies): string[] => [
  ...new Set([...d.requiredBy, ...d.boundBy, ...d.consistsOf]),
];

/** The dependents that are active now: only those must be active again afterwards. */
export async function activeDependents(
  systemd: UnitManager,
  dependents: readonly string[],
): Promise<string[]> {
  const states = await Promise.all(
    dependents.map((u) =>
      systemd.state(u).then(
        (s) => s.activeState,
        () => 'unknown',
      ),
    ),
  );
  return dependents.filter((_, i) => ['active', 'reloading', 'activating'].includes(states[i] ?? ''));
}

export interface DependentsDeps {
  systemd: UnitManager;
  clock: Clock;
  sleep(ms: number): Promise<void>;
  pollMs: number;
  startTimeoutMs: number;
  windowOf(unit: string): number;
}

async function activeWithin(deps: DependentsDeps, unit: string, windowMs: number): Promise<string | null> {
  const deadline = deps.clock.now() + windowMs;
  for (;;) {
    const s = await deps.systemd
      .state(unit)
      .catch((e: unknown) => ({ activeState: errorMessage(e), subState: '' }));
    if (s.activeState === 'active') return null;
    const last = `${s.activeState}${s.subState ? `/${s.subState}` : ''}`;
    const now = deps.clock.now();
    if (now >= deadline) return last;
    await deps.sleep(Math.min(deps.pollMs, Math.max(1, deadline - now)));
  }
}

export async function checkDependents(
  deps: DependentsDeps,
  units: readonly string[],
): Promise<DependentCheck[]> {
  return Promise.all(
    units.map(async (unit): Promise<DependentCheck> => {
      const window = deps.windowOf(unit);
      const down = await activeWithin(deps, unit, window);
      if (down === null) return { unit, result: 'active', detail: null };
      try {
        const job = await deps.systemd.start(unit, deps.startTimeoutMs);
        const still =
          job.result === 'done' ? await activeWithin(deps, unit, window) : `start job ${job.result}`;
        return still === null
          ? { unit, result: 'started', detail: `was ${down}; podup started it` }
          : { unit, result: 'down', detail: `was ${down}; podup started it once, still ${still}` };
      } catch (e) {
        return { unit, result: 'down', detail: `was ${down}; start failed: ${errorMessage(e)}` };
      }
    }),
  );
}
