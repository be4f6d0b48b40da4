/**
 * A notification as podup writes it into the outbox and every channel renders it: what happened to which
 * unit, why, the digests before and after, and a link to the task in the panel. The dedup key is the same on
 * every channel and every retry, so a receiver can drop a message it already has. Pure.
 */
import type { TaskRecord, TaskStatus } from '../tasks/task.js';
import type { TaskUnitRow } from '../ports/index.js';
import type { MessageEvent, NotifyEvent } from './events.js';

export type Severity = 'info' | 'warning' | 'error';

export interface MessageUnit {
  unit: string;
  status: string;
  image: string | null;
  digestBefore: string | null;
  digestAfter: string | null;
  reason: string | null;
}

export interface NotificationMessage {
  event: MessageEvent;
  /** The same for every channel and retry: `failed:tsk_...`, `degraded:podman:<since>`. */
  dedupKey: string;
  /** ISO time of the state change. */
  time: string;
  severity: Severity;
  /** One line: "web-app.service: update failed". */
  title: string;
  /** Plain text, a few lines: what, why, digests, link. */
  text: string;
  taskId: string | null;
  /** The task (or page) in the panel; null without PODUP_PUBLIC_URL. */
  link: string | null;
  units: MessageUnit[];
}

/** Where the panel is, to link tasks: PODUP_PUBLIC_URL (no link without it: a guessed host would mislead). */
export interface PanelLinks {
  task(taskId: string): string | null;
  page(path: string): string | null;
}

export const panelLinks = (publicUrl: string | undefined): PanelLinks => ({
  task: (id) => (publicUrl ? `${publicUrl}/tasks?task=${encodeURIComponent(id)}` : null),
  page: (path) => (publicUrl ? `${publicUrl}${path}` : null),
});

const short = (digest: string | null): string => (digest ? digest.replace(/^sha256:/, '').slice(0, 12) : '-');

/** The event a task's end notifies, or undefined when it notifies nothing (cancelled, skipped, requeued). */
export function eventOfTaskEnd(status: TaskStatus): NotifyEvent | undefined {
  if (status === 'failed' || status === 'interrupted') return 'failed';
  if (status === 'rolled-back') return 'rolled-back';
  if (status === 'succeeded') return 'succeeded';
  return undefined;
}

const VERB: Record<string, string> = {
  failed: 'update failed',
  'rolled-back': 'rolled back',
  succeeded: 'updated',
};

export function taskEndedMessage(
  task: TaskRecord,
  status: TaskStatus,
  summary: string,
  units: readonly TaskUnitRow[],
  at: number,
  links: PanelLinks,
): NotificationMessage | undefined {
  const event = eventOfTaskEnd(status);
  if (!event) return undefined;
  const target =
    units.length > 0 ? units.map((u) => u.unit).join(', ') : (task.units?.join(', ') ?? task.image);
  const lines = [
    `${target ?? 'task'}: ${VERB[event] ?? event}${status === 'interrupted' ? ' (interrupted twice)' : ''}`,
    `why: ${summary}`,
    ...units.map(
      (u) =>
        `${u.unit}: ${u.status}, ${short(u.digestBefore)} -> ${short(u.digestAfter)}${u.reason ? ` (${u.reason})` : ''}`,
    ),
    `task ${task.id}, ${task.trigger}${task.actor ? ` by ${task.actor}` : ''}${task.image ? `, image ${task.image}` : ''}`,
  ];
  const link = links.task(task.id);
  if (link) lines.push(link);
  return {
    event,
    dedupKey: `${event}:${task.id}`,
    time: new Date(at).toISOString(),
    severity: event === 'failed' ? 'error' : event === 'rolled-back' ? 'warning' : 'info',
    title: `${target ?? task.id}: ${VERB[event] ?? event}`,
    text: lines.join('\n'),
    taskId: task.id,
    link,
    units: units.map((u) => ({
      unit: u.unit,
      status: u.status,
      image: u.image,
      digestBefore: u.digestBefore,
      digestAfter: u.digestAfter,
      reason: u.reason,
    })),
  };
}

/** A /readyz part that has been failing since `since`. */
export function degradedMessage(
  part: string,
  detail: string,
  since: number,
  at: number,
  links: PanelLinks,
): NotificationMessage {
  const link = links.page('/');
  return {
    event: 'degraded',
    dedupKey: `degraded:${part}:${since}`,
    time: new Date(at).toISOString(),
    severity: 'error',
    title: `podup degraded: ${part} is down`,
    text: [
      `${part} has failed its readiness check since ${new Date(since).toISOString()}`,
      `why: ${detail}`,
      ...(link ? [link] : []),
    ].join('\n'),
    taskId: null,
    link,
    units: [],
  };
}

