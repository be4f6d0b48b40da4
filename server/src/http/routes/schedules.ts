/**
 * GET /api/v1/schedules and /api/v1/schedules/preview?cron=&zone= (validation and the next runs, for the
 * panel's editor): read. POST /api/v1/schedules, PUT/DELETE /api/v1/schedules/:name, POST
 * /api/v1/schedules/:name/pause | /resume | /run: admin (a schedule acts on every unit it names, unattended).
 * /run takes an Idempotency-Key: a retry answers the first run and runs nothing.
 */
import type { FastifyInstance } from 'fastify';
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
import { api, type RequireScope } from '../api-paths.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';
import { idempotencyOf, markReplay } from '../idempotency-key.js';

type NameParams = { Params: { name: string } };

const view = (v: ScheduleView): ApiSchedule => toApiSchedule(v.schedule, v.lastTaskStatus);

export function scheduleRoutes(deps: Deps, need: RequireScope) {
  const { schedules, scheduler } = deps.services;
  return async function plugin(app: FastifyInstance): Promise<void> {
    const read = { preHandler: need('read') };
    const admin = { preHandler: need('admin') };

    app.get(api('/schedules'), read, async (): Promise<SchedulesReply> => ({
      schedules: schedules.views().map(view),
    }));

    app.get(api('/schedules/preview'), read, async (request): Promise<CronPreview> => {
      const q = parseInput(CronPreviewQuery, request.query, 'INVALID_QUERY', (f) => f, 'query');
      return {
        cron: q.cron,
        zone: q.zone,
        next: schedules.preview(q.cron, q.zone).map((t) => new Date(t).toISOString()),
      };
    });

    app.post(api('/schedules'), admin, async (request, reply): Promise<ApiSchedule> => {
      const body = parseInput(ScheduleBody, request.body ?? {}, 'BAD_REQUEST');
      const created = await schedules.create(body, originOf(request));
      reply.code(201);
      return view(schedules.view(created));
    });

    const schedule = api('/schedules/:name');
    app.put<NameParams>(schedule, admin, async (request): Promise<ApiSchedule> => {
      const body = parseInput(ScheduleEditBody, request.body ?? {}, 'BAD_REQUEST');
      return view(schedules.view(await schedules.edit(request.params.name, body, originOf(request))));
    });
    app.delete<NameParams>(schedule, admin, async (request): Promise<{ message: string }> => {
      await schedules.remove(request.params.name, originOf(request));
      return { message: `schedule ${request.params.name} deleted` };
    });

    for (const action of ['pause', 'resume'] as const)
      app.post<NameParams>(api(`/schedules/:name/${action}`), admin, async (request): Promise<ApiSchedule> =>
        view(schedules.view(await schedules[action](request.params.name, originOf(request)))),
      );

    app.post<NameParams>(
      api('/schedules/:name/run'),
      admin,
      async (request, reply): Promise<ScheduleRunReply> => {
        const result = await scheduler.runNow(request.params.name, originOf(request), idempotencyOf(request));
        markReplay(reply, result);
        return { schedule: view(schedules.view(result.schedule)), ...result.run };
      },
    );
  };
}
