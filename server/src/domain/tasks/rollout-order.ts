/**
 * The order a task moves its units in: the order systemd itself would start them. After=/Before= order two
 * units; without either, Requires=/BindsTo=/PartOf=/Wants= put the provider first. Only edges between units of
 * the task count. A cycle or a unit whose graph could not be read never blocks: the units concerned go by
 * name, and a note says why. Pure.
 */
import type { UnitDependencies } from '../ports/index.js';

export interface RolloutOrder {
  /** Every unit, providers before consumers; ties by name. */
  order: string[];
  /** Per unit, the units of the task that must be moved before it (cycle edges removed). */
  after: Map<string, Set<string>>;
  /** What an operator should read: unreadable units, cycles. */
  notes: string[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `graph` holds each unit's dependencies, or the error that kept them from being read. */
export function rolloutOrder(
  units: readonly string[],
  graph: ReadonlyMap<string, UnitDependencies | Error>,
): RolloutOrder {
  const set = new Set(units);
  const notes: string[] = [];
  const ordering = new Map<string, Set<string>>(units.map((u) => [u, new Set<string>()]));
  const requirement = new Map<string, Set<string>>(units.map((u) => [u, new Set<string>()]));
  /** first before second */
  const edge = (kind: Map<string, Set<string>>, first: string, second: string): void => {
    if (first !== second && set.has(first) && set.has(second)) kind.get(second)?.add(first);
  };
  for (const u of [...units].sort(byName)) {
    const d = graph.get(u);
    if (d === undefined || d instanceof Error) {
      notes.push(`cannot read the dependencies of ${u}${d ? ` (${d.message})` : ''}: it is ordered by name`);
      continue;
    }
    for (const x of d.after) edge(ordering, x, u);
    for (const x of d.before) edge(ordering, u, x);
    for (const x of [...d.requires, ...d.bindsTo, ...d.partOf, ...d.wants]) edge(requirement, x, u);
    for (const x of [...d.requiredBy, ...d.boundBy, ...d.consistsOf]) edge(requirement, u, x);
  }
  // A requirement orders only where After=/Before= say nothing about the pair.
  const after = new Map<string, Set<string>>();
  for (const u of units) {
    const preds = new Set(ordering.get(u));
    for (const p of requirement.get(u) ?? []) if (!ordering.get(p)?.has(u)) preds.add(p);
    after.set(u, preds);
  }
  for (const u of units)
    for (const p of after.get(u) ?? [])
      if (after.get(p)?.has(u) && !ordering.get(u)?.has(p) && !ordering.get(p)?.has(u)) {
        // Two units that require each other, unordered: systemd starts them together; name order decides.
        if (byName(p, u) > 0) after.get(u)?.delete(p);
      }

  const order: string[] = [];
  const left = new Set(units);
  while (left.size > 0) {
    const ready = [...left].filter((u) => [...(after.get(u) ?? [])].every((p) => !left.has(p))).sort(byName);
    if (ready.length > 0) {
      for (const u of ready) {
        order.push(u);
        left.delete(u);
      }
      continue;
    }
    const cycle = onCycles(left, after);
    const first = cycle[0] as string;
    notes.push(`ordering cycle among ${cycle.join(', ')}: ${first} goes first (by name)`);
    for (const p of [...(after.get(first) ?? [])]) if (left.has(p)) after.get(first)?.delete(p);
  }
  return { order, after, notes };
}

/** The units of `left` that lie on a cycle: those left after peeling off every unit without a predecessor or a successor. */
function onCycles(left: ReadonlySet<string>, after: ReadonlyMap<string, Set<string>>): string[] {
  const rest = new Set(left);
  for (let changed = true; changed;) {
    changed = false;
    for (const u of rest) {
      const hasPred = [...(after.get(u) ?? [])].some((p) => rest.has(p));
      const hasSucc = [...rest].some((v) => after.get(v)?.has(u));
      if (!hasPred || !hasSucc) {
        rest.delete(u);
        changed = true;
      }
    }
  }
  return [...rest].sort(byName);
}
