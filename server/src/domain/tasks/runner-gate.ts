/**
 * The task runner's policy gate: between the plan and the engine, the policy decision for every unit the plan
 * would move. Held units leave the plan; waiting ones park the task or move into tasks of their own; what
 * that notifies (approval needed, update available) is written in the transaction of the change.
 * Used by: the task runner (runner.ts)
 */
import type { TaskJournal } from '../ports/index.js';
import type { KnownUnit } from '../units/known-unit.js';
import type { Plan } from './plan.js';
import {
  applyDecisions,
  createdTimes,
  decideUnits,
  type CreatedTimes,
  type WaitingGroup,
} from './policy-gate.js';
import type { RunnerDeps } from './runner.js';
import { queuedTask, type TaskRecord } from './task.js';

export class RunnerGate {
  constructor(
    private readonly deps: Pick<
      RunnerDeps,
      'stores' | 'atomically' | 'policyNotices' | 'policies' | 'clock' | 'ids' | 'owners' | 'registry'
    >,
  ) {}

  /**
   * Before the gate (which writes, so reads nothing remote): the created times of the new digests a minimum
   * image age needs. The gate says in the journal what could not be read.
   */
  async createdTimes(
    task: TaskRecord,
    plan: Plan,
    known: KnownUnit[],
    signal: AbortSignal,
  ): Promise<CreatedTimes> {
    if (task.force) return { created: new Map(), failures: [] };
    return createdTimes(plan, known, {
      book: this.deps.policies.book,
      policies: this.deps.stores.policies,
      digests: this.deps.stores.digests,
      registry: this.deps.registry,
      signal,
    });
  }

  /**
   * The policy decision for every unit the plan moves: held units leave the plan; waiting ones park this task
   * (when nothing else is left to do) or move into a task of their own. True when the task was parked.
   */
  gate(
    task: TaskRecord,
    plan: Plan,
    known: KnownUnit[],
    journal: TaskJournal,
    times: CreatedTimes = { created: new Map(), failures: [] },
  ): boolean {
    const poke = { needed: false };
    for (const f of times.failures) journal.log('warn', 'plan', f);
    try {
      return this.gateAndNotify(task, plan, known, journal, times.created, poke);
    } finally {
      // After the commits: deliver now rather than at the next poll.
      if (poke.needed) this.deps.policyNotices?.poke();
    }
  }

