/**
 * Every request is traced into the event log. A use case that changes something writes its row in its own unit
 * of work; every other request is handed to the audit use case once the reply is chosen, which counts a read
 * that succeeded, folds a refusal into one row per source, route, status and minute, and stores the rest (a
 * request that may change something is answered only once its row is committed; reads do not wait). Only
 * chosen fields are stored: never headers, bodies, secrets or signatures. Requests Fastify answers before any hook runs (a bad URL) are traced by
 * `answeredWithoutHooks`; those Node's parser refuses, by client-errors.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { outcomeFor, type Origin, type RequestTrace } from '../use-cases/origin.js';
import { routeName } from './api-paths.js';
import type { Deps } from './deps.js';

const READ_ONLY = new Set(['GET', 'HEAD', 'OPTIONS']);
const MAX_ROUTE = 200;

function routeOf(request: FastifyRequest): string {
  return routeName(request) ?? (request.originalUrl.split('?')[0] ?? '').slice(0, MAX_ROUTE);
}

/** The use-case origin of a request: who acts and what it may (set by the admin guard), and its trace. */
export function originOf(request: FastifyRequest, actor?: string): Origin {
  return {
    actor: actor ?? request.auth?.grant?.name ?? request.auth?.user ?? request.auth?.method ?? 'anonymous',
    grant: actor === undefined ? (request.auth?.grant ?? undefined) : undefined,
    request: request.trace,
  };
}

type AuditDeps = Pick<Deps, 'services' | 'lifecycle'>;

/** /metrics: by route pattern (an unmatched path is not a label value: anyone could make up millions). */
function countRequest(deps: AuditDeps, request: FastifyRequest, status: number): void {
  deps.services.recorder.request(
    routeName(request) ?? '(unmatched)',
    request.method,
    outcomeFor(status, request.trace?.fields.outcome),
  );
}

/** The one line per request; its outcome always agrees with the status. */
export function logRequest(
  log: Pick<FastifyRequest['log'], 'info' | 'debug'>,
  trace: RequestTrace,
  status: number,
  quiet = false,
): void {
  const a = trace.fields;
  log[quiet ? 'debug' : 'info'](
    {
      method: trace.method,
      route: trace.route,
      status,
      ms: Math.round(trace.elapsedMs() * 100) / 100,
      delivery: a.delivery,
      outcome: outcomeFor(status, a.outcome),
      taskId: a.taskId,
    },
    'request',
  );
}

/** The trace of each request (`begin`, also for frameworkErrors) and the hooks that write its row and log line. */
export function requestAudit(deps: AuditDeps): {
  begin: (request: FastifyRequest, reply: FastifyReply) => void;
  install: (app: FastifyInstance) => void;
} {
  // Exactly one requestFinished() per request, whether it completed or the client went away.
  const finished = new WeakSet<FastifyRequest>();
  const finish = (request: FastifyRequest): void => {
    if (finished.has(request)) return;
    finished.add(request);
    deps.lifecycle.requestFinished();
  };

  const begin = (request: FastifyRequest, reply: FastifyReply): void => {
    request.startedAt = performance.now();
    const trace: RequestTrace = {
      id: request.id,
      // The route pattern is known once routing ran, which is before this hook.
      route: routeOf(request),
      method: request.method,
      source: request.ip ?? null,
      elapsedMs: () => performance.now() - request.startedAt,
      fields: {},
      recorded: false,
    };
    request.trace = trace;
    request.audit = trace.fields;
    // X-Forwarded-For that did not decide request.ip: a proxy podup does not trust (PODUP_TRUST_PROXY).
    const peer = request.socket.remoteAddress;
    if (request.headers['x-forwarded-for'] !== undefined && peer !== undefined && request.ip === peer)
      deps.services.notices.forwardedByUntrustedPeer(peer);
    request.finishLifecycle = () => finish(request);
    deps.lifecycle.requestStarted();
    reply.header('x-request-id', request.id);
  };

  const install = (app: FastifyInstance): void => {
    app.decorateRequest('trace', null as never);
    app.decorateRequest('audit', null as never);
    app.decorateRequest('startedAt', 0);
    app.decorateRequest('finishLifecycle', null as never);

    // Callback hooks: no promise per request for what runs synchronously.
    app.addHook('onRequest', (request, reply, done) => {
      begin(request, reply);
      done();
    });

    app.addHook('onSend', async (request, reply, payload) => {
      if (!request.trace) return payload;
      const write = deps.services.audit.record(request.trace, reply.statusCode);
      if (!READ_ONLY.has(request.method)) await write;
      return payload;
    });

    app.addHook('onRequestAbort', async (request) => finish(request));

    app.addHook('onResponse', (request, reply, done) => {
      finish(request);
      countRequest(deps, request, reply.statusCode);
      logRequest(
        request.log,
        request.trace,
        reply.statusCode,
        request.routeOptions.config?.quietLog === true,
      );
      done();
    });
  };

  return { begin, install };
}

/**
 * For an answer Fastify sends outside the request's hooks (frameworkErrors): the row and the log line the
 * hooks would have written. Called once the answer is chosen; nothing runs after it for this request.
 */
export function answeredWithoutHooks(request: FastifyRequest, reply: FastifyReply, deps: AuditDeps): void {
  request.finishLifecycle();
  countRequest(deps, request, reply.statusCode);
  void deps.services.audit.record(request.trace, reply.statusCode);
  logRequest(request.log, request.trace, reply.statusCode);
}
