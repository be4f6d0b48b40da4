/**
 * The notifications of update policies and schedules, each queued inside the transaction of the state change
 * that causes it (the outbox), like a task's end: approval-needed when a task parks awaiting approval,
 * update-available when a notify unit's new digest is recorded, check-failed when a scheduled check run fails.
 * Pure.
 */
import type { MetaStore } from '../ports/index.js';
import type { TaskRecord } from '../tasks/task.js';
import {
  approvalNeededMessage,
  checkFailedMessage,
  updateAvailableMessage,
  type AvailableUpdate,
  type PanelLinks,
  type WaitingUnit,
} from './message.js';
import type { NotificationRouting, RoutingStores } from './routing.js';

export type PolicyNoticeStores = RoutingStores & { meta: Pick<MetaStore, 'get' | 'set'> };

/**
 * The digests already announced per unit, kept apart from the outbox: outbox rows are pruned after the event
 * retention, while a notify unit sees the same digest at every check until it is applied, for months maybe.
 */
const announcedKey = (unit: string) => `notified:update-available:${unit}`;
/** Enough to ride out a tag that moves back and forth; one row per unit stays small. */
const ANNOUNCED_KEPT = 10;

function announced(stores: PolicyNoticeStores, unit: string): string[] {
  try {
    const v: unknown = JSON.parse(stores.meta.get(announcedKey(unit)) ?? '[]');
    return Array.isArray(v) ? v.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    return [];
  }
}

export class PolicyNotices {
  constructor(
    private readonly routing: NotificationRouting,
    private readonly links: PanelLinks,
    private readonly queue: { poke(): void },
  ) {}

  /** `task` as it now waits (its units and digest); true when something was queued. */
  approvalNeeded(
    stores: RoutingStores,
    task: TaskRecord,
    units: readonly WaitingUnit[],
    why: string,
    at: number,
  ): boolean {
    return this.routing.enqueue(stores, approvalNeededMessage(task, units, why, at, this.links), at);
  }

  /**
   * Once per unit and digest, whichever path recorded it first (a check, a webhook's task): the digest is
   * marked announced even when no channel listens, so a channel added later is not sent old news.
   */
  updateAvailable(stores: PolicyNoticeStores, update: AvailableUpdate, at: number): boolean {
    const seen = announced(stores, update.unit);
    if (seen.includes(update.registryDigest)) return false;
    stores.meta.set(
      announcedKey(update.unit),
      JSON.stringify([update.registryDigest, ...seen].slice(0, ANNOUNCED_KEPT)),
    );
    return this.routing.enqueue(stores, updateAvailableMessage(update, at, this.links), at);
  }

  /** `runId` tells the runs of one schedule apart (its start time). */
  checkFailed(
    stores: RoutingStores,
    schedule: { name: string; units: readonly string[] | null },
    runId: string,
    error: string,
    at: number,
  ): boolean {
    return this.routing.enqueue(
      stores,
      checkFailedMessage(schedule.name, runId, schedule.units, error, at, this.links),
      at,
    );
  }

  /** After the commit: deliver now rather than at the next poll. */
  poke(): void {
    this.queue.poke();
  }
}
