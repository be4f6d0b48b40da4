/**
 * POST /api/tasks/:id/stop | /force-stop | /retry, and GET /api/tasks/:id/log as Server-Sent Events:
 * the backlog (after Last-Event-ID) then live lines, ending with `event: end` when the task ends.
 * Admin only.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TaskActionReply } from '../../contract/api.js';
import { toApiLog, toApiTask } from '../../contract/views.js';
import { isFinished } from '../../domain/tasks/task.js';
import { originOf } from '../audit.js';
import type { Deps } from '../deps.js';

const POLL_MS = 250;
const KEEPALIVE_MS = 15_000;
/** A stream never outlives this; EventSource reconnects with Last-Event-ID and continues. */
const MAX_STREAM_MS = 30 * 60_000;

type IdParams = { Params: { id: string } };

export function taskControlRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  const { control, queries, audit } = deps.services;

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

    app.post<IdParams>('/api/tasks/:id/retry', async (request, reply): Promise<TaskActionReply> => {
      const { retry, message } = await control.retry(request.params.id, originOf(request));
      reply.code(202);
      return { task: toApiTask(retry), retryTaskId: retry.id, message };
    });

    app.get<IdParams & { Querystring: { after?: string } }>('/api/tasks/:id/log', async (request, reply) => {
      const id = request.params.id;
      queries.task(id);
      const lastEventId = Number(request.headers['last-event-id'] ?? request.query.after ?? 0);
      let after = Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0;

      // The stream is long-lived: its event row is written now, not when it ends.
      request.audit.taskId = id;
      await audit.record(request.trace, 200);

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        // What the hooks set so far (X-Request-Id, the security headers): hijacking skips Fastify's send.
        ...(Object.fromEntries(
          Object.entries(reply.getHeaders()).filter((h) => h[1] !== undefined),
        ) as OutgoingHttpHeaders),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write('retry: 2000\n\n');

      let closed = false;
      const started = Date.now();
      let lastWrite = started;
      const send = (event: string, data: unknown, eventId?: number) => {
        res.write(
          `${eventId !== undefined ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
        );
        lastWrite = Date.now();
      };
      const finish = () => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        res.end();
        request.finishLifecycle();
      };
      const pump = () => {
        if (closed) return;
        try {
          for (const line of queries.taskLog(id, after, 500)) {
            send('log', toApiLog(line), line.id);
            after = line.id;
          }
          const task = queries.findTask(id);
          // A task that ended has all its lines written already; a last read above delivered them.
          if (!task || isFinished(task.status)) {
            if (queries.taskLog(id, after, 1).length === 0) {
              send('end', { status: task?.status ?? 'gone', summary: task?.summary ?? null });
              finish();
              return;
            }
          }
          if (Date.now() - lastWrite >= KEEPALIVE_MS) {
            res.write(': keep-alive\n\n');
            lastWrite = Date.now();
          }
          if (Date.now() - started >= MAX_STREAM_MS) finish();
        } catch (err) {
          request.log.error({ err }, 'task log stream failed');
          finish();
        }
      };
      const timer = setInterval(pump, POLL_MS);
      request.raw.on('close', finish);
      pump();
    });
  };
}
