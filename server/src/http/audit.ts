/**
 * The event log: one row per request on every route. For a request that may change something the row is
 * committed before the reply leaves (onSend awaits the write batcher), so an answered webhook or action is
 * never missing from the log; reads are logged in the next batch without holding the reply. Only chosen
 * fields are stored: never headers, bodies, secrets or signatures.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EventRow } from '../domain/events/event.js';
import type { Deps } from '../deps.js';

const MAX_ROUTE = 200;
const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);

function routeOf(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  if (pattern) return pattern;
  return (request.url.split('?')[0] ?? '').slice(0, MAX_ROUTE);
}

export function eventRowFor(request: FastifyRequest, status: number, now: number): EventRow {
  const a = request.audit;
  return {
    ts: now,
    requestId: request.id,
    route: routeOf(request),
    method: request.method,
    status,
    delivery: a.delivery ?? null,
    event: a.event ?? null,
    action: a.action ?? null,
    image: a.image ?? null,
    outcome:
      a.outcome ??
      (status >= 500 ? 'error' : status === 429 ? 'rate-limited' : status >= 400 ? 'rejected' : 'ok'),
    reason: a.reason ?? null,
    taskId: a.taskId ?? null,
    source: request.ip ?? null,
    durationMs: Math.round((performance.now() - request.startedAt) * 100) / 100,
  };
}

export function installAudit(
  app: FastifyInstance,
  deps: Pick<Deps, 'stores' | 'clock' | 'lifecycle' | 'logger'>,
): void {
  app.decorateRequest('audit', null as never);
  app.decorateRequest('audited', false);
  app.decorateRequest('startedAt', 0);
  app.decorateRequest('finishLifecycle', null as never);

  app.addHook('onRequest', async (request, reply) => {
    request.audit = {};
    request.startedAt = performance.now();
    request.finishLifecycle = () => finish(request);
    deps.lifecycle.requestStarted();
    reply.header('x-request-id', request.id);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.audited) {
      request.audited = true;
      const write = deps.stores.writes
        .run((tx) => tx.recordEvent(eventRowFor(request, reply.statusCode, deps.clock.now())))
        // The reply still goes out; the failure is loud in the log and /readyz shows the database problem.
        .catch((err: unknown) => request.log.error({ err }, 'event log write failed'));
      // A request that may change something is answered only once its row is committed; a read (probes,
      // the panel's polling) does not wait for the fsync: its row commits with the next batch.
      if (!READ_ONLY.has(request.method)) await write;
    }
    return payload;
  });

  // Exactly one requestFinished() per request, whether it completed or the client went away.
  const finished = new WeakSet<FastifyRequest>();
  const finish = (request: FastifyRequest): void => {
    if (finished.has(request)) return;
    finished.add(request);
    deps.lifecycle.requestFinished();
  };
  app.addHook('onRequestAbort', async (request) => finish(request));

  app.addHook('onResponse', async (request, reply) => {
    finish(request);
    const quiet = request.routeOptions.config?.quietLog === true;
    request.log[quiet ? 'debug' : 'info'](
      {
        method: request.method,
        route: routeOf(request),
        status: reply.statusCode,
        ms: Math.round((performance.now() - request.startedAt) * 100) / 100,
        delivery: request.audit.delivery,
        outcome: request.audit.outcome,
        taskId: request.audit.taskId,
      },
      'request',
    );
  });
}
