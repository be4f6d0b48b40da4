/**
 * THE policy decision: what happens to one unit that could move to a new digest. Every path that moves units
 * reaches it (webhook, schedule, API, CLI: the runner asks it before the engine touches a unit; podup check
 * asks it to say what would happen). `force` is the one override, and the verdict says it was used.
 */
import { formatAge, type UnitPolicy } from './unit-policy.js';
import { nextOpening, windowOpen } from './windows.js';

export interface DecisionInput {
  policy: UnitPolicy;
  digest: string;
  /** When podup first saw this digest (unix ms). */
  firstSeen: number;
  /** The image's own created time, when known. */
  created: number | null;
  now: number;
  /** Digests the operator skipped for this unit. */
  skipped: readonly string[];
  /** The unit is snoozed until then (unix ms). */
  snoozedUntil: number | null;
  /** An admin approved exactly this digest for this unit. */
  approved: boolean;
  force: boolean;
}

export type Verdict =
  | { kind: 'apply'; reason: string | null }
  | { kind: 'notify'; reason: string }
  | { kind: 'skip'; reason: string }
  | { kind: 'approve'; reason: string }
  | { kind: 'defer'; until: number; reason: string };

const at = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The age the cooldown counts: from the later of created and first seen, so a back-dated image gains nothing. */
export function imageAge(input: Pick<DecisionInput, 'firstSeen' | 'created' | 'now'>): number {
  return input.now - Math.max(input.firstSeen, input.created ?? input.firstSeen);
}

export function decide(input: DecisionInput): Verdict {
  const { policy, now } = input;
  if (input.force)
    return {
      kind: 'apply',
      reason: `forced: policy ${policy.policy.value} (${policy.policy.source}) overridden`,
    };
  const p = policy.policy.value;
  if (p === 'off') return { kind: 'skip', reason: `policy off (${policy.policy.source})` };
  if (input.skipped.includes(input.digest))
    return { kind: 'skip', reason: `version ${input.digest} skipped` };
  const age = imageAge(input);
  if (p === 'notify')
    return {
      kind: 'notify',
      reason: `update available: ${input.digest} (age ${formatAge(Math.max(0, age - (age % 1000)))}); policy notify`,
    };
  if (input.snoozedUntil !== null && input.snoozedUntil > now)
    return { kind: 'defer', until: input.snoozedUntil, reason: `snoozed until ${at(input.snoozedUntil)}` };
  const minAge = policy.minAgeMs.value;
  if (minAge > 0 && age < minAge) {
    const fromCreated = input.created !== null && input.created > input.firstSeen;
    const until = (fromCreated && input.created !== null ? input.created : input.firstSeen) + minAge;
    // A clock-skewed or future-dated image must not hide why it waits longer than the age says.
    const counted = fromCreated ? `, counted from the image's created time ${at(until - minAge)}` : '';
    return {
      kind: 'defer',
      until,
      reason: `deferred until ${at(until)}: minimum image age ${formatAge(minAge)} (${policy.minAgeMs.source})${counted}`,
    };
  }
  if (p === 'approve' && !input.approved)
    return {
      kind: 'approve',
      reason: `awaiting approval of ${input.digest} (policy approve, ${policy.policy.source})`,
    };
  const windows = policy.windows.value;
  if (!windowOpen(windows, now)) {
    const until = nextOpening(windows, now);
    return {
      kind: 'defer',
      until,
      reason: `deferred until ${at(until)}: outside the maintenance window ${windows.map((w) => w.text).join('; ')} (${policy.windows.source})`,
    };
  }
  return { kind: 'apply', reason: p === 'approve' ? 'approved' : null };
}
