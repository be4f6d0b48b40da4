/**
 * What podup notifies about, each selectable per channel (`?events=failed,rolled-back`). Pure.
 * failed / rolled-back / succeeded: a task ended so (the runner, in the transaction that records the end).
 * degraded: a /readyz part failed for PODUP_NOTIFY_DEGRADED_AFTER (use-cases/health-watch.ts).
 * approval-needed: a task parks awaiting approval (the runner's policy gate, with the park or the split task).
 * update-available: a notify unit's new digest is recorded (the gate's unit row, a check's record), once per
 * unit and digest. check-failed: a run of a check schedule fails (use-cases/scheduler.ts, with its result).
 * All through PolicyNotices (policy-notices.ts) in the transaction of the change, like the others.
 */
export const NOTIFY_EVENTS = [
  'failed',
  'rolled-back',
  'succeeded',
  'update-available',
  'approval-needed',
  'check-failed',
  'degraded',
] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** A channel that names no events gets these: everything but successes, which would drown the rest. */
export const DEFAULT_EVENTS: readonly NotifyEvent[] = NOTIFY_EVENTS.filter((e) => e !== 'succeeded');

/** "send a test" from the panel or API: only to the channel it was asked for, never selectable. */
export type MessageEvent = NotifyEvent | 'test';

export const isNotifyEvent = (e: string): e is NotifyEvent =>
  (NOTIFY_EVENTS as readonly string[]).includes(e);
