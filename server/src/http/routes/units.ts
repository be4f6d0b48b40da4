/** GET /api/units: the discovered units, what they run, and whether the registry has something newer (admin). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { UnitsReply } from '../contract.js';
import { toApiUnit } from '../views.js';

export function unitRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/api/units', { preHandler: adminGuard }, async (): Promise<UnitsReply> => {
      const known = await deps.units.discover();
      const stored = new Map(deps.stores.units.all().map((u) => [u.unit, u]));
      const statuses = await deps.units.statuses(known);
      return { units: statuses.map((s) => toApiUnit(s, stored.get(s.unit))) };
    });
  };
}
