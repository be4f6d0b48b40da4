/** GET /api/v1/openapi.json: the OpenAPI document of the stable API (public: it holds no secret). */
import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../../contract/openapi.js';
import { api } from '../api-paths.js';

export function openApiRoutes() {
  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get(api('/openapi.json'), async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=300').send(openApiDocument()),
    );
  };
}
