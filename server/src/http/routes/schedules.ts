/**
 * GET/POST /api/schedules, PUT/DELETE /api/schedules/:name, POST /api/schedules/:name/pause | /resume | /run,
 * GET /api/schedules/preview?cron=&zone= (validation and the next runs, for the panel's editor). Admin only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  CronPreviewQuery,
  ScheduleBody,
  ScheduleEditBody,
  type ApiSchedule,
  type CronPreview,
  type ScheduleRunReply,
  type SchedulesReply,
} from '../../contract/api.js';
import { parseInput } from '../../contract/parse.js';
import { toApiSchedule } from '../../contract/views.js';
import type { ScheduleView } from '../../use-cases/schedules.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';

type NameParams = { Params: { name: string } };

const view = (v: ScheduleView): ApiSchedule => toApiSchedule(v.schedule, v.lastTaskStatus);

export function scheduleRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  const { schedules, scheduler } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', adminGuard);

    app.get('/api/schedules', async (): Promise<SchedulesReply> => ({
      schedules: schedules.views().map(view),
    }));

    app.get('/api/schedules/preview', async (request): Promise<CronPreview> => {
      const q = parseInput(CronPreviewQuery, request.query, 'INVALID_QUERY', (f) => f, 'query');
      return {
        cron: q.cron,
        zone: q.zone,
        next: schedules.preview(q.cron, q.zone).map((t) => new Date(t).toISOString()),
      };
    });

    app.post('/api/schedules', async (request, reply): Promise<ApiSchedule> => {
      const body = parseInput(ScheduleBody, request.body ?? {}, 'BAD_REQUEST');
      const created = await schedules.create(body, originOf(request));
      reply.code(201);
      return view(schedules.view(created));
    });

    app.put<NameParams>('/api/schedules/:name', async (request): Promise<ApiSchedule> => {
      const body = parseInput(ScheduleEditBody, request.body ?? {}, 'BAD_REQUEST');
      return view(schedules.view(await schedules.edit(request.params.name, body, originOf(request))));
    });

    app.delete<NameParams>('/api/schedules/:name', async (request): Promise<{ message: string }> => {
      await schedules.remove(request.params.name, originOf(request));
      return { message: `schedule ${request.params.name} deleted` };
    });

    for (const action of ['pause', 'resume'] as const) {
      app.post<NameParams>(`/api/schedules/:name/${action}`, async (request): Promise<ApiSchedule> =>
        view(schedules.view(await schedules[action](request.params.name, originOf(request)))),
      );
    }

    app.post<NameParams>('/api/schedules/:name/run', async (request): Promise<ScheduleRunReply> => {
      const { schedule, run } = await scheduler.runNow(request.params.name, originOf(request));
      return { schedule: view(schedules.view(schedule)), ...run };
    });
  };
}
