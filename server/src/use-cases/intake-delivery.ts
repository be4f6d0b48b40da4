/**
 * Intake a GitHub delivery: verify the signature over the raw bytes, check the headers, decode and
 * interpret the payload, then dedupe, rate-limit and enqueue in one unit of work together with the event-log
 * row, so that an acknowledged delivery and its row are durable before the reply leaves.
 * Used by: POST /webhooks/github, POST /github-package-update/:unit[/redeploy]
 */
import type { Clock, IdSource, TaskQueue, UnitOfWork, WebhookSignatures } from '../domain/ports/index.js';
import type { RatePolicy } from '../domain/rate-limits/gcra.js';
import { toServiceUnit } from '../domain/units/unit-name.js';
import { interpretGitHubEvent } from '../domain/webhooks/github-event.js';
import { intakeDelivery, type IntakeResult } from '../domain/webhooks/intake.js';
import { AppError } from '../errors.js';
import type { FailureLimits } from './failure-limits.js';
import { decidedRow, recorded, type AuditFields, type Origin } from './origin.js';

const DELIVERY = /^[A-Za-z0-9._-]{1,100}$/;
/** GitHub's event names: lower case, digits and underscores (projects_v2_item, ...). */
const EVENT = /^[a-z0-9_]{1,64}$/;
const HOOK_ID = /^\d{1,20}$/;

export interface DeliveryInput {
  /** The body exactly as received. */
  raw: Uint8Array;
  contentType: string | undefined;
  signature: string | undefined;
  event: string | undefined;
  delivery: string | undefined;
  /** X-GitHub-Hook-Id: which webhook configuration sent it. */
  hookId: string | undefined;
  /** The legacy per-unit route's unit (pod-upgrade-trigger's /github-package-update/<unit>). */
  unit?: string | undefined;
}

export interface IntakeSettings {
  imageRateLimit: RatePolicy;
  /** Events for one image within this window of the first become one task. */
  coalesceWindowMs: number;
}

/** The status each outcome is answered with (also the status of its event-log row). */
export const INTAKE_STATUS: Record<IntakeResult['outcome'], number> = {
  accepted: 202,
  duplicate: 200,
  pong: 200,
  ignored: 200,
  recorded: 200,
  'rate-limited': 429,
};

export type Delivered = Exclude<IntakeResult, { outcome: 'rate-limited' }> & {
  delivery: string;
  unit: string | undefined;
};

/** GitHub sends application/json or, when the hook is set to form encoding, payload=<json>. */
function decodePayload(raw: Uint8Array, contentType: string | undefined): unknown {
  let text = new TextDecoder().decode(raw);
  if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new AppError('INVALID_PAYLOAD', 'form-encoded body has no "payload" field');
    text = payload;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    // The parser's message quotes the body; only its position is kept.
    const at = /position \d+/.exec((e as Error).message)?.[0];
    throw new AppError('INVALID_JSON', `body is not valid JSON${at ? ` (at ${at})` : ''}`);
  }
}

export class IntakeService {
  constructor(
    private readonly deps: {
      signatures: WebhookSignatures;
      failures: FailureLimits;
      writes: UnitOfWork;
      queue: TaskQueue;
      clock: Clock;
      ids: IdSource;
      settings: IntakeSettings;
    },
  ) {}

  /** Refuses before the body is read when no secret is configured. */
  assertConfigured(): void {
    if (this.deps.signatures.configured) return;
    throw new AppError('WEBHOOK_SECRET_MISSING', 'webhooks are disabled: no webhook secret is configured', {
      hint: 'set PODUP_GITHUB_WEBHOOK_SECRET (or PODUP_GITHUB_WEBHOOK_SECRET_FILE / the systemd credential github-webhook-secret) to the secret entered in GitHub',
    });
  }

  async deliver(input: DeliveryInput, origin: Origin): Promise<Delivered> {
    this.assertConfigured();
    const verdict = this.deps.signatures.verify(input.raw, input.signature);
    if (verdict !== 'ok') {
      const failure =
        verdict === 'missing'
          ? new AppError(
              'SIGNATURE_MISSING',
              'X-Hub-Signature-256 header missing (set a secret on the GitHub webhook)',
            )
          : new AppError(
              'SIGNATURE_INVALID',
              'X-Hub-Signature-256 does not match the body and the configured secret',
              { hint: 'check that the secret in GitHub equals PODUP_GITHUB_WEBHOOK_SECRET' },
            );
      throw await this.deps.failures.fail('bad-signature', origin.request?.source ?? 'unknown', failure);
    }

    let unit: string | undefined;
    if (input.unit !== undefined) {
      unit = toServiceUnit(input.unit);
      if (!unit)
        throw new AppError(
          'INVALID_UNIT',
          `"${input.unit.slice(0, 100)}" is not a valid systemd service name`,
        );
    }
    const { event, delivery } = input;
    if (!event || !EVENT.test(event))
      throw new AppError('MISSING_HEADER', 'X-GitHub-Event header missing or malformed');
    if (!delivery || !DELIVERY.test(delivery))
      throw new AppError('MISSING_HEADER', 'X-GitHub-Delivery header missing or malformed');
    const fields = origin.request?.fields;
    if (fields) {
      fields.event = event;
      fields.delivery = delivery;
      // The signature vouched for GitHub.
      fields.actor = 'github';
    }

    const meaning = interpretGitHubEvent(event, decodePayload(input.raw, input.contentType));
    if (fields && meaning.kind !== 'ping') fields.action = meaning.action;
    const caller = input.hookId && HOOK_ID.test(input.hookId) ? `github hook ${input.hookId}` : 'github';

    const { clock, ids, settings } = this.deps;
    const trace = origin.request;
    const { r: result, decided } = await this.deps.writes.run((s) => {
      const r = intakeDelivery(
        s,
        { delivery, event, meaning, unit, caller },
        { clock, ids, imageRateLimit: settings.imageRateLimit, coalesceWindowMs: settings.coalesceWindowMs },
      );
      const d = describe(r, settings.imageRateLimit);
      if (trace) s.events.insert(decidedRow(trace, d, INTAKE_STATUS[r.outcome], clock.now()));
      return { r, decided: d };
    });
    recorded(trace, decided);

    if (result.outcome === 'rate-limited') {
      throw new AppError('RATE_LIMITED', `too many events for ${result.image}; try again later`, {
        retryAfterSec: result.retryAfterMs / 1000,
      });
    }
    if (result.outcome === 'accepted' && !result.coalesced) this.deps.queue.poke(settings.coalesceWindowMs);
    return { ...result, delivery, unit };
  }
}

function describe(r: IntakeResult, limit: RatePolicy): AuditFields {
  const fields: AuditFields = { outcome: r.outcome };
  if (r.outcome === 'accepted') fields.taskId = r.taskId;
  if (r.outcome === 'duplicate') fields.taskId = r.original.taskId ?? undefined;
  if ('image' in r) fields.image = r.image;
  if (r.outcome === 'ignored' || r.outcome === 'recorded') fields.reason = r.reason;
  if (r.outcome === 'rate-limited')
    fields.reason = `image rate limit (${limit.limit} per ${limit.windowMs / 1000}s)`;
  if (r.outcome === 'accepted' && r.coalesced) fields.reason = 'joined a queued task for the same image';
  return fields;
}
