/**
 * The OpenAPI 3.1 document of /api/v1, generated from the shared zod schemas and the route table
 * (api-routes.ts) with @asteasolutions/zod-to-openapi: the document cannot say something the server does not
 * validate or answer. Each operation names the scope it needs (`x-podup-scope`, and in its description).
 */
import { OpenAPIRegistry, OpenApiGeneratorV31, zodToOpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { VERSION } from '../version.js';
import { API_ROUTES, V1_PREFIX } from './api-routes.js';
import {
  ApiChannel,
  ApiDelivery,
  ApiEvent,
  ApiPlan,
  ApiTask,
  ApiTaskDetail,
  ApiToken,
  ApiUnit,
  ErrorBody,
  TriggerReply,
} from './api.js';

const ERRORS: Record<number, string> = {
  400: 'The request is malformed (the message names each problem)',
  401: 'No or a wrong credential (counted against the address; 429 once it failed too often)',
  403: 'The credential lacks the scope or the units this needs',
  404: 'No such task, unit, token or channel',
  409: 'In conflict with the state (a task already ended, a name taken)',
  422: 'The Idempotency-Key was used with another request',
  429: 'Too many failed attempts from this address (Retry-After)',
  503: 'A part podup needs is down, or the admin API is not configured (hint)',
};

const NAMED = {
  ErrorBody,
  ApiTask,
  ApiTaskDetail,
  ApiPlan,
  TriggerReply,
  ApiUnit,
  ApiEvent,
  ApiToken,
  ApiChannel,
  ApiDelivery,
};

function build(): Record<string, unknown> {
  const registry = new OpenAPIRegistry();
  // Named once, referenced everywhere they appear: metadata in the library's registry, the schemas unchanged.
  for (const [refId, schema] of Object.entries(NAMED))
    if (!zodToOpenAPIRegistry.has(schema)) zodToOpenAPIRegistry.add(schema, { _internal: { refId } });
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API token (pdp_..., `podup tokens create`) with the operation’s scope, or the admin token. The panel’s session cookie works too (with X-CSRF-Token on writes).',
  });

  for (const r of API_ROUTES) {
    const headers = r.idempotent
      ? z.object({
          'idempotency-key': z
            .string()
            .max(255)
            .optional()
            .describe(
              'A retry with the same key (same credential, within a day) answers the first result and creates nothing new',
            ),
        })
      : undefined;
    const errors = Object.fromEntries(
      Object.entries(ERRORS)
        .filter(([code]) => r.scope !== undefined || Number(code) >= 500)
        .map(([code, description]) => [
          code,
          { description, content: { 'application/json': { schema: ErrorBody } } },
        ]),
    );
    registry.registerPath({
      method: r.method,
      path: `${V1_PREFIX}${r.path}`,
      operationId: r.operationId,
      summary: r.summary,
      description: [r.description, r.scope ? `Needs the \`${r.scope}\` scope.` : 'Public.']
        .filter(Boolean)
        .join('\n\n'),
      tags: [r.path.split('/')[1] ?? 'api'],
      ...(r.scope ? { security: [{ [bearer.name]: [] }], 'x-podup-scope': r.scope } : { security: [] }),
      request: {
        ...(r.params ? { params: r.params } : {}),
        ...(r.query ? { query: r.query } : {}),
        ...(headers ? { headers } : {}),
        ...(r.body ? { body: { content: { 'application/json': { schema: r.body } } } } : {}),
      },
      responses: {
        ...Object.fromEntries(
          Object.entries(r.responses).map(([code, res]) => [
            code,
            {
              description: res.description,
              ...(res.schema
                ? { content: { 'application/json': { schema: res.schema } } }
                : res.mediaType
                  ? { content: { [res.mediaType]: { schema: { type: 'string' as const } } } }
                  : {}),
              ...(r.idempotent && Number(code) < 300
                ? {
                    headers: {
                      'Idempotent-Replayed': {
                        description: '"true" when this is the first answer to the same Idempotency-Key',
                        schema: { type: 'string' as const },
                      },
                    },
                  }
                : {}),
            },
          ]),
        ),
        ...errors,
      },
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'podup API',
      version: VERSION,
      description:
        'The stable API of podup for bots and the panel. Every request needs a credential with the scope named per operation (read, trigger, control, approve, admin); admin holds them all.',
    },
    servers: [{ url: '/' }],
  }) as unknown as Record<string, unknown>;
}

let cached: Record<string, unknown> | undefined;

/** Built on first use (not while the startup snapshot is made), then kept: it only changes with podup. */
export function openApiDocument(): Record<string, unknown> {
  cached ??= build();
  return cached;
}
