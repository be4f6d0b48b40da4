/**
 * Where the API answers: `/api/v1/...`, the stable API for bots (documented at /api/v1/openapi.json), and the
 * unversioned `/api/...` the task panel and the CLI have used since before it. Both are the same handlers,
 * registered once under `/api`: a request for `/api/v1/x` is rewritten to `/api/x` before routing (a second
 * copy of every route cost each cold start about 4 ms), and only routes of the stable API's table
 * (contract/api-routes.ts) answer under /api/v1. Logs, the event log and /metrics name the path as called.
 */
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { API_ROUTES, V1_PREFIX } from '../contract/api-routes.js';
import type { Scope } from '../domain/auth/grant.js';
import { AppError } from '../errors.js';

export const V1 = V1_PREFIX;
const UNVERSIONED = '/api';

/** The path of an API route, e.g. api('/tasks/:id'): `/api/tasks/:id`, also served as `/api/v1/tasks/:id`. */
export const api = (path: string): string => `${UNVERSIONED}${path}`;

/** Fastify's rewriteUrl: `/api/v1/x` is routed as `/api/x`. */
export function routedUrl(url: string): string {
  if (!url.startsWith(`${V1}/`)) return url;
  return `${UNVERSIONED}${url.slice(V1.length)}`;
}

/** Whether the request was called under /api/v1 and routed as its unversioned path. */
const calledAsV1 = (request: FastifyRequest): boolean => request.originalUrl !== request.url;

/** The route as called, for logs, the event log and metrics: `/api/v1/tasks/:id` when called so. */
export function routeName(request: FastifyRequest): string | undefined {
  const url = request.routeOptions.url;
  if (url === undefined || !calledAsV1(request)) return url;
  return request.routeOptions.config.v1 === true ? `${V1}${url.slice(UNVERSIONED.length)}` : undefined;
}

const methodsOf = (route: RouteOptions): string[] =>
  (Array.isArray(route.method) ? route.method : [route.method]).map((m) => m.toUpperCase());

/**
 * Marks the routes of the stable API's table as served under /api/v1 as well, and answers 404 for any other
 * route called there (the panel's session, say). Install before the routes are registered.
 */
export function serveV1(app: FastifyInstance): void {
  const table = new Set(
    API_ROUTES.map((r) => `${r.method.toUpperCase()} ${api(r.path.replace(/\{(\w+)\}/g, ':$1'))}`),
  );
  app.addHook('onRoute', (route) => {
    // HEAD routes Fastify adds for GET routes follow their GET.
    if (methodsOf(route).some((m) => table.has(`${m === 'HEAD' ? 'GET' : m} ${route.url}`)))
      route.config = { ...route.config, v1: true };
  });
  app.addHook('onRequest', (request, _reply, done) => {
    if (!calledAsV1(request) || request.routeOptions.config.v1 === true) return done();
    done(
      new AppError(
        'NOT_FOUND',
        `no route for ${request.method} ${(request.originalUrl.split('?')[0] ?? '').slice(0, 200)}`,
      ),
    );
  });
}

/** The preHandler that admits a credential holding `scope` (http/admin-auth.ts). */
export type RequireScope = (scope: Scope) => (request: FastifyRequest) => Promise<void>;