  private gateAndNotify(
    task: TaskRecord,
    plan: Plan,
    known: KnownUnit[],
    journal: TaskJournal,
    created: ReadonlyMap<string, number | null>,
    poke: { needed: boolean },
  ): boolean {
    const { stores, clock, policies } = this.deps;
    const notices = this.deps.policyNotices;
    const running = (unit: string) => plan.units.find((u) => u.unit === unit)?.currentDigests[0] ?? null;
    const decisions = decideUnits(plan, known, task, {
      book: policies.book,
      policies: stores.policies,
      digests: stores.digests,
      now: clock.now(),
      record: true,
      created,
    });
    for (const d of decisions) {
      const v = d.verdict;
      if (v.kind === 'apply' && v.reason === null) continue;
      const level = v.kind === 'apply' && task.force ? 'warn' : 'info';
      journal.log(level, 'plan', `policy: ${v.reason ?? ''}`, { unit: d.unit });
      if (v.kind === 'apply') continue;
      const reason = v.reason;
      // The unit's row records the available digest: its notice commits with it, or neither does.
      poke.needed =
        this.deps.atomically(() => {
          journal.unit(d.unit, { status: 'skipped', image: d.image, reason });
          return (
            v.kind === 'notify' &&
            notices !== undefined &&
            notices.updateAvailable(
              stores,
              {
                unit: d.unit,
                image: d.image,
                runningDigest: running(d.unit),
                registryDigest: d.digest,
                why: reason,
              },
              clock.now(),
            )
          );
        }) || poke.needed;
    }
    // Only a task that waited (deferred or for approval) carries a digest: the one it waited for.
    const moved =
      task.digest === null
        ? undefined
        : decisions.find(
            (d) => d.digest !== task.digest && d.verdict.kind !== 'skip' && d.verdict.kind !== 'notify',
          );
    const replacedNote = moved && `a newer digest ${moved.digest} replaced ${task.digest ?? ''}`;
    if (moved && task.approvedBy !== null && moved.verdict.kind === 'approve')
      journal.log(
        'warn',
        'plan',
        `a newer digest ${moved.digest} replaced the approved ${task.digest ?? ''}: approve again`,
      );
    else if (replacedNote) journal.log('info', 'plan', `${replacedNote}, which this task waited for`);
    const waiting = applyDecisions(plan, decisions)
      .map((g) => this.withoutDuplicates(task, g, journal))
      .filter((g) => g.units.length > 0);
    const moving = plan.units.some((u) => u.action === 'update' || u.action === 'verify');
    const now = clock.now();
    const expiresAt = (g: WaitingGroup) =>
      g.status === 'awaiting-approval' ? now + policies.approvalTtlMs : null;
    /** Inside the transaction that made `waiting` wait for approval: once per task (the outbox's key). */
    const askApproval = (waiting: TaskRecord | undefined, g: WaitingGroup): void => {
      if (!notices || !waiting || g.status !== 'awaiting-approval') return;
      const units = g.units.map((unit) => ({ unit, image: g.image, runningDigest: running(unit) }));
      poke.needed = notices.approvalNeeded(stores, waiting, units, g.reason, now) || poke.needed;
    };
    const [only] = waiting;
    if (!moving && waiting.length === 1 && only) {
      return this.deps.atomically(() => {
        const parked = stores.tasks.park(
          task.id,
          this.deps.owners.self,
          {
            status: only.status,
            units: only.units,
            digest: only.digest,
            notBefore: only.notBefore,
            expiresAt: expiresAt(only),
            summary:
              replacedNote && only.digest !== task.digest ? `${only.reason} (${replacedNote})` : only.reason,
          },
          now,
        );
        if (parked) askApproval(stores.tasks.get(task.id), only);
        return parked;
      });
    }
    for (const [i, g] of waiting.entries()) {
      // A millisecond apart: the list orders tasks by creation, and these are created in this order.
      const createdAt = now + i;
      const split: TaskRecord = {
        ...queuedTask({
          id: this.deps.ids.taskId(),
          kind: 'image-update',
          status: g.status,
          image: g.image,
          units: g.units,
          trigger: task.trigger,
          delivery: task.delivery,
          caller: task.caller,
          reason: `from ${task.id}: ${g.reason}`,
          createdAt,
          updatedAt: createdAt,
          startedAt: null,
          finishedAt: null,
          notBefore: g.notBefore,
          digest: g.digest,
          expiresAt: expiresAt(g),
        }),
        summary: g.reason,
      };
      this.deps.atomically(() => {
        stores.tasks.create(split);
        askApproval(split, g);
      });
      journal.log('info', 'plan', `${g.units.join(', ')} wait in task ${split.id}: ${g.reason}`);
    }
    return false;
  }

  /**
   * One waiting task per unit and digest: a unit already waiting for the same digest elsewhere stays there; a
   * task waiting for an older digest is replaced, and says so.
   */
  private withoutDuplicates(task: TaskRecord, g: WaitingGroup, journal: TaskJournal): WaitingGroup {
    const { stores, clock } = this.deps;
    const units = g.units.filter((unit) => {
      for (const other of stores.tasks.waitingFor(unit)) {
        if (other.id === task.id) continue;
        if (other.digest === g.digest) {
          journal.log('info', 'plan', `already waiting in task ${other.id} (${other.status})`, { unit });
          return false;
        }
        stores.tasks.cancelWaiting(
          other.id,
          `replaced by task ${task.id}: ${g.image} has a newer digest ${g.digest}`,
          clock.now(),
        );
        journal.log(
          'info',
          'plan',
          `replaces task ${other.id}, which waited for ${other.digest ?? 'an older digest'}`,
          {
            unit,
          },
        );
      }
      return true;
    });
    return { ...g, units };
  }
}
