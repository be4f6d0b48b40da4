/**
 * POST /webhooks/github: one URL for a whole GitHub org or repo.
 * POST /github-package-update/:unit[/redeploy]: the per-unit URL of pod-upgrade-trigger, kept for existing hooks.
 *
 * Order of checks (octokit/webhooks): secret configured (503) and source not blocked (429) before the body
 * is read; media type (415) and size (413) while reading; signature over the raw bytes (401); headers (400);
 * JSON (400); then dedupe, rate limit and enqueue in one transaction, answered 202 well within GitHub's 10 s.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { verifySignature } from '../../adapters/github/webhook-signature.js';
import type { Deps } from '../../deps.js';
import { interpretGitHubEvent } from '../../domain/webhooks/github-event.js';
import { intakeDelivery, type IntakeResult } from '../../domain/webhooks/intake.js';
import { toServiceUnit } from '../../domain/units/unit-name.js';
import { AppError } from '../../errors.js';
import type { WebhookReply } from '../contract.js';
import { eventRowFor } from '../audit.js';
import { FailureLimiter } from '../failure-limiter.js';

const DELIVERY = /^[A-Za-z0-9._-]{1,100}$/;
const EVENT = /^[a-z_]{1,64}$/;
const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const HOOK_ID = /^\d{1,20}$/;

/** Who sent the event, for the task record: GitHub's hook id identifies the webhook configuration. */
function callerOf(request: FastifyRequest): string {
  const hook = header(request, 'x-github-hook-id');
  return hook && HOOK_ID.test(hook) ? `github hook ${hook}` : 'github';
}

