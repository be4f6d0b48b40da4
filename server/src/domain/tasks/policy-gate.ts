/**
 * Between the plan and the engine: the policy decision for every unit the plan would move. Units whose policy
 * holds them are taken out of the plan (skipped, with the verdict as the reason); the ones that wait (an
 * approval, a cooldown, a window, a snooze) are handed back as groups, one per verdict and digest, for the
 * runner to park the task or split them into tasks of their own.
 * Used by: the task runner (every trigger: webhook, schedule, API, CLI), podup check (what would happen)
 */
import { decide, type Verdict } from '../policies/decide.js';
import type { PolicyBook } from '../policies/policy-book.js';
import type { DigestStore, PolicyStore } from '../ports/index.js';
import type { KnownUnit } from '../units/known-unit.js';
import type { Plan } from './plan.js';
import type { TaskRecord } from './task.js';

export interface UnitDecision {
  unit: string;
  image: string;
  digest: string;
  firstSeen: number;
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
    const seen = deps.record
      ? deps.digests.see(p.image, p.targetDigest, deps.now)
      : (deps.digests.find(p.image, p.targetDigest) ?? { firstSeen: deps.now, created: null });
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
