/** POST /api/v1/maintenance/prune: retention now (also what podup prune uses while the server runs). Admin. */
import type { FastifyInstance } from 'fastify';
import type { PruneReply } from '../../contract/api.js';
import { parsePruneBody, toPruneReply } from '../../contract/prune-body.js';
import { api, type RequireScope } from '../api-paths.js';
import type { Deps } from '../deps.js';

export function maintenanceRoutes(deps: Deps, need: RequireScope) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.post(api('/maintenance/prune'), { preHandler: need('admin') }, async (request): Promise<PruneReply> =>
      toPruneReply(deps.services.prune.prune(parsePruneBody(request.body ?? {}))),
    );
  };
}
