/**
 * GET /api/units: the discovered units, what they run, and whether the registry has something newer.
 * POST /api/units/:unit/update: trigger one unit. Admin only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { UpdateUnitBody, type TriggerReply, type UnitsReply } from '../../contract/api.js';
import { toApiUnit, toTriggerReply } from '../../contract/views.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';
import { parseInput } from '../../contract/parse.js';

export function unitRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  const { units, trigger } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', adminGuard);

    app.get('/api/units', async (): Promise<UnitsReply> => ({ units: (await units.list()).map(toApiUnit) }));

    app.post<{ Params: { unit: string } }>(
      '/api/units/:unit/update',
      async (request, reply): Promise<TriggerReply> => {
        const body = parseInput(UpdateUnitBody, request.body ?? {}, 'BAD_REQUEST');
        const result = await trigger.trigger(
          {
            units: [request.params.unit],
            dryRun: body.dryRun,
            reason: body.reason,
            force: body.force,
            trigger: 'api',
          },
          originOf(request),
        );
        if (result.status === 'queued') reply.code(202);
        return toTriggerReply(result);
      },
    );
  };
}
