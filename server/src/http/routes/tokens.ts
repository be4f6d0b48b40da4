/**
 * GET /api/v1/tokens (list: never a token's plain text), POST /api/v1/tokens (create: the plain text is in this
 * answer and nowhere else), DELETE /api/v1/tokens/:name (revoke: the next request with it is refused). Admin.
 */
import type { FastifyInstance } from 'fastify';
import type { CreatedToken, TokensReply } from '../../contract/api.js';
import { parseTokenBody } from '../../contract/token-body.js';
import { toApiToken } from '../../contract/views.js';
import { api, type RequireScope } from '../api-paths.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';

export function tokenRoutes(deps: Deps, need: RequireScope) {
  const { tokens } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', need('admin'));

    const tokensPath = api('/tokens');
    app.get(tokensPath, async (): Promise<TokensReply> => ({ tokens: tokens.list().map(toApiToken) }));

    app.post(tokensPath, async (request, reply): Promise<CreatedToken> => {
      const { token, record } = await tokens.create(parseTokenBody(request.body ?? {}), originOf(request));
      // The one answer that holds a secret: no cache may keep it.
      reply.code(201).header('cache-control', 'no-store');
      return { ...toApiToken(record), token };
    });

    app.delete<{ Params: { name: string } }>(api('/tokens/:name'), async (request, reply) => {
      await tokens.revoke(request.params.name, originOf(request));
      return reply.code(204).send();
    });
  };
}
