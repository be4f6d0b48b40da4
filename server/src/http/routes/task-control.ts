/** POST /api/tasks/:id/stop | /force-stop | /retry | /approve | /reject. Admin only. (The live log: task-log.ts.) */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TaskActionReply } from '../../contract/api.js';
import { toApiTask } from '../../contract/views.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';

type IdParams = { Params: { id: string } };

export function taskControlRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  const { control } = deps.services;

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', adminGuard);

    for (const [path, kind] of [
      ['stop', 'stop'],
      ['force-stop', 'force'],
    ] as const) {
      app.post<IdParams>(`/api/tasks/:id/${path}`, async (request): Promise<TaskActionReply> => {
        const { task, message } = await control.stop(request.params.id, kind, originOf(request));
        return { task: toApiTask(task), message };
      });
    }

    for (const action of ['approve', 'reject'] as const) {
      app.post<IdParams>(`/api/tasks/:id/${action}`, async (request): Promise<TaskActionReply> => {
        const { task, message } = await control[action](request.params.id, originOf(request));
        return { task: toApiTask(task), message };
      });
    }

    app.post<IdParams>('/api/tasks/:id/retry', async (request, reply): Promise<TaskActionReply> => {
      const { retry, message } = await control.retry(request.params.id, originOf(request));
      reply.code(202);
      return { task: toApiTask(retry), retryTaskId: retry.id, message };
    });
  };
}
