/**
 * The decision for one verified delivery: duplicate, ping, ignored, recorded (untagged), rate-limited or
 * accepted into a queued task. Runs synchronously inside the caller's unit of work so that the dedupe row,
 * the rate-limit state, the task and the event row commit together before the reply is sent.
 *
 * Used by: use-cases/intake-delivery.ts
 */
import { imageName, taggedRef } from '../images/image-ref.js';
import type { Clock, DeliveryRecord, IdSource, Stores } from '../ports/index.js';
import { gcraHit, rateLimitDisabled, type RatePolicy } from '../rate-limits/gcra.js';
import { queuedTask, type TaskRecord } from '../tasks/task.js';
import type { GitHubEventMeaning } from './github-event.js';

export const IMAGE_RATE_SCOPE = 'image';

export interface IntakeInput {
  delivery: string;
  event: string;
  meaning: GitHubEventMeaning;
  /** Set by the legacy per-unit route: only this unit may be updated. */
  unit?: string | undefined;
  caller?: string | undefined;
}

export interface IntakeDeps {
  clock: Clock;
  ids: IdSource;
  imageRateLimit: RatePolicy;
  /** Events for one image within this window of the first become one task. */
  coalesceWindowMs: number;
}

export type IntakeResult =
  | { outcome: 'duplicate'; original: DeliveryRecord }
  | { outcome: 'pong'; zen: string | undefined }
  | { outcome: 'ignored'; reason: string; action: string | undefined }
  | { outcome: 'recorded'; reason: string; image: string }
  | { outcome: 'rate-limited'; image: string; retryAfterMs: number }
  | { outcome: 'accepted'; taskId: string; coalesced: boolean; image: string };

/** The stores one intake decision reads and writes, inside the caller's unit of work. */
export type IntakeStores = Pick<Stores, 'deliveries' | 'rateLimits' | 'tasks'>;

export function intakeDelivery(tx: IntakeStores, input: IntakeInput, deps: IntakeDeps): IntakeResult {
  const now = deps.clock.now();
  const original = tx.deliveries.find(input.delivery);
  if (original) return { outcome: 'duplicate', original };

  const { meaning } = input;
  const remember = (outcome: string, extra: Partial<DeliveryRecord> = {}): void =>
    tx.deliveries.save({
      delivery: input.delivery,
      receivedAt: now,
      event: input.event,
      action: meaning.kind === 'ping' ? null : (meaning.action ?? null),
      image: null,
      outcome,
      reason: null,
      taskId: null,
      ...extra,
    });

  switch (meaning.kind) {
    case 'ping':
      remember('pong');
      return { outcome: 'pong', zen: meaning.zen };
    case 'ignored':
      remember('ignored', { reason: meaning.reason });
      return { outcome: 'ignored', reason: meaning.reason, action: meaning.action };
    case 'untagged': {
      const reason = 'untagged manifest (one of the per-platform or attestation manifests of a push)';
      const image = `${imageName(meaning.image)}@${meaning.image.digest ?? ''}`;
      remember('recorded', { image, reason });
      return { outcome: 'recorded', reason, image };
    }
    case 'published':
      break;
  }

  const image = taggedRef(meaning.image);
  if (!rateLimitDisabled(deps.imageRateLimit)) {
    const key = imageName(meaning.image);
    const decision = gcraHit(deps.imageRateLimit, tx.rateLimits.tat(IMAGE_RATE_SCOPE, key), now);
    // A refused delivery is not remembered: GitHub's "redeliver" must be evaluated again later.
    if (!decision.allowed) return { outcome: 'rate-limited', image, retryAfterMs: decision.retryAfterMs };
    tx.rateLimits.setTat(IMAGE_RATE_SCOPE, key, decision.tat);
  }

  const units = input.unit ? [input.unit] : null;
  // A second event for an image whose task has not started yet (the other event type of the same push, a
  // re-push, another tag of one digest) joins that task instead of queueing a second pull and restart.
  const queued = tx.tasks.queuedFor(image, units);
  if (queued !== undefined) {
    // The task pulls the tag when it runs, so it shows where the newest push came from.
    if (meaning.source) tx.tasks.setSource(queued, meaning.source);
    remember('accepted', { image, taskId: queued });
    return { outcome: 'accepted', taskId: queued, coalesced: true, image };
  }
  const task: TaskRecord = queuedTask({
    id: deps.ids.taskId(),
    kind: 'image-update',
    status: 'queued',
    image,
    units,
    trigger: 'webhook',
    delivery: input.delivery,
    // The signature is the credential: the hook it names is who acts.
    actor: input.caller ?? null,
    caller: input.caller ?? null,
    reason: `${input.event} published ${meaning.image.tag ?? ''}@${meaning.image.digest ?? ''}`,
    createdAt: now,
    updatedAt: now,
    startedAt: null,
    finishedAt: null,
    notBefore: now + deps.coalesceWindowMs,
    source: meaning.source,
  });
  tx.tasks.create(task);
  remember('accepted', { image, taskId: task.id });
  return { outcome: 'accepted', taskId: task.id, coalesced: false, image };
}
