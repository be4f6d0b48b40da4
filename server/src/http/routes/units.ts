/** GET /api/units: the discovered units, what they run, and whether the registry has something newer (admin). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { newTriggerTask, triggerUnits } from '../../domain/tasks/trigger.js';
import { UpdateUnitBody, type TriggerReply, type UnitsReply } from '../contract.js';
import { parseBody } from '../parse.js';
import { toApiPlan, toApiUnit } from '../views.js';

export function unitRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get('/api/units', { preHandler: adminGuard }, async (): Promise<UnitsReply> => {
      const known = await deps.units.discover();
      const stored = new Map(deps.stores.units.all().map((u) => [u.unit, u]));
      const statuses = await deps.units.statuses(known);
      return { units: statuses.map((s) => toApiUnit(s, stored.get(s.unit))) };
    });

    app.post<{ Params: { unit: string } }>(
      '/api/units/:unit/update',
      { preHandler: adminGuard },
      async (request, reply): Promise<TriggerReply> => {
        const body = parseBody(UpdateUnitBody, request.body ?? {}, 'BAD_REQUEST');
        const known = await deps.units.discover().catch(() => deps.stores.units.present());
        const req = {
          units: [request.params.unit],
          trigger: 'api' as const,
          caller: request.auth.user ?? request.auth.method,
          reason: body.reason,
        };
        const units = triggerUnits(req, known);
        if (body.dryRun)
          return { status: 'dry-run', plan: toApiPlan(await deps.units.plan({ units }, known)) };
        const task = newTriggerTask(req, units, deps);
        await deps.stores.writes.run((tx) => tx.createTask(task));
        request.audit.taskId = task.id;
        request.audit.outcome = 'accepted';
        deps.runner.poke();
        reply.code(202);
        return { status: 'queued', taskId: task.id, units };
      },
    );
  };
}
