/**
 * POST /auto-update: pod-upgrade-trigger's bot endpoint, kept for the bots and scripts that call it. It updates
 * every unit the token may trigger (trigger-all), and says it is deprecated (Deprecation, RFC 9745; its
 * successor in Link): new callers use POST /api/v1/tasks {"all": true}. The token comes as
 * `Authorization: Bearer`, the old `X-Podup-Token` header or `?token=` (never recorded: rows and log lines name
 * the route, not the URL): an API token with the trigger scope, or the admin token. Idempotency-Key as on
 * POST /api/v1/tasks.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TriggerReply } from '../../contract/api.js';
import { toTriggerReply } from '../../contract/views.js';
import { AppError } from '../../errors.js';
import type { AdminAuth } from '../admin-auth.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';
import { idempotencyOf, markReplay } from '../idempotency-key.js';

/** When /auto-update became deprecated (this release): Deprecation's structured-field date, unix seconds. */
const DEPRECATED_AT = Date.UTC(2025, 6, 1) / 1000;

function tokenOf(request: FastifyRequest): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(String(request.headers.authorization ?? ''))?.[1];
  const header = request.headers['x-podup-token'];
  const query = (request.query as Record<string, unknown> | undefined)?.token;
  return (
    bearer ?? (Array.isArray(header) ? header[0] : header) ?? (typeof query === 'string' ? query : undefined)
  );
}

const deprecation = (reply: FastifyReply): FastifyReply =>
  reply
    .header('deprecation', `@${DEPRECATED_AT}`)
    .header('link', '</api/v1/tasks>; rel="successor-version", </api/v1/openapi.json>; rel="deprecation"');

export function legacyAutoUpdateRoutes(deps: Deps, auth: AdminAuth) {
  let warned = false;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.post('/auto-update', async (request, reply): Promise<TriggerReply> => {
      deprecation(reply);
      const token = tokenOf(request);
      if (!token)
        throw new AppError(
          'UNAUTHORIZED',
          'send the token as Authorization: Bearer <token> (or X-Podup-Token)',
          {
            headers: { 'www-authenticate': 'Bearer realm="podup"' },
          },
        );
      auth.admit(request, await auth.bearer(request, token), 'trigger');
      if (!warned) {
        warned = true;
        deps.logger.warn(
          { actor: request.auth.grant?.name },
          'deprecated POST /auto-update was called; use POST /api/v1/tasks {"all": true}',
        );
      }
      request.audit.reason = 'deprecated /auto-update: trigger-all';
      const result = await deps.services.trigger.trigger(
        { all: true, trigger: 'api', caller: 'POST /auto-update', idempotency: idempotencyOf(request) },
        originOf(request),
      );
      markReplay(reply, result);
      reply.code(202);
      return toTriggerReply(result);
    });
    app.route({
      method: ['GET', 'PUT', 'DELETE', 'PATCH'],
      url: '/auto-update',
      exposeHeadRoute: false,
      handler: async () => {
        throw new AppError('METHOD_NOT_ALLOWED', '/auto-update accepts POST only', {
          headers: { allow: 'POST' },
        });
      },
    });
  };
}
