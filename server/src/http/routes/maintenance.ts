/** POST /api/maintenance/prune: retention now (also what podup prune uses while the server runs). Admin. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PruneReply } from '../../contract/api.js';
import { parsePruneBody, toPruneReply } from '../../contract/prune-body.js';
import type { Deps } from '../deps.js';

export function maintenanceRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.post('/api/maintenance/prune', { preHandler: adminGuard }, async (request): Promise<PruneReply> =>
      toPruneReply(deps.services.prune.prune(parsePruneBody(request.body ?? {}))),
    );
  };
}