/** GitHub sends application/json or, when the hook is set to form encoding, payload=<json>. */
function decodePayload(raw: Buffer, contentType: string | undefined): unknown {
  let text = raw.toString('utf8');
  if ((contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    const payload = new URLSearchParams(text).get('payload');
    if (payload === null) throw new AppError('INVALID_PAYLOAD', 'form-encoded body has no "payload" field');
    text = payload;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError('INVALID_JSON', `body is not valid JSON: ${(e as Error).message.slice(0, 200)}`);
  }
}

function replyFor(
  result: IntakeResult,
  delivery: string,
  unit: string | undefined,
): { status: number; body: WebhookReply } {
  switch (result.outcome) {
    case 'accepted':
      return {
        status: 202,
        body: {
          status: 'accepted',
          duplicate: false,
          delivery,
          taskId: result.task.id,
          image: result.image,
          coalesced: result.coalesced,
          ...(unit ? { unit } : {}),
        },
      };
    case 'duplicate':
      return {
        status: 200,
        body: {
          status: 'duplicate',
          duplicate: true,
          delivery,
          taskId: result.original.taskId,
          firstOutcome: result.original.outcome,
          firstSeen: new Date(result.original.receivedAt).toISOString(),
        },
      };
    case 'pong':
      return {
        status: 200,
        body: { status: 'pong', duplicate: false, delivery, ...(result.zen ? { zen: result.zen } : {}) },
      };
    case 'ignored':
      return { status: 200, body: { status: 'ignored', duplicate: false, delivery, reason: result.reason } };
    case 'recorded':
      return {
        status: 200,
        body: { status: 'recorded', duplicate: false, delivery, reason: result.reason, image: result.image },
      };
    case 'rate-limited':
      return { status: 429, body: undefined as never };
  }
}

export function webhookRoutes(deps: Deps) {
  const { config, stores, clock, ids } = deps;
  const badSignatures = new FailureLimiter('bad-signature', config.badSignatureRateLimit, deps);
  const intakeDeps = {
    clock,
    ids,
    imageRateLimit: config.imageRateLimit,
    coalesceWindowMs: config.coalesceWindowMs,
  };

  return async function plugin(app: FastifyInstance): Promise<void> {
    // Raw bytes for the HMAC; only GitHub's two media types are accepted (anything else: 415).
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(
      ['application/json', 'application/x-www-form-urlencoded'],
      { parseAs: 'buffer' },
      (_req, body, done) => done(null, body),
    );

    app.addHook('preParsing', async (request, reply) => {
      if (request.method !== 'POST') return;
      if (!config.webhookSecret) {
        reply.header('connection', 'close');
        throw new AppError(
          'WEBHOOK_SECRET_MISSING',
          'webhooks are disabled: no webhook secret is configured',
          {
            hint: 'set PODUP_GITHUB_WEBHOOK_SECRET (or PODUP_GITHUB_WEBHOOK_SECRET_FILE / the systemd credential github-webhook-secret) to the secret entered in GitHub',
          },
        );
      }
      try {
        badSignatures.assertNotBlocked(request.ip);
      } catch (e) {
        reply.header('connection', 'close');
        throw e;
      }
    });

    const handle = async (
      request: FastifyRequest,
      reply: FastifyReply,
      unitParam?: string,
    ): Promise<FastifyReply> => {
      const secret = config.webhookSecret ?? '';
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const verdict = verifySignature(secret, raw, header(request, 'x-hub-signature-256'));
      if (verdict !== 'ok') {
        await badSignatures.recordFailure(request.ip);
        throw verdict === 'missing'
          ? new AppError(
              'SIGNATURE_MISSING',
              'X-Hub-Signature-256 header missing (set a secret on the GitHub webhook)',
            )
          : new AppError(
              'SIGNATURE_INVALID',
              'X-Hub-Signature-256 does not match the body and the configured secret',
            );
      }

      let unit: string | undefined;
      if (unitParam !== undefined) {
        unit = toServiceUnit(unitParam);
        if (!unit)
          throw new AppError(
            'INVALID_UNIT',
            `"${unitParam.slice(0, 100)}" is not a valid systemd service name`,
          );
      }
      const event = header(request, 'x-github-event');
      const delivery = header(request, 'x-github-delivery');
      if (!event || !EVENT.test(event))
        throw new AppError('MISSING_HEADER', 'X-GitHub-Event header missing or malformed');
      if (!delivery || !DELIVERY.test(delivery)) {
        throw new AppError('MISSING_HEADER', 'X-GitHub-Delivery header missing or malformed');
      }
      request.audit.event = event;
      request.audit.delivery = delivery;

      const meaning = interpretGitHubEvent(event, decodePayload(raw, header(request, 'content-type')));
      if (meaning.kind !== 'ping') request.audit.action = meaning.action;

      const result = await stores.writes.run((tx) => {
        const r = intakeDelivery(
          tx,
          { delivery, event, meaning, unit, caller: callerOf(request) },
          intakeDeps,
        );
        const audit = request.audit;
        audit.outcome = r.outcome;
        if (r.outcome === 'accepted') audit.taskId = r.task.id;
        if (r.outcome === 'duplicate') audit.taskId = r.original.taskId ?? undefined;
        if ('image' in r) audit.image = r.image;
        if (r.outcome === 'ignored' || r.outcome === 'recorded') audit.reason = r.reason;
        if (r.outcome === 'rate-limited')
          audit.reason = `image rate limit (${config.imageRateLimit.limit} per ${config.imageRateLimit.windowMs / 1000}s)`;
        if (r.outcome === 'accepted' && r.coalesced) audit.reason = 'joined a queued task for the same image';
        const status = r.outcome === 'rate-limited' ? 429 : r.outcome === 'accepted' ? 202 : 200;
        tx.recordEvent(eventRowFor(request, status, clock.now()));
        return r;
      });
      request.audited = true;

      if (result.outcome === 'rate-limited') {
        throw new AppError('RATE_LIMITED', `too many events for ${result.image}; try again later`, {
          retryAfterSec: result.retryAfterMs / 1000,
        });
      }
      if (result.outcome === 'accepted' && !result.coalesced) deps.runner.poke(config.coalesceWindowMs);
      const { status, body } = replyFor(result, delivery, unit);
      return reply.code(status).send(body);
    };

    const methodNotAllowed = async (): Promise<never> => {
      throw new AppError('METHOD_NOT_ALLOWED', 'webhook endpoints accept POST only', {
        headers: { allow: 'POST' },
      });
    };

    const opts = { bodyLimit: config.webhookBodyLimit };
    app.post('/webhooks/github', opts, (request, reply) => handle(request, reply));
    app.post<{ Params: { unit: string } }>('/github-package-update/:unit', opts, (request, reply) =>
      handle(request, reply, request.params.unit),
    );
    app.post<{ Params: { unit: string } }>('/github-package-update/:unit/redeploy', opts, (request, reply) =>
      handle(request, reply, request.params.unit),
    );
    for (const url of [
      '/webhooks/github',
      '/github-package-update/:unit',
      '/github-package-update/:unit/redeploy',
    ]) {
      app.route({ method: [...OTHER_METHODS], url, handler: methodNotAllowed, exposeHeadRoute: false });
    }
  };
}
