/**
 * GET /api/overview: the health of each part, task counts, the last result per unit, recent tasks.
 * GET /api/settings: the effective configuration (secrets only as set/unset), the webhook URLs to paste
 * into GitHub, discovered vs configured units. Admin only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describeConfig } from '../../config.js';
import type { Deps } from '../../deps.js';
import { runChecks } from '../../domain/health/readiness.js';
import { VERSION } from '../../version.js';
import type { Overview, Settings } from '../contract.js';
import { toApiTask } from '../views.js';

const DAY_MS = 86_400_000;

export function overviewRoutes(deps: Deps, adminGuard: (request: FastifyRequest) => Promise<void>) {
  const { stores, clock, config } = deps;

  return async function plugin(app: FastifyInstance): Promise<void> {
    app.addHook('preHandler', adminGuard);

    app.get('/api/overview', async (): Promise<Overview> => {
      const checks = await runChecks(deps.probes, 2000);
      const since = clock.now() - DAY_MS;
      const counts = stores.tasks.counts(since);
      const last = new Map(stores.journals.lastResults().map((r) => [r.unit, r]));
      return {
        health: {
          db: {
            ok: checks.db.ok,
            detail: checks.db.detail,
            ...(checks.db.hint ? { hint: checks.db.hint } : {}),
          },
          dbus: {
            ok: checks.dbus.ok,
            detail: checks.dbus.detail,
            ...(checks.dbus.hint ? { hint: checks.dbus.hint } : {}),
          },
          podman: {
            ok: checks.podman.ok,
            detail: checks.podman.detail,
            ...(checks.podman.hint ? { hint: checks.podman.hint } : {}),
          },
        },
        counts: { ...counts, events24h: stores.events.countSince(since) },
        units: stores.units.present().map((u) => {
          const r = last.get(u.unit);
          return {
            unit: u.unit,
            image: u.image,
            lastStatus: r?.status ?? null,
            lastTaskId: r?.taskId ?? null,
            lastFinishedAt: r?.finishedAt ? new Date(r.finishedAt).toISOString() : null,
          };
        }),
        recentTasks: stores.tasks.list({ limit: 10 }).map(toApiTask),
      };
    });

    app.get('/api/settings', async (request): Promise<Settings> => {
      const base = config.publicUrl ?? `${request.protocol}://${request.host}`;
      return {
        version: VERSION,
        webhookUrl: `${base}/webhooks/github`,
        legacyWebhookUrl: `${base}/github-package-update/<unit>`,
        config: describeConfig(config),
        units: {
          discovered: stores.units
            .present()
            .map((u) => ({ unit: u.unit, image: u.image, sources: u.sources })),
          configured: [...config.units].map(([unit, image]) => ({ unit, image })),
        },
      };
    });
  };
}
