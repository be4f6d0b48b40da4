/**
 * GET /api/v1/tasks, GET /api/v1/tasks/:id (read); POST /api/v1/tasks (trigger: named or all units of the
 * credential; dryRun answers the plan; Idempotency-Key: a retry answers the first result and queues nothing).
 */
import type { FastifyInstance } from 'fastify';
import { TriggerBody, type ApiTaskDetail, type TasksPage, type TriggerReply } from '../../contract/api.js';
import { parseTasksQuery } from '../../contract/tasks-query.js';
import { toApiTaskDetail, toTasksPage, toTriggerReply } from '../../contract/views.js';
import { api, type RequireScope } from '../api-paths.js';
import { originOf } from '../audit.js';
import { idempotencyOf, markReplay } from '../idempotency-key.js';
import type { Deps } from '../deps.js';
import { parseInput } from '../../contract/parse.js';

export function taskRoutes(deps: Deps, need: RequireScope) {
  const { queries, trigger } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    const read = { preHandler: need('read') };
    app.get(api('/tasks'), read, async (request): Promise<TasksPage> =>
      toTasksPage(queries.tasks(parseTasksQuery(request.query))),
    );

    app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
      api('/tasks/:id'),
      read,
      async (request): Promise<ApiTaskDetail> => {
        const after = Number(request.query.after ?? 0);
        return toApiTaskDetail(queries.task(request.params.id, Number.isFinite(after) ? after : 0));
      },
    );

    app.post(
      api('/tasks'),
      { preHandler: need('trigger') },
      async (request, reply): Promise<TriggerReply> => {
        const body = parseInput(TriggerBody, request.body ?? {}, 'BAD_REQUEST');
        const result = await trigger.trigger(
          { ...body, trigger: 'api', idempotency: idempotencyOf(request) },
          originOf(request),
        );
        markReplay(reply, result);
        if (result.status === 'queued') reply.code(202);
        return toTriggerReply(result);
      },
    );
  };
}
