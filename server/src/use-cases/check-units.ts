/**
 * podup check: what the registry has for every unit (one lookup per distinct image), and what each unit's
 * policy makes of it, without changing anything. A scheduled check also records what it found (the digests'
 * first sightings start their cooldown, the units view shows it) and hands the units that may move to the
 * trigger use case, whose task meets the same policy decision again when it runs.
 * Used by: GET /api/check, podup check, the scheduler's check action
 */
import type { PolicyNotices } from '../domain/notifications/policy-notices.js';
import type {
  Clock,
  CheckStatus,
  DigestResolver,
  Stores,
  UnitCheck,
  UnitOfWork,
} from '../domain/ports/index.js';
import type { PolicyBook } from '../domain/policies/policy-book.js';
import type { Plan } from '../domain/tasks/plan.js';
import { createdTimes, decideUnits, type UnitDecision } from '../domain/tasks/policy-gate.js';
import type { Origin } from './origin.js';
import type { TriggerService } from './trigger-units.js';
import type { UnitsService } from './units.js';

export interface UnitCheckResult extends UnitCheck {
  currentDigest: string | null;
  /** A task already waiting for this digest (awaiting approval or deferred). */
  waitingTask: string | null;
}

export interface CheckReport {
  checkedAt: number;
  units: UnitCheckResult[];
}

export interface CheckAndApply {
  report: CheckReport;
  /** The task that moves (or parks) the units with something to apply; null when none has. */
  taskId: string | null;
  summary: string;
}

function statusOf(p: Plan['units'][number]): CheckStatus {
  if (p.action === 'update' || p.action === 'verify') return 'available';
  if (p.action === 'error') return 'unknown';
  return p.reason === 'already up to date' ? 'up-to-date' : 'not-checked';
}

export class CheckService {
  constructor(
    private readonly deps: {
      units: UnitsService;
      trigger: TriggerService;
      book: PolicyBook;
      stores: Pick<Stores, 'policies' | 'digests' | 'tasks'>;
      writes: UnitOfWork;
      clock: Clock;
      /** The created times a minimum image age needs for new digests. */
      registry: Pick<DigestResolver, 'created'>;
      /** update-available for notify units, written with the check that records the digest. */
      notices?: PolicyNotices;
    },
  ) {}

  private async look(
    names: readonly string[] | undefined,
  ): Promise<{ report: CheckReport; decisions: UnitDecision[] }> {
    const { known, plan } = await this.deps.units.lookOnce((all) =>
      (names?.length
        ? all.filter((u) => names.includes(u.unit))
        : all.filter((u) => u.managed && u.imageKey !== null)
      ).map((u) => u.unit),
    );
    const { created } = await createdTimes(plan, known, {
      book: this.deps.book,
      policies: this.deps.stores.policies,
      digests: this.deps.stores.digests,
      registry: this.deps.registry,
    });
    const now = this.deps.clock.now();
    const decisions = decideUnits(plan, known, null, {
      book: this.deps.book,
      policies: this.deps.stores.policies,
      digests: this.deps.stores.digests,
      now,
      record: false,
      created,
    });
    const units = plan.units.map((p): UnitCheckResult => {
      const d = decisions.find((x) => x.unit === p.unit);
      const waiting = d
        ? this.deps.stores.tasks.waitingFor(p.unit).find((t) => t.digest === d.digest)
        : undefined;
      return {
        unit: p.unit,
        image: p.image,
        status: statusOf(p),
        currentDigest: p.currentDigests[0] ?? null,
        digest: p.targetDigest,
        firstSeen: d?.firstSeen ?? null,
        verdict: d ? (waiting ? 'waiting' : d.verdict.kind) : null,
        reason: waiting ? `${waiting.status} in task ${waiting.id}` : (d?.verdict.reason ?? p.reason),
        checkedAt: now,
        waitingTask: waiting?.id ?? null,
      };
    });
    return { report: { checkedAt: now, units }, decisions };
  }

  /** Changes nothing. */
  async check(names?: readonly string[]): Promise<CheckReport> {
    return (await this.look(names)).report;
  }

  /** Records what was found and queues one task for the units that may move (apply, approve or defer). */
  async checkAndApply(
    names: readonly string[] | null,
    origin: Origin,
    caller: string,
  ): Promise<CheckAndApply> {
    const { report, decisions } = await this.look(names ?? undefined);
    const notices = this.deps.notices;
    const queued = await this.deps.writes.run((s) => {
      for (const d of decisions) s.digests.see(d.image, d.digest, report.checkedAt, d.created);
      s.checks.record(report.units.map(({ currentDigest: _c, waitingTask: _w, ...check }) => check));
      let any = false;
      for (const d of decisions) {
        if (d.verdict.kind !== 'notify' || !notices) continue;
        const found = report.units.find((u) => u.unit === d.unit);
        const update = {
          unit: d.unit,
          image: d.image,
          runningDigest: found?.currentDigest ?? null,
          registryDigest: d.digest,
          why: d.verdict.reason,
        };
        any = notices.updateAvailable(s, update, report.checkedAt) || any;
      }
      return any;
    });
    if (queued) notices?.poke();
    const moving = report.units
      .filter((u) => u.verdict === 'apply' || u.verdict === 'approve' || u.verdict === 'defer')
      .map((u) => u.unit);
    const count = (s: CheckStatus) => report.units.filter((u) => u.status === s).length;
    const found = `${report.units.length} units: ${count('available')} with an update, ${count('up-to-date')} up to date, ${count('unknown')} unknown`;
    if (moving.length === 0) return { report, taskId: null, summary: `${found}; nothing to apply` };
    const r = await this.deps.trigger.trigger(
      { units: moving, trigger: 'scheduler', caller, reason: `check found updates for ${moving.join(', ')}` },
      origin,
    );
    const taskId = r.status === 'queued' ? r.task.id : null;
    return { report, taskId, summary: `${found}; task ${taskId ?? '-'} for ${moving.join(', ')}` };
  }
}
