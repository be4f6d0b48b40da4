/**
 * GET /api/tasks, GET /api/tasks/:id, POST /api/tasks (trigger named or all units; dryRun answers the plan).
 * Admin only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { newTriggerTask, triggerUnits } from '../../domain/tasks/trigger.js';
import { AppError } from '../../errors.js';
import {
  TasksQuery,
  TriggerBody,
  type ApiTaskDetail,
  type TasksPage,
  type TriggerReply,
} from '../contract.js';
import { parseBody } from '../parse.js';
import { toApiPlan, toApiTask, toApiTaskDetail } from '../views.js';

export function taskRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  const { stores } = deps;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', adminGuard);

    app.get('/api/tasks', async (request): Promise<TasksPage> => {
      const q = parseBody(TasksQuery, request.query, 'INVALID_QUERY');
      const [created, id] = q.cursor?.split('.') ?? [];
      const rows = stores.tasks.list({
        status: q.status,
        kind: q.kind,
        unit: q.unit,
        image: q.image,
        text: q.q,
        beforeCreated: created && id ? { createdAt: Number(created), id } : undefined,
        limit: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      const last = page.at(-1);
      return {
        tasks: page.map(toApiTask),
        nextCursor: rows.length > q.limit && last ? `${last.createdAt}.${last.id}` : null,
      };
    });

    app.get<{ Params: { id: string }; Querystring: { after?: string } }>(
      '/api/tasks/:id',
      async (request): Promise<ApiTaskDetail> => {
        const task = stores.tasks.get(request.params.id);
        if (!task) throw new AppError('NOT_FOUND', `no task ${request.params.id.slice(0, 64)}`);
        const after = Number(request.query.after ?? 0);
        return toApiTaskDetail(
          task,
          stores.journals.units(task.id),
          stores.journals.logs(task.id, Number.isFinite(after) ? after : 0),
        );
      },
    );

    app.post('/api/tasks', async (request, reply): Promise<TriggerReply> => {
      const body = parseBody(TriggerBody, request.body ?? {}, 'BAD_REQUEST');
      // With Podman unreachable, the last discovery still decides what may be named; the task then fails
      // with Podman's error instead of the request.
      const known = await deps.units.discover().catch((err: unknown) => {
        request.log.warn({ err }, 'discovery failed; using the last known units');
        return deps.stores.units.present();
      });
      const req = {
        units: body.units,
        all: body.all,
        caller: body.caller,
        reason: body.reason,
        trigger: 'api' as const,
      };
      const units = triggerUnits(req, known);
      if (body.dryRun) return { status: 'dry-run', plan: toApiPlan(await deps.units.plan({ units }, known)) };
      const task = newTriggerTask(req, units, deps);
      await stores.writes.run((tx) => tx.createTask(task));
      request.audit.taskId = task.id;
      request.audit.outcome = 'accepted';
      deps.runner.poke();
      reply.code(202);
      return { status: 'queued', taskId: task.id, units };
    });
  };
}
