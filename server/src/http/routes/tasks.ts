/**
 * GET /api/tasks, GET /api/tasks/:id, POST /api/tasks (trigger named or all units; dryRun answers the plan).
 * Admin only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TriggerBody, type ApiTaskDetail, type TasksPage, type TriggerReply } from '../../contract/api.js';
import { parseTasksQuery } from '../../contract/tasks-query.js';
import { toApiTaskDetail, toTasksPage, toTriggerReply } from '../../contract/views.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';
import { parseInput } from '../../contract/parse.js';

export function taskRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  const { queries, trigger } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', adminGuard);

    app.get('/api/tasks', async (request): Promise<TasksPage> =>
      toTasksPage(queries.tasks(parseTasksQuery(request.query))),
    );

    app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
      '/api/tasks/:id',
      async (request): Promise<ApiTaskDetail> => {
        const after = Number(request.query.after ?? 0);
        return toApiTaskDetail(queries.task(request.params.id, Number.isFinite(after) ? after : 0));
      },
    );

    app.post('/api/tasks', async (request, reply): Promise<TriggerReply> => {
      const body = parseInput(TriggerBody, request.body ?? {}, 'BAD_REQUEST');
      const result = await trigger.trigger({ ...body, trigger: 'api' }, originOf(request));
      if (result.status === 'queued') reply.code(202);
      return toTriggerReply(result);
    });
  };
}
