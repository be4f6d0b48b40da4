/**
 * What podup notifies about, each selectable per channel (`?events=failed,rolled-back`). Pure.
 * failed / rolled-back / succeeded: a task ended so (the runner, in the transaction that records the end).
 * degraded: a /readyz part failed for PODUP_NOTIFY_DEGRADED_AFTER (use-cases/health-watch.ts).
 * update-available, approval-needed, check-failed: reached by schedules, policies and approvals (issue 9);
 * their messages are built by messages.ts and queued through NotificationRouting like the others.
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
