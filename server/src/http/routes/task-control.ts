/**
 * POST /api/v1/tasks/:id/stop | /force-stop | /retry (control) and /approve | /reject (approve).
 * (The live log: task-log.ts.)
 */
import type { FastifyInstance } from 'fastify';
import type { TaskActionReply } from '../../contract/api.js';
import { toApiTask } from '../../contract/views.js';
import { originOf } from '../audit.js';
import { idempotencyOf, markReplay } from '../idempotency-key.js';
import { api, type RequireScope } from '../api-paths.js';
import type { Deps } from '../deps.js';

type IdParams = { Params: { id: string } };

export function taskControlRoutes(deps: Deps, need: RequireScope) {
  const { control } = deps.services;

  return async function plugin(app: FastifyInstance): Promise<void> {
    for (const [action, kind] of [
      ['stop', 'stop'],
      ['force-stop', 'force'],
    ] as const) {
      app.post<IdParams>(
        api(`/tasks/:id/${action}`),
        { preHandler: need('control') },
        async (request): Promise<TaskActionReply> => {
          const { task, message } = await control.stop(request.params.id, kind, originOf(request));
          return { task: toApiTask(task), message };
        },
      );
    }

    for (const action of ['approve', 'reject'] as const) {
      app.post<IdParams>(
        api(`/tasks/:id/${action}`),
        { preHandler: need('approve') },
        async (request): Promise<TaskActionReply> => {
          const { task, message } = await control[action](request.params.id, originOf(request));
          return { task: toApiTask(task), message };
        },
      );
    }

    app.post<IdParams>(
      api('/tasks/:id/retry'),
      { preHandler: need('control') },
      async (request, reply): Promise<TaskActionReply> => {
        const result = await control.retry(request.params.id, originOf(request), idempotencyOf(request));
        const { retry, message } = result;
        markReplay(reply, result);
        reply.code(202);
        return { task: toApiTask(retry), retryTaskId: retry.id, message };
      },
    );
  };
}
