/**
 * POST /api/tasks/:id/stop | /force-stop | /retry, and GET /api/tasks/:id/log as Server-Sent Events:
 * the backlog (after Last-Event-ID) then live lines, ending with `event: end` when the task ends.
 * Admin only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { findTask, retryTask, stopTask } from '../../domain/tasks/control.js';
import { TERMINAL_STATUSES } from '../../domain/tasks/task.js';
import { eventRowFor } from '../audit.js';
import type { TaskActionReply } from '../contract.js';
import { toApiLog, toApiTask } from '../views.js';

const POLL_MS = 250;
const KEEPALIVE_MS = 15_000;
/** A stream never outlives this; EventSource reconnects with Last-Event-ID and continues. */
const MAX_STREAM_MS = 30 * 60_000;

type IdParams = { Params: { id: string } };

export function taskControlRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  const { stores, clock } = deps;
  const who = (request: FastifyRequest) => request.auth.user ?? request.auth.method;

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', adminGuard);

    for (const [path, kind] of [
      ['stop', 'stop'],
      ['force-stop', 'force'],
    ] as const) {
      app.post<IdParams>(`/api/tasks/:id/${path}`, async (request): Promise<TaskActionReply> => {
        const { task, message } = stopTask(stores.tasks, request.params.id, kind, clock);
        stores.journals.log(
          task.id,
          'warn',
          'task',
          `${kind === 'force' ? 'force-stop' : 'stop'} requested by ${who(request)}: ${message}`,
        );
        request.audit.taskId = task.id;
        return { task: toApiTask(task), message };
      });
    }

    app.post<IdParams>('/api/tasks/:id/retry', async (request, reply): Promise<TaskActionReply> => {
      const { task, retry, message } = retryTask(stores.tasks, request.params.id, who(request), deps);
      stores.journals.log(task.id, 'info', 'task', `retried as ${retry.id} by ${who(request)}`);
      stores.journals.log(retry.id, 'info', 'task', `retry of ${task.id}, queued by ${who(request)}`);
      request.audit.taskId = retry.id;
      request.audit.outcome = 'accepted';
      deps.runner.poke();
      reply.code(202);
      return { task: toApiTask(retry), retryTaskId: retry.id, message };
    });

    app.get<IdParams & { Querystring: { after?: string } }>('/api/tasks/:id/log', async (request, reply) => {
      const id = request.params.id;
      findTask(stores.tasks, id);
      const lastEventId = Number(request.headers['last-event-id'] ?? request.query.after ?? 0);
      let after = Number.isSafeInteger(lastEventId) && lastEventId > 0 ? lastEventId : 0;

      // The stream is long-lived: its event row is written now, not when it ends.
      request.audit.taskId = id;
      await stores.writes.run((tx) => tx.recordEvent(eventRowFor(request, 200, clock.now())));
      request.audited = true;

      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      res.write('retry: 2000\n\n');

      let closed = false;
      const started = clock.now();
      let lastWrite = started;
      const send = (event: string, data: unknown, eventId?: number) => {
        res.write(
          `${eventId !== undefined ? `id: ${eventId}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
        );
        lastWrite = clock.now();
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
          for (const line of stores.journals.logs(id, after, 500)) {
            send('log', toApiLog(line), line.id);
            after = line.id;
          }
          const task = stores.tasks.get(id);
          // A task that ended has all its lines written already; a last read above delivered them.
          if (!task || TERMINAL_STATUSES.has(task.status) || task.status === 'interrupted') {
            if (stores.journals.logs(id, after, 1).length === 0) {
              send('end', { status: task?.status ?? 'gone', summary: task?.summary ?? null });
              finish();
              return;
            }
          }
          if (clock.now() - lastWrite >= KEEPALIVE_MS) {
            res.write(': keep-alive\n\n');
            lastWrite = clock.now();
          }
          if (clock.now() - started >= MAX_STREAM_MS) finish();
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
