import { http, HttpResponse } from 'msw';
import { UpdateUnitBody } from '@contract';
import { findUnit, listUnits, planFor, queueTask } from '../db';
import { errorResponse, guard, issues, jsonBody } from './utils';

export const unitHandlers = [
  http.get('/api/units', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    return HttpResponse.json({ units: listUnits() });
  }),

  http.post<{ unit: string }>('/api/units/:unit/update', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = UpdateUnitBody.safeParse((await jsonBody(request)) ?? {});
    if (!parsed.success) return errorResponse(400, 'BAD_REQUEST', issues(parsed.error));
    if (!findUnit(params.unit))
      return errorResponse(404, 'UNKNOWN_UNIT', `not a unit podup manages: ${params.unit}`, {
        hint: 'podup only restarts units it discovered or PODUP_UNITS lists',
      });
    if (parsed.data.dryRun) return HttpResponse.json({ status: 'dry-run', plan: planFor([params.unit]) });
    const queued = queueTask([params.unit], {
      reason: parsed.data.reason,
      route: `/api/units/${params.unit}/update`,
    });
    return HttpResponse.json({ status: 'queued', ...queued }, { status: 202 });
  }),
];
