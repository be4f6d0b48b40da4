/**
 * Between the plan and the engine: the policy decision for every unit the plan would move. Units whose policy
 * holds them are taken out of the plan (skipped, with the verdict as the reason); the ones that wait (an
 * approval, a cooldown, a window, a snooze) are handed back as groups, one per verdict and digest, for the
 * runner to park the task or split them into tasks of their own.
 * Used by: the task runner (every trigger: webhook, schedule, API, CLI), podup check (what would happen)
 */
import { errorMessage } from '../../errors.js';
import { decide, type Verdict } from '../policies/decide.js';
import type { PolicyBook } from '../policies/policy-book.js';
import type { DigestResolver, DigestStore, PolicyStore } from '../ports/index.js';
import type { KnownUnit } from '../units/known-unit.js';
import type { Plan } from './plan.js';
import type { TaskRecord } from './task.js';

export interface UnitDecision {
  unit: string;
  image: string;
  digest: string;
  firstSeen: number;
  /** The image's created time, when known (recorded with the sighting). */
  created: number | null;
  verdict: Verdict;
}

export interface WaitingGroup {
  status: 'awaiting-approval' | 'deferred';
  image: string;
  digest: string;
  units: string[];
  notBefore: number | null;
  reason: string;
}

export interface GateDeps {
  book: PolicyBook;
  policies: Pick<PolicyStore, 'get' | 'skipped'>;
  digests: Pick<DigestStore, 'see' | 'find'>;
  now: number;
  /** Record first sightings (a run does; podup check changes nothing and assumes "now" for new digests). */
  record: boolean;
  /** Created times read for new digests (createdTimes), by `image@digest`. */
  created?: ReadonlyMap<string, number | null>;
}

export interface CreatedTimes {
  created: ReadonlyMap<string, number | null>;
  /** What could not be read, in words for the journal. */
  failures: string[];
}

const createdKey = (image: string, digest: string) => `${image}@${digest}`;

/**
 * The images' own created times for the digests a minimum image age needs them for: only a digest podup has
 * not seen before (a known one kept what its first sighting read), only for a unit whose policy may apply it
 * with a minimum age, once per image and digest. The registry is asked beyond the digest lookup only then. A
 * failed read leaves the time unknown: the cooldown then counts from the first sighting alone, and says so.
 */
export async function createdTimes(
  plan: Plan,
  known: readonly KnownUnit[],
  deps: Pick<GateDeps, 'book' | 'policies' | 'digests'> & {
    registry: Pick<DigestResolver, 'created'>;
    signal?: AbortSignal | undefined;
  },
): Promise<CreatedTimes> {
  const byName = new Map(known.map((u) => [u.unit, u]));
  const wanted = new Map<string, { image: string; digest: string }>();
  for (const p of plan.units) {
    const unit = byName.get(p.unit);
    if (p.action !== 'update' || !unit || !p.image || !p.targetDigest) continue;
    const { policy } = deps.book.resolve(unit, deps.policies.get(p.unit));
    const mayApply = policy.policy.value === 'auto' || policy.policy.value === 'approve';
    if (!mayApply || policy.minAgeMs.value === 0) continue;
    const key = createdKey(p.image, p.targetDigest);
    if (!wanted.has(key) && !deps.digests.find(p.image, p.targetDigest))
      wanted.set(key, { image: p.image, digest: p.targetDigest });
  }
  const created = new Map<string, number | null>();
  const failures: string[] = [];
  await Promise.all(
    [...wanted].map(async ([key, { image, digest }]) => {
      try {
        created.set(key, await deps.registry.created(image, digest, { signal: deps.signal }));
      } catch (e) {
        created.set(key, null);
        failures.push(
          `created time of ${image}@${digest} unknown (${errorMessage(e)}); the minimum image age counts from its first sighting`,
        );
      }
    }),
  );
  return { created, failures };
}

/** The verdict for every unit of the plan that would move (update); verify and skip units need none. */
export function decideUnits(
  plan: Plan,
  known: readonly KnownUnit[],
  task: Pick<TaskRecord, 'force' | 'approvedBy' | 'digest'> | null,
  deps: GateDeps,
): UnitDecision[] {
  const byName = new Map(known.map((u) => [u.unit, u]));
  const decisions: UnitDecision[] = [];
  for (const p of plan.units) {
    const unit = byName.get(p.unit);
    if (p.action !== 'update' || !unit || !p.image || !p.targetDigest) continue;
    const fetched = deps.created?.get(createdKey(p.image, p.targetDigest)) ?? null;
    const seen = deps.record
      ? deps.digests.see(p.image, p.targetDigest, deps.now, fetched)
      : (deps.digests.find(p.image, p.targetDigest) ?? { firstSeen: deps.now, created: fetched });
    const override = deps.policies.get(p.unit);
    const { policy } = deps.book.resolve(unit, override);
    const verdict = decide({
      policy,
      digest: p.targetDigest,
      firstSeen: seen.firstSeen,
      created: seen.created,
      now: deps.now,
      skipped: deps.policies.skipped(p.unit).map((s) => s.digest),
      snoozedUntil: override?.snoozedUntil ?? null,
      approved: task?.approvedBy != null && task.digest === p.targetDigest,
      force: task?.force ?? false,
    });
    decisions.push({
      unit: p.unit,
      image: p.image,
      digest: p.targetDigest,
      firstSeen: seen.firstSeen,
      created: seen.created,
      verdict,
    });
  }
  return decisions;
}

/** Takes every unit the policy holds out of the plan; returns the groups that wait. */
export function applyDecisions(plan: Plan, decisions: readonly UnitDecision[]): WaitingGroup[] {
  const groups = new Map<string, WaitingGroup>();
  for (const d of decisions) {
    const v = d.verdict;
    if (v.kind === 'apply') continue;
    const p = plan.units.find((u) => u.unit === d.unit);
    if (p) Object.assign(p, { action: 'skip', reason: v.reason });
    if (v.kind !== 'approve' && v.kind !== 'defer') continue;
    const status = v.kind === 'approve' ? 'awaiting-approval' : 'deferred';
    const notBefore = v.kind === 'defer' ? v.until : null;
    const key = `${status}|${d.image}|${d.digest}|${notBefore ?? ''}`;
    const g = groups.get(key);
    if (g) g.units.push(d.unit);
    else
      groups.set(key, {
        status,
        image: d.image,
        digest: d.digest,
        units: [d.unit],
        notBefore,
        reason: v.reason,
      });
  }
  return [...groups.values()];
}
