import { http, HttpResponse } from 'msw';
import { TasksQuery, TriggerBody } from '@contract';
import { listTasks } from '../lists';
import { answerFor, detailOf, findTask, recordedTransport } from '../state';
import { controlTask, retryTask, trigger } from '../task-actions';
import { taskStream } from '../task-stream';
import { guard, jsonBody, queryObject, respond } from './utils';

const notFound = (id: string) => {
  const t = recordedTransport();
  return respond(answerFor(t.taskNotFound, t.missingTask, id));
};

export const taskHandlers = [
  http.get('/api/tasks', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = TasksQuery.safeParse(queryObject(request));
    if (!parsed.success) return respond(recordedTransport().badTasksQuery);
    return HttpResponse.json(listTasks(parsed.data));
  }),

  http.get<{ id: string }>('/api/tasks/:id', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const t = findTask(params.id);
    if (!t) return notFound(params.id);
    const after = Number(new URL(request.url).searchParams.get('after') ?? 0);
    const d = detailOf(t);
    return HttpResponse.json(
      Number.isFinite(after) && after > 0 ? { ...d, log: d.log.filter((l) => l.id > after) } : d,
    );
  }),

  http.get<{ id: string }>('/api/tasks/:id/log', async ({ request, params }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const t = findTask(params.id);
    if (!t) return notFound(params.id);
    // Resumes after Last-Event-ID (EventSource reconnecting) or ?after=.
    const last = Number(
      request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('after') ?? 0,
    );
    return new HttpResponse(taskStream(t, Number.isFinite(last) ? last : 0), {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
      },
    });
  }),

  ...(['stop', 'force-stop', 'approve', 'reject'] as const).map((action) =>
    http.post<{ id: string }>(`/api/tasks/:id/${action}`, async ({ request, params }) => {
      return (await guard(request)) ?? respond(controlTask(params.id, action));
    }),
  ),

  http.post<{ id: string }>('/api/tasks/:id/retry', async ({ request, params }) => {
    return (await guard(request)) ?? respond(retryTask(params.id));
  }),

  http.post('/api/tasks', async ({ request }) => {
    const denied = await guard(request);
    if (denied) return denied;
    const parsed = TriggerBody.safeParse(await jsonBody(request));
    if (!parsed.success) return respond(recordedTransport().badBody);
    return respond(trigger('/api/tasks', parsed.data));
  }),
];
