/** The one line a task ends with: what happened to its units, and which unit runs which digest now. Pure. */
import type { UnitPlan } from './plan.js';
import type { TaskStatus, UnitOutcome } from './task.js';

/** "2 succeeded, 1 skipped; now sha256:1a2b3c4d5e6f on a.service, b.service; sha256:... on c.service" */
export function summarise(
  outcomes: ReadonlyMap<string, UnitOutcome>,
  unplanned: number,
  todo: readonly UnitPlan[],
): { status: TaskStatus; summary: string } {
  const count = (o: UnitOutcome) => [...outcomes.values()].filter((v) => v === o).length;
  const parts: string[] = (['succeeded', 'rolled-back', 'failed', 'cancelled', 'skipped'] as const)
    .filter((o) => count(o) > 0)
    .map((o) => `${count(o)} ${o}`);
  if (unplanned > 0) parts.push(`${unplanned} not planned`);
  const running = new Map<string, string[]>();
  for (const u of todo) {
    const o = outcomes.get(u.unit);
    const digest =
      o === 'succeeded'
        ? u.targetDigest
        : o === 'rolled-back' || o === 'skipped' || o === 'cancelled'
          ? (u.currentDigests[0] ?? null)
          : null;
    const key = digest ? digest.slice(0, 19) : 'unknown image';
    running.set(key, [...(running.get(key) ?? []), u.unit]);
  }
  const where = [...running].map(([d, units]) => `${d} on ${units.join(', ')}`).join('; ');
  const summary = `${parts.join(', ')}${where ? `; now ${where}` : ''}`;
  if (count('failed') > 0 || unplanned > 0) return { status: 'failed', summary };
  if (count('rolled-back') > 0) return { status: 'rolled-back', summary };
  if (count('cancelled') > 0) return { status: 'cancelled', summary };
  return { status: 'succeeded', summary };
}
