/**
 * buildApp(deps): routes, hooks and error handling. Never reads the environment and never listens:
 * main.ts does that, tests call inject().
 */
import { randomBytes } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import { AdminAuth } from './http/admin-auth.js';
import { routedUrl, serveV1 } from './http/api-paths.js';
import { requestAudit } from './http/audit.js';
import { capConnections } from './http/connection-limits.js';
import type { Deps } from './http/deps.js';
import { clientErrorHandler } from './http/client-errors.js';
import { frameworkErrorHandler, installErrorHandling } from './http/error-handler.js';
import { eventRoutes } from './http/routes/events.js';
import { healthRoutes } from './http/routes/health.js';
import { legacyAutoUpdateRoutes } from './http/routes/legacy-auto-update.js';
import { maintenanceRoutes } from './http/routes/maintenance.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { notificationRoutes } from './http/routes/notifications.js';
import { openApiRoutes } from './http/routes/openapi.js';
import { overviewRoutes } from './http/routes/overview.js';
import { sessionRoutes } from './http/routes/session.js';
import { appFallback, staticRoutes, WebDist } from './http/routes/static.js';
import { applySecurityHeaders } from './http/security-headers.js';
import { taskControlRoutes } from './http/routes/task-control.js';
import { taskLogRoutes, type LogStreams } from './http/routes/task-log.js';
import { taskRoutes } from './http/routes/tasks.js';
import { tokenRoutes } from './http/routes/tokens.js';
import { unitRoutes } from './http/routes/units.js';
import { policyRoutes } from './http/routes/policies.js';
import { scheduleRoutes } from './http/routes/schedules.js';
import { webhookRoutes } from './http/routes/webhooks.js';
import { isTrustedPeer, trustFunction } from './http/trusted-peer.js';
import { StreamRegistry, tokenCredential } from './http/stream-registry.js';
import { TaskFeeds } from './http/task-feeds.js';
import type { Scope } from './domain/auth/grant.js';
import { AppError } from './errors.js';
import './http/fastify-types.js';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Deadlines that a slow client cannot stretch. Headers within 10 s of a connection's first byte (or of the
 * previous response); the whole request, body included, within 30 s of its start (a trickle does not reset
 * it). They must reach node when the server is created: set afterwards (as Fastify sets requestTimeout), a
 * headersTimeout left at node's 60 s default is larger than requestTimeout and node swaps the two, and node's
 * 30 s check interval let a deadline pass by another 30 s.
 */
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const DEADLINE_CHECK_MS = 1000;

/** Unique across restarts (random per process) and cheap per request (a counter). */
function requestIds(): () => string {
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  return () => `${prefix}-${(++n).toString(36)}`;
}

/** podup validates with zod, never with route schemas: keep ajv and fast-json-stringify from loading. */
const NO_ROUTE_SCHEMAS = {
  compilersFactory: {
    buildValidator: () => () => {
      throw new Error('route schemas are not used in podup; validate with zod');
    },
    buildSerializer: () => () => {
      throw new Error('route schemas are not used in podup');
    },
  },
};

/** The task-log streams: one feed per task, a cap per credential, and their end with podup. */
function logStreams(app: FastifyInstance, deps: Deps): LogStreams {
  const feeds = new TaskFeeds(deps.services.queries, (err, taskId) =>
    deps.logger.error({ err, taskId }, 'task log feed failed'),
  );
  const registry = new StreamRegistry(deps.config.maxStreamsPerCredential);
  // A revoked token's streams end at once (an expired one's at its expiry, task-log.ts). Subscribed at the first
  // stream: building the app (also into the startup snapshot) calls no use case.
  let unsubscribe: (() => void) | undefined;
  const watchRevocations = (): void => {
    unsubscribe ??= deps.services.tokens.onRevoked((name) =>
      registry.endAll(tokenCredential(name), 'token revoked'),
    );
  };
  app.addHook('onClose', async () => unsubscribe?.());
  // Before the server waits for open responses to finish: streams would hold it for up to 30 minutes.
  app.addHook('preClose', async () => registry.endEverything('podup is shutting down'));
  return { feeds, registry, watchRevocations };
}

export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const nextRequestId = requestIds();
  const trust = trustFunction(deps.config.trustProxy);
  // Typed as Fastify's logger so the instance keeps Fastify's default generic parameters.
  const logger: FastifyBaseLogger = deps.logger;
  const audit = requestAudit(deps);
  const onFrameworkError = frameworkErrorHandler(audit.begin, deps);
  const app = Fastify({
    loggerInstance: logger,
    // One line per request comes from http/audit.ts instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: trust ?? false,
    bodyLimit: 64 * 1024,
    // Answered below in the one error shape (Fastify's own 503 has its own body and leaves no row).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    http: {
      headersTimeout: HEADERS_TIMEOUT_MS,
      requestTimeout: REQUEST_TIMEOUT_MS,
      connectionsCheckingInterval: DEADLINE_CHECK_MS,
    },
    requestTimeout: REQUEST_TIMEOUT_MS,
    // Inactivity in either direction, also while a response is written (a reader that stopped reading).
    connectionTimeout: 60_000,
    // Keep a caller's X-Request-Id when it is sane, so logs correlate across a proxy.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : nextRequestId();
    },
    routerOptions: { ignoreTrailingSlash: true },
    rewriteUrl: (req) => routedUrl(req.url ?? '/'),
    schemaController: NO_ROUTE_SCHEMAS,
    frameworkErrors: (err, request, reply) => onFrameworkError(err, request, reply),
    clientErrorHandler: clientErrorHandler(deps, nextRequestId),
  });

  // The hooks every request runs take a callback: no promise per request on the webhook's hot path.
  app.addHook('onRequest', (_request, reply, done) => {
    applySecurityHeaders(reply);
    done();
  });

  capConnections(
    app.server,
    {
      total: deps.config.maxConnections,
      perSource: deps.config.maxConnectionsPerSource,
      exempt: (address) => isTrustedPeer(trust, address),
    },
    deps.logger,
  );

  // Unknown non-API paths of the browser get the task panel (client-side routes), the rest a JSON 404.
  const dist = new WebDist(deps.config.webDist);
  installErrorHandling(app, appFallback(dist));
  audit.install(app);

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close');
    done(
      new AppError('SHUTTING_DOWN', 'podup is shutting down; try again in a moment', { retryAfterSec: 1 }),
    );
  });

  serveV1(app);
  await app.register(cookie);
  app.decorateRequest('auth', null as never);
  const auth = new AdminAuth(deps, trust);
  const need = (scope: Scope) => auth.require(scope);

  // Plain route tables join the root context directly: each encapsulated plugin costs a cold start about
  // 0.2 ms. Those with their own hooks or body parsers (webhooks, task log, tokens, notifications) keep theirs.
  const streams = logStreams(app, deps);
  for (const routes of [
    healthRoutes(deps),
    eventRoutes(deps, need),
    taskRoutes(deps, need),
    unitRoutes(deps, need),
    policyRoutes(deps, need),
    scheduleRoutes(deps, need),
    sessionRoutes(deps, auth, streams.registry),
    taskControlRoutes(deps, need),
    overviewRoutes(deps, need),
    maintenanceRoutes(deps, need),
    metricsRoutes(deps, auth.metrics),
    legacyAutoUpdateRoutes(deps, auth),
    openApiRoutes(),
    staticRoutes(deps, dist),
  ])
    await routes(app);
  await app.register(webhookRoutes(deps));
  await app.register(taskLogRoutes(deps, need, streams));
  await app.register(tokenRoutes(deps, need));
  await app.register(notificationRoutes(deps, need));
  return app;
}