/** A unit held by policy notify: what runs, what the registry has, and why nothing is applied. */
export interface AvailableUpdate {
  unit: string;
  image: string | null;
  runningDigest: string | null;
  registryDigest: string;
  why: string;
}

/** The registry has a newer digest for a unit that is not updated by itself (policy notify). */
export function updateAvailableMessage(
  u: AvailableUpdate,
  at: number,
  links: PanelLinks,
): NotificationMessage {
  const link = links.page('/units');
  return {
    event: 'update-available',
    dedupKey: `update-available:${u.unit}:${u.registryDigest}`,
    time: new Date(at).toISOString(),
    severity: 'info',
    title: `${u.unit}: update available`,
    text: [
      `${u.unit} runs ${short(u.runningDigest)}; the registry has ${u.registryDigest}${u.image ? ` for ${u.image}` : ''}`,
      `why: ${u.why}`,
      ...(link ? [link] : []),
    ].join('\n'),
    taskId: null,
    link,
    units: [
      {
        unit: u.unit,
        status: 'update-available',
        image: u.image,
        digestBefore: u.runningDigest,
        digestAfter: u.registryDigest,
        reason: u.why,
      },
    ],
  };
}

/** A unit of a task that waits for approval: what it runs and the digest it would move to. */
export interface WaitingUnit {
  unit: string;
  image: string | null;
  runningDigest: string | null;
}

/** A task waits for someone with the approve scope; the key is the task's, so a task asks once. */
export function approvalNeededMessage(
  task: TaskRecord,
  units: readonly WaitingUnit[],
  why: string,
  at: number,
  links: PanelLinks,
): NotificationMessage {
  const link = links.task(task.id);
  const target = task.units?.join(', ') ?? task.image ?? task.id;
  return {
    event: 'approval-needed',
    dedupKey: `approval-needed:${task.id}`,
    time: new Date(at).toISOString(),
    severity: 'warning',
    title: `${target}: approval needed`,
    text: [
      `${target}: waits for approval to move to ${task.digest ?? 'a new digest'}`,
      `why: ${why}`,
      ...units.map((u) => `${u.unit}: ${short(u.runningDigest)} -> ${short(task.digest)}`),
      `task ${task.id}, ${task.trigger}${task.image ? `, image ${task.image}` : ''}`,
      ...(link ? [link] : []),
    ].join('\n'),
    taskId: task.id,
    link,
    units: units.map((u) => ({
      unit: u.unit,
      status: 'awaiting-approval',
      image: u.image,
      digestBefore: u.runningDigest,
      digestAfter: task.digest,
      reason: why,
    })),
  };
}

/** A scheduled registry check could not run; `runId` makes each run's key its own. */
export function checkFailedMessage(
  schedule: string,
  runId: string,
  units: readonly string[] | null,
  error: string,
  at: number,
  links: PanelLinks,
): NotificationMessage {
  const link = links.page('/schedules');
  const which = units?.length ? units.join(', ') : 'every managed unit';
  return {
    event: 'check-failed',
    dedupKey: `check-failed:${schedule}:${runId}`,
    time: new Date(at).toISOString(),
    severity: 'warning',
    title: `scheduled check ${schedule} failed`,
    text: [
      `the scheduled check ${schedule} of ${which} failed: nothing is known of new digests`,
      `why: ${error}`,
      ...(link ? [link] : []),
    ].join('\n'),
    taskId: null,
    link,
    units: (units ?? []).map((unit) => ({
      unit,
      status: 'unknown',
      image: null,
      digestBefore: null,
      digestAfter: null,
      reason: error,
    })),
  };
}

/** "send a test": the key is unique per request, so each test is delivered. */
export function testMessage(
  channelName: string,
  nonce: string,
  at: number,
  links: PanelLinks,
): NotificationMessage {
  const link = links.page('/notifications');
  return {
    event: 'test',
    dedupKey: `test:${nonce}`,
    time: new Date(at).toISOString(),
    severity: 'info',
    title: 'podup test notification',
    text: [
      `a test of channel ${channelName}: if you read this, podup reaches it`,
      ...(link ? [link] : []),
    ].join('\n'),
    taskId: null,
    link,
    units: [],
  };
}
