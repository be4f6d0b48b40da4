/**
 * GET /api/v1/overview: the health of each part, task counts, the last result per unit, recent tasks (read).
 * GET /api/v1/settings: the effective configuration (secrets only as set/unset), the webhook URLs to paste
 * into GitHub, discovered vs configured units (admin).
 * POST /api/v1/settings/test-delivery: a signed ping to that webhook URL, and what answered (admin).
 */
import type { FastifyInstance } from 'fastify';
import { describeConfig } from '../../config.js';
import type { Overview, Settings, TestDeliveryReply } from '../../contract/api.js';
import { toApiOverview } from '../../contract/views.js';
import { VERSION } from '../../version.js';
import { api, type RequireScope } from '../api-paths.js';
import type { Deps } from '../deps.js';

export function overviewRoutes(deps: Deps, need: RequireScope) {
  const { config, services } = deps;

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.get(api('/overview'), { preHandler: need('read') }, async (): Promise<Overview> =>
      toApiOverview(await services.queries.overview()),
    );

    app.post(
      api('/settings/test-delivery'),
      { preHandler: need('admin') },
      async (request): Promise<TestDeliveryReply> =>
        services.testDelivery.send(`${request.protocol}://${request.host}`, VERSION),
    );

    app.get(api('/settings'), { preHandler: need('admin') }, async (request): Promise<Settings> => {
      const base = config.publicUrl ?? `${request.protocol}://${request.host}`;
      const discovered = await services.units.discoveredNow();
      return {
        version: VERSION,
        webhookUrl: `${base}/webhooks/github`,
        legacyWebhookUrl: `${base}/github-package-update/<unit>`,
        config: describeConfig(config),
        units: {
          discovered: discovered.units.map((u) => ({ unit: u.unit, image: u.image, sources: u.sources })),
          configured: [...config.units].map(([unit, image]) => ({ unit, image })),
          discoveryError: discovered.error,
        },
      };
    });
  };
}
