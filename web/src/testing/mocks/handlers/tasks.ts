import { http, HttpResponse } from 'msw';
import { z } from 'zod';
import { TasksQuery, TriggerBody } from '@contract';
import {
  getTask,
  listTasks,
  listUnits,
  planFor,
  queueTask,
  retryTask,
  stopTask,
  subscribe,
  taskDetail,
} from '../db';
import { errorResponse, guard, issues, jsonBody, notFound, queryObject } from './utils';

/** `q` (text search) is the newest filter; accept it whether or not the contract lists it yet. */
const MockTasksQuery = TasksQuery.extend({ q: z.string().max(200).optional() });

const TERMINAL = new Set(['succeeded', 'failed', 'rolled-back', 'cancelled', 'skipped', 'interrupted']);

function eventStream(taskId: string, lastEventId: number): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let unsubscribe: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown, id?: number) =>
        controller.enqueue(
          encoder.encode(
            `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
          ),
        );
      const rec = getTask(taskId);
      if (!rec) return controller.close();
      controller.enqueue(encoder.encode('retry: 2000\n\n'));
      for (const l of rec.log) if (l.id > lastEventId) send('log', l, l.id);
      if (TERMINAL.has(rec.task.status)) {
        send('end', { status: rec.task.status, summary: rec.task.summary });
        return controller.close();
      }
      unsubscribe = subscribe(taskId, (e) => {
        if (e.type === 'log') return send('log', e.log, e.log.id);
        send('end', { status: e.status, summary: e.summary });
        unsubscribe?.();
        controller.close();
      });
    },
    cancel() {
      unsubscribe?.();
    },
  });
}

export const taskHandlers = [
  http.get('/api/tasks', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = MockTasksQuery.safeParse(queryObject(request));
    if (!parsed.success) return errorResponse(400, 'INVALID_QUERY', issues(parsed.error));
    return HttpResponse.json(listTasks(parsed.data));
  }),

  http.get<{ id: string }>('/api/tasks/:id', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const rec = getTask(params.id);
    if (!rec) return notFound(`no task ${params.id.slice(0, 64)}`);
    const after = Number(new URL(request.url).searchParams.get('after') ?? 0);
    return HttpResponse.json(taskDetail(rec, Number.isFinite(after) ? after : 0));
  }),

  http.get<{ id: string }>('/api/tasks/:id/log', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    if (!getTask(params.id)) return notFound(`no task ${params.id.slice(0, 64)}`);
    // Resumes after Last-Event-ID (EventSource reconnecting) or ?after=.
    const last = Number(
      request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('after') ?? 0,
    );
    return new HttpResponse(eventStream(params.id, Number.isFinite(last) ? last : 0), {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
      },
    });
  }),

  ...(['stop', 'force-stop'] as const).map((action) =>
    http.post<{ id: string }>(`/api/tasks/:id/${action}`, async ({ request, params }) => {
      const denied = await guard(request);
      if (denied) return denied;
      const result = stopTask(params.id, action === 'force-stop');
      if (!result) return notFound(`no task ${params.id.slice(0, 64)}`);
      if (!result.ok) return errorResponse(409, 'CONFLICT', result.message);
      return HttpResponse.json({ task: result.task, message: result.message });
    }),
  ),

  http.post<{ id: string }>('/api/tasks/:id/retry', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const result = retryTask(params.id);
    if (!result) return notFound(`no task ${params.id.slice(0, 64)}`);
    if (!result.ok) return errorResponse(409, 'CONFLICT', result.message);
    return HttpResponse.json(
      { task: result.task, retryTaskId: result.retryTaskId, message: result.message },
      { status: 202 },
    );
  }),

  http.post('/api/tasks', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = TriggerBody.safeParse((await jsonBody(request)) ?? {});
    if (!parsed.success) return errorResponse(400, 'BAD_REQUEST', issues(parsed.error));
    const body = parsed.data;
    // Like podup's triggerUnits(): all = every unit that follows a tag; names must be known units.
    const known = listUnits();
    let units: string[];
    if (body.all) {
      units = known.filter((u) => u.managed && u.imageKey !== null).map((u) => u.unit);
      if (units.length === 0)
        return errorResponse(404, 'UNKNOWN_UNIT', 'podup knows no unit that follows an image tag', {
          hint: 'see podup units',
        });
    } else {
      units = [...new Set(body.units ?? [])];
      if (units.length === 0)
        return errorResponse(400, 'BAD_REQUEST', 'name at least one unit, or ask for all units');
      const unknown = units.filter((u) => !known.some((k) => k.unit === u));
      if (unknown.length > 0)
        return errorResponse(404, 'UNKNOWN_UNIT', `not a unit podup manages: ${unknown.join(', ')}`, {
          hint: 'podup only restarts units it discovered (PODMAN_SYSTEMD_UNIT label, Quadlet files) or PODUP_UNITS lists; see podup units',
        });
      const refused = known.filter((k) => units.includes(k.unit) && !k.managed);
      if (refused.length > 0)
        return errorResponse(
          403,
          'NOT_OPTED_IN',
          `podup does not update ${refused.map((u) => `${u.unit} (${u.unmanagedReason ?? ''})`).join('; ')}`,
          { hint: 'see podup units' },
        );
    }
    if (body.dryRun) return HttpResponse.json({ status: 'dry-run', plan: planFor(units) });
    const queued = queueTask(units, { caller: body.caller, reason: body.reason, route: '/api/tasks' });
    return HttpResponse.json({ status: 'queued', ...queued }, { status: 202 });
  }),
];
