/**
 * POST /webhooks/github: one URL for a whole GitHub org or repo.
 * POST /github-package-update/:unit[/redeploy]: the per-unit URL of pod-upgrade-trigger, kept for existing hooks.
 *
 * Order of checks (octokit/webhooks): secret configured (503) before the body is read; media type (415) and
 * size (413) while reading; then the intake use case: signature over the raw bytes (401, or 429 for a source
 * that keeps failing), headers (400), JSON (400), then dedupe, rate limit and enqueue in one unit of work,
 * answered 202 well within GitHub's 10 s.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebhookReply } from '../../contract/api.js';
import { AppError } from '../../errors.js';
import { INTAKE_STATUS, type Delivered } from '../../use-cases/intake-delivery.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';

const OTHER_METHODS = ['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function replyBody(d: Delivered): WebhookReply {
  const { delivery, unit } = d;
  switch (d.outcome) {
    case 'accepted':
      return {
        status: 'accepted',
        duplicate: false,
        delivery,
        taskId: d.taskId,
        image: d.image,
        coalesced: d.coalesced,
        ...(unit ? { unit } : {}),
      };
    case 'duplicate':
      return {
        status: 'duplicate',
        duplicate: true,
        delivery,
        taskId: d.original.taskId,
        firstOutcome: d.original.outcome,
        firstSeen: new Date(d.original.receivedAt).toISOString(),
      };
    case 'pong':
      return { status: 'pong', duplicate: false, delivery, ...(d.zen ? { zen: d.zen } : {}) };
    case 'ignored':
      return { status: 'ignored', duplicate: false, delivery, reason: d.reason };
    case 'recorded':
      return { status: 'recorded', duplicate: false, delivery, reason: d.reason, image: d.image };
  }
}

export function webhookRoutes(deps: Deps) {
  const { intake } = deps.services;

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
      try {
        intake.assertConfigured();
      } catch (e) {
        reply.header('connection', 'close');
        throw e;
      }
    });

    const handle = async (request: FastifyRequest, reply: FastifyReply, unit?: string) => {
      const delivered = await intake.deliver(
        {
          raw: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          contentType: header(request, 'content-type'),
          signature: header(request, 'x-hub-signature-256'),
          event: header(request, 'x-github-event'),
          delivery: header(request, 'x-github-delivery'),
          hookId: header(request, 'x-github-hook-id'),
          unit,
        },
        originOf(request, 'github'),
      );
      return reply.code(INTAKE_STATUS[delivered.outcome]).send(replyBody(delivered));
    };

    const methodNotAllowed = async (): Promise<never> => {
      throw new AppError('METHOD_NOT_ALLOWED', 'webhook endpoints accept POST only', {
        headers: { allow: 'POST' },
      });
    };

    const opts = { bodyLimit: deps.config.webhookBodyLimit };
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
