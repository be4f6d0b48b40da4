/**
 * The operator's word on a unit's updates at run time: a policy override (policy, minimum age, windows), a
 * skipped version, a snooze. Each change, its effect on tasks already waiting for that unit and the event-log
 * row commit together.
 * Used by: PUT /api/units/:unit/policy, POST /api/units/:unit/skip | /snooze, podup policy | skip | snooze
 */
import { assertMayTouch } from '../domain/auth/grant.js';
import type { Clock, PolicyOverride, PolicyPatch, Stores, UnitOfWork } from '../domain/ports/index.js';
import { parseAge, parsePolicy, type UpdatePolicy } from '../domain/policies/unit-policy.js';
import { parseWindows } from '../domain/policies/windows.js';
import { parseFutureTime } from '../domain/events/time-filter.js';
import { AppError } from '../errors.js';
import { decidedRow, recorded, type Origin } from './origin.js';

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export interface PolicyChange {
  /** A policy, or null/"default" to drop the override (the unit's labels and the defaults apply again). */
  policy?: UpdatePolicy | 'default' | null | undefined;
  minAge?: string | null | undefined;
  window?: string | null | undefined;
}

export class PolicyService {
  constructor(
    private readonly deps: {
      /** Discovery now (or the last one when it fails). */
      known(): Promise<ReadonlyArray<{ unit: string }>>;
      writes: UnitOfWork;
      clock: Clock;
    },
  ) {}

  /** Only units podup discovered (or PODUP_UNITS names) carry a policy. */
  private async known(unit: string): Promise<string> {
    if (!(await this.deps.known()).some((u) => u.unit === unit))
      throw new AppError('UNKNOWN_UNIT', `not a unit podup knows: ${unit.slice(0, 256)}`, {
        hint: 'see podup units',
      });
    return unit;
  }

  private async record<T>(
    unit: string,
    origin: Origin,
    reason: string,
    write: (s: Stores, now: number) => T,
  ): Promise<T> {
    const now = this.deps.clock.now();
    const decided = { outcome: 'ok' as const, reason: `${unit}: ${reason}`.slice(0, 500) };
    const result = await this.deps.writes.run((s) => {
      const r = write(s, now);
      if (origin.request) s.events.insert(decidedRow(origin.request, decided, 200, now));
      return r;
    });
    recorded(origin.request, decided);
    return result;
  }

  async setPolicy(unit: string, change: PolicyChange, origin: Origin): Promise<PolicyOverride | undefined> {
    await this.known(unit);
    const patch: PolicyPatch = {};
    try {
      if (change.policy !== undefined)
        patch.policy =
          change.policy === null || change.policy === 'default' ? null : parsePolicy(change.policy);
      if (change.minAge !== undefined)
        patch.minAgeMs = change.minAge === null ? null : parseAge(change.minAge);
      if (change.window !== undefined) {
        const text = change.window?.trim() ?? '';
        patch.windows =
          text === ''
            ? null
            : parseWindows(text)
                .map((w) => w.text)
                .join('; ');
      }
    } catch (e) {
      throw new AppError('BAD_REQUEST', (e as Error).message);
    }
    if (Object.keys(patch).length === 0)
      throw new AppError('BAD_REQUEST', 'nothing to change: give a policy, a minimum age or a window');
    const said = Object.entries(patch)
      .map(([k, v]) => `${k} ${v === null ? 'cleared' : String(v)}`)
      .join(', ');
    return this.record(unit, origin, `policy override: ${said}`, (s, now) =>
      s.policies.set(unit, patch, origin.actor, now),
    );
  }

  /** The digest is never applied to the unit; a task waiting for exactly it ends. */
  async skip(unit: string, digest: string, origin: Origin): Promise<{ cancelled: string[] }> {
    assertMayTouch(origin.grant, [unit], 'skip a version of');
    await this.known(unit);
    if (!DIGEST.test(digest))
      throw new AppError('BAD_REQUEST', `"${digest.slice(0, 80)}" is not a sha256:<64 hex> digest`);
    return this.record(unit, origin, `version ${digest} skipped`, (s, now) => {
      s.policies.skip(unit, digest, origin.actor, now);
      const cancelled = s.tasks
        .waitingFor(unit)
        .filter((t) => t.digest === digest && t.units?.length === 1)
        .filter((t) => s.tasks.cancelWaiting(t.id, `version ${digest} skipped by ${origin.actor}`, now))
        .map((t) => t.id);
      for (const id of cancelled) s.journals.log(id, 'info', 'task', `version skipped by ${origin.actor}`);
      return { cancelled };
    });
  }

  /**
   * No update of the unit before `untilText` (ISO 8601, unix ms, or a duration from now such as 2h); null ends
   * a snooze. Resolves with the snooze's end.
   */
  async snooze(unit: string, untilText: string | null, origin: Origin): Promise<number | null> {
    assertMayTouch(origin.grant, [unit], 'snooze');
    await this.known(unit);
    const now = this.deps.clock.now();
    const until = untilText === null ? null : parseFutureTime(untilText, now);
    if (until === undefined)
      throw new AppError(
        'BAD_REQUEST',
        `"${untilText ?? ''}" is not a time (ISO 8601, unix ms) or a duration such as 2h`,
      );
    if (until !== null && until <= now)
      throw new AppError('BAD_REQUEST', 'snooze until a time in the future');
    const what = until === null ? 'snooze ended' : `snoozed until ${new Date(until).toISOString()}`;
    await this.record(unit, origin, what, (s, at) =>
      s.policies.set(unit, { snoozedUntil: until }, origin.actor, at),
    );
    return until;
  }
}
