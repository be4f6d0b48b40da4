/**
 * Where the API answers: `/api/v1/...`, the stable API for bots (documented at /api/v1/openapi.json), and the
 * unversioned `/api/...` the task panel and the CLI have used since before it. Both are the same handlers.
 */
import type { FastifyRequest } from 'fastify';
import type { Scope } from '../domain/auth/grant.js';

export const V1 = '/api/v1';

/** The paths of one API route: `/api<path>` and `/api/v1<path>`. */
export const apiPaths = (path: string): [string, string] => [`/api${path}`, `${V1}${path}`];

/** The preHandler that admits a credential holding `scope` (http/admin-auth.ts). */
export type RequireScope = (scope: Scope) => (request: FastifyRequest) => Promise<void>;
