/**
 * GET /api/v1/units: the discovered units, what they run, and whether the registry has something newer (read).
 * POST /api/v1/units/:unit/update: trigger one unit (trigger, within the credential's units; Idempotency-Key).
 */
import type { FastifyInstance } from 'fastify';
import { UpdateUnitBody, type TriggerReply, type UnitsReply } from '../../contract/api.js';
import { toApiUnit, toTriggerReply } from '../../contract/views.js';
import { api, type RequireScope } from '../api-paths.js';
import { originOf } from '../audit.js';
import { idempotencyOf, markReplay } from '../idempotency-key.js';
import type { Deps } from '../deps.js';
import { parseInput } from '../../contract/parse.js';

export function unitRoutes(deps: Deps, need: RequireScope) {
  const { units, trigger } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get(api('/units'), { preHandler: need('read') }, async (): Promise<UnitsReply> => ({
      units: (await units.list()).map(toApiUnit),
    }));

    app.post<{ Params: { unit: string } }>(
      api('/units/:unit/update'),
      { preHandler: need('trigger') },
      async (request, reply): Promise<TriggerReply> => {
        const body = parseInput(UpdateUnitBody, request.body ?? {}, 'BAD_REQUEST');
        const result = await trigger.trigger(
          {
            units: [request.params.unit],
            dryRun: body.dryRun,
            reason: body.reason,
            force: body.force,
            trigger: 'api',
            idempotency: idempotencyOf(request),
          },
          originOf(request),
        );
        markReplay(reply, result);
        if (result.status === 'queued') reply.code(202);
        return toTriggerReply(result);
      },
    );
  };
}
