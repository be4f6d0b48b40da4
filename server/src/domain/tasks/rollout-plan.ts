/**
 * What the rollout knows of each unit before it moves any: systemd's graph and the order from it, the canary
 * of each image, the ExecStart line (does the unit pull on start?), the health window its container asks for,
 * and its dependents; then which units go next. Reads only through the ports.
 */
import { errorMessage } from '../../errors.js';
import type {
  ContainerInfo,
  ContainerRuntime,
  ExecCommand,
  RolloutRole,
  TaskJournal,
  UnitDependencies,
  UnitManager,
} from '../ports/index.js';
import { dependentsOf } from './dependents.js';
import { HEALTH_WINDOW_LABEL, parseWindow, UNIT_LABEL } from './health-gate.js';
import type { UnitPlan } from './plan.js';
import { pullPolicy, pullsOnStart } from './pull-pin.js';
import { rolloutOrder } from './rollout-order.js';

/** What the rollout knows of one unit it moves. */
export interface UnitRun {
  plan: UnitPlan;
  role: RolloutRole | null;
  position: number;
  windowMs: number;
  execStart: ExecCommand[];
  pullPolicy: string | null;
  /** Units that depend on it (Requires=, BindsTo=, PartOf=). */
  dependents: string[];
  /** Those that were active before its restart. */
  dependentsActive: string[];
  /** Units of this task it moves after. */
  after: ReadonlySet<string>;
}

export interface Rollout {
  /** In the order the units move. */
  runs: Map<string, UnitRun>;
  /** Health windows set by container labels, for every running unit (dependents included). */
  windows: Map<string, number>;
}

const toError = (e: unknown): Error => (e instanceof Error ? e : new Error(errorMessage(e)));

/** Read while the pulls run; every read that fails falls back (name order, no pin, the global window). */
export async function prepareRollout(
  deps: { systemd: UnitManager; runtime: ContainerRuntime },
  todo: readonly UnitPlan[],
  journal: TaskJournal,
  settings: { healthWindowMs: number; batch: number },
): Promise<Rollout> {
  const [graph, execs, containers] = await Promise.all([
    Promise.all(todo.map((u) => deps.systemd.dependencies(u.unit).catch((e: unknown) => toError(e)))),
    Promise.all(todo.map((u) => deps.systemd.execStart(u.unit).catch((): ExecCommand[] => []))),
    deps.runtime.listContainers().catch((): ContainerInfo[] => []),
  ]);
  // Rebuilt from every running container: dependents have windows too, and a label may have gone.
  const windows = new Map<string, number>();
  for (const c of containers) {
    const unit = c.labels[UNIT_LABEL];
    const label = c.labels[HEALTH_WINDOW_LABEL];
    if (!unit || label === undefined || c.state !== 'running') continue;
    const ms = parseWindow(label);
    if (ms === undefined)
      journal.log(
        'warn',
        'plan',
        `${unit}: ${HEALTH_WINDOW_LABEL}=${label} is not a duration; using the global window`,
      );
    else windows.set(unit, ms);
  }
  const graphs = new Map(todo.map((u, i) => [u.unit, graph[i] as UnitDependencies | Error]));
  const order = rolloutOrder(
    todo.map((u) => u.unit),
    graphs,
  );
  for (const note of order.notes) journal.log('warn', 'plan', note);
  const runs = new Map<string, UnitRun>();
  const seenImage = new Set<string>();
  const perImage = (image: string | null) => todo.filter((u) => u.image === image).length;
  order.order.forEach((unit, i) => {
    const plan = todo.find((u) => u.unit === unit) as UnitPlan;
    const g = graphs.get(unit);
    const execStart = execs[todo.indexOf(plan)] ?? [];
    // A unit alone with its image has nothing to be the canary for.
    const canary = !seenImage.has(plan.image ?? '') && perImage(plan.image) > 1;
    seenImage.add(plan.image ?? '');
    runs.set(unit, {
      plan,
      role: canary ? 'canary' : null,
      position: i + 1,
      windowMs: windows.get(unit) ?? settings.healthWindowMs,
      execStart,
      pullPolicy: pullPolicy(execStart),
      dependents: g instanceof Error || g === undefined ? [] : dependentsOf(g),
      dependentsActive: [],
      after: order.after.get(unit) ?? new Set(),
    });
  });
  const described = order.order.map((u) => `${u}${runs.get(u)?.role ? ' (canary)' : ''}`);
  journal.log(
    'info',
    'plan',
    `rollout order: ${described.join(', ')}; then up to ${settings.batch} at a time`,
  );
  for (const r of runs.values()) {
    journal.unit(r.plan.unit, { role: r.role, position: r.position });
    if (pullsOnStart(r.pullPolicy))
      journal.log(
        'info',
        'plan',
        `${r.plan.unit} pulls on start (--pull=${r.pullPolicy ?? ''}): a rollback pins it to its previous image`,
        { unit: r.plan.unit },
      );
  }
  return { runs, windows };
}

/**
 * The next units to move: a canary alone (the first unit of its image), otherwise up to `batch` units whose
 * predecessors have moved (or could not be pulled) and whose image's canary passed. Units in one batch are
 * never ordered against each other.
 */
export function nextBatch(
  pending: readonly UnitRun[],
  done: { moved: ReadonlySet<string>; passed: ReadonlySet<string>; settled: ReadonlySet<string> },
  batch: number,
): UnitRun[] {
  const ready = pending.filter((r) => [...r.after].every((p) => done.moved.has(p) || done.settled.has(p)));
  const out: UnitRun[] = [];
  for (const r of ready) {
    if (r.role === 'canary') {
      if (out.length === 0) return [r];
      continue;
    }
    const image = r.plan.image ?? '';
    const canaryWaiting = pending.some((p) => p.role === 'canary' && (p.plan.image ?? '') === image);
    if (canaryWaiting && !done.passed.has(image)) continue;
    out.push(r);
    if (out.length >= batch) break;
  }
  return out;
}
